"""The demo district loaded once per test process and key, then restored from a snapshot.

About 300 tests load the demo (``hazwatch.demo.load`` or the registry's ``load_demo``) into
freshly emptied tables: 3.7 s on SQLite and 4.2 s on PostgreSQL each time, about a third of
the suite's time. The loaders are deterministic once the tables are empty: the same calls
give the same rows and, the sequences being reset, the same ids. So the first load per key
runs for real and keeps what it wrote; a later load with the same key writes those rows
back, in the caller's own transaction, and returns a copy of the ids.

What a restore reproduces, and why each part is needed:

- **Every row** of every table, as the database stores it (PostgreSQL: ``COPY`` text, the
  format ``pg_dump`` uses; SQLite: the raw column values), so nothing passes through
  SQLAlchemy's types on the way back.
- **The sequences** (PostgreSQL) and ``sqlite_sequence``, so the next row a test inserts gets
  the id it would have got.
- **The audit chain head**, moved the way the append path moves it (its guard trigger stays
  on, on SQLite), after the entries it points at.
- **What the load left on the session for its commit** (``Session.info``): the ODH, risk and
  chemical hooks note the rooms and units a flush touched and reassess them in
  ``before_commit``; the audit hook marks the commit as audited. Without them the caller's
  commit would write less than after a real load.

The restore runs on the caller's connection inside its transaction, so callers that do more
work in the same unit of work see the same state, and a rollback undoes it as it would
undo a real load.

The key is the database (its URL), the demo's instant and every setting except where files
and the database live (the loaders read the timezone, the calibration interval, deadlines…).
Columns are copied by name. A load without an instant (``hazwatch.demo.load(session)``
uses the wall clock) is never cached; one given the wall clock's instant (the CLI's
``demo load``) is kept but never found again.

A restore is only used when the database is as ``tests/conftest.py`` leaves it before each
test: every table empty but the audit chain head at its genesis, no sequence used, nothing
pending on the session. Otherwise (a test that wrote first, a second load) the real loader
runs, as it did before.

What a restore does not renew: rows stamped with the wall clock rather than the demo's
instant (audit entries' ``at``, the demo users' ``created_at``, the registry's consent
times) keep the time of the process's first load, minutes old at most. Nothing in the
loaders writes files (``data_dir``, attachments) or keeps state in process memory.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from hazwatch.core.audit.models import GENESIS_HASH
from hazwatch.core.db import Base
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

#: Settings that say where things live, not what the loaders write.
_PLACES = {"data_dir", "database_url", "attachment_dir"}

_HEAD = "audit_chain_head"


@dataclass
class Snapshot:
    ids: DemoIds
    head: tuple[int, str]
    #: Per table: PostgreSQL ``COPY`` text, or SQLite rows of raw values.
    tables: dict[str, Any] = field(default_factory=dict)
    #: PostgreSQL sequences (name, last value); SQLite ``sqlite_sequence`` rows.
    sequences: list[tuple[str, int]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


_snapshots: dict[tuple[Any, ...], Snapshot] = {}
_loading = False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables() -> list[str]:
    return [table.name for table in Base.metadata.sorted_tables]


def _columns(name: str) -> str:
    """Named, not by position: a migrated database may order a table's columns otherwise."""
    return ", ".join(_quoted(column.name) for column in Base.metadata.tables[name].columns)


def _key(connection: Connection, kind: str, moment: Moment | None) -> tuple[Any, ...]:
    database = connection.engine.url.render_as_string(hide_password=True)
    if moment is None:
        return (database, kind)
    settings = moment.settings.model_dump(mode="json", exclude=_PLACES)
    return (database, kind, moment.now.isoformat(), repr(sorted(settings.items())))


def _pristine(session: Session, connection: Connection) -> bool:
    """The state ``tests/conftest.py`` leaves before each test, and nothing pending."""
    if session.new or session.dirty or session.deleted:
        return False
    filled = connection.exec_driver_sql(
        " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {_quoted(name)})" for name in _tables()
        )
    ).scalars()
    if set(filled) != {_HEAD}:
        return False
    head = connection.exec_driver_sql(f"SELECT id, seq, last_hash FROM {_HEAD}").all()
    if [tuple(row) for row in head] != [(1, 0, GENESIS_HASH)]:
        return False
    if connection.dialect.name == "postgresql":
        superuser = connection.execute(text("SELECT current_setting('is_superuser')")).scalar()
        used = connection.execute(
            text(
                "SELECT count(*) FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        ).scalar()
        return superuser == "on" and used == 0
    has_sequence = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).scalar()
    return (
        not has_sequence
        or not connection.exec_driver_sql("SELECT count(*) FROM sqlite_sequence").scalar()
    )


def _take(session: Session, connection: Connection, ids: DemoIds, info: dict[str, Any]) -> Snapshot:
    head = connection.exec_driver_sql(f"SELECT seq, last_hash FROM {_HEAD}").one()
    snapshot = Snapshot(ids=copy.deepcopy(ids), head=(int(head[0]), str(head[1])), info=info)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    names = [name for name in _tables() if name != _HEAD]
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            for name in names:
                buffer = io.BytesIO()
                with cursor.copy(
                    f"COPY (SELECT {_columns(name)} FROM {_quoted(name)}) TO STDOUT"
                ) as out:
                    for chunk in out:
                        buffer.write(chunk)
                if buffer.tell():
                    snapshot.tables[name] = buffer.getvalue()
            cursor.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            snapshot.sequences = [(str(n), int(v)) for n, v in cursor.fetchall()]
        return snapshot
    cursor = raw.cursor()
    try:
        for name in names:
            rows = cursor.execute(f"SELECT {_columns(name)} FROM {_quoted(name)}").fetchall()
            if rows:
                snapshot.tables[name] = rows
        if cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchall():
            rows = cursor.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
            snapshot.sequences = [(str(n), int(v)) for n, v in rows]
    finally:
        cursor.close()
    return snapshot


def _restore(session: Session, connection: Connection, snapshot: Snapshot) -> DemoIds:
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            # Foreign keys and triggers off while the rows go back, as ``_reset`` does;
            # every row satisfied them when the loader wrote it.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for name, data in snapshot.tables.items():
                with cursor.copy(f"COPY {_quoted(name)} ({_columns(name)}) FROM STDIN") as into:
                    into.write(data)
            for sequence, value in snapshot.sequences:
                cursor.execute("SELECT setval(%s, %s, true)", (sequence, value))
            cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute(
                f"UPDATE {_HEAD} SET seq = %s, last_hash = %s WHERE id = 1", snapshot.head
            )
    else:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for name, rows in snapshot.tables.items():
                marks = ", ".join("?" * len(rows[0]))
                cursor.executemany(
                    f"INSERT INTO {_quoted(name)} ({_columns(name)}) VALUES ({marks})", rows
                )
            if snapshot.sequences:
                cursor.execute("DELETE FROM sqlite_sequence")
                cursor.executemany(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", snapshot.sequences
                )
            cursor.execute(f"UPDATE {_HEAD} SET seq = ?, last_hash = ? WHERE id = 1", snapshot.head)
        finally:
            cursor.close()
    session.info.update(copy.deepcopy(snapshot.info))
    return copy.deepcopy(snapshot.ids)


def _cached(
    kind: str, session: Session, moment: Moment | None, load: Callable[[], DemoIds]
) -> DemoIds:
    global _loading
    if _loading:  # the full demo's own registry load
        return load()
    connection = session.connection()
    key = _key(connection, kind, moment)
    if (kind == "full" and moment is None) or not _pristine(session, connection):
        return load()
    found = _snapshots.get(key)
    if found is not None:
        return _restore(session, connection, found)
    before = {k: copy.deepcopy(v) for k, v in session.info.items()}
    _loading = True
    try:
        ids = load()
    finally:
        _loading = False
    session.flush()
    info = {
        k: copy.deepcopy(v) for k, v in session.info.items() if k not in before or before[k] != v
    }
    _snapshots[key] = _take(session, connection, ids, info)
    return ids


def install() -> None:
    """Put the cached loaders where tests look them up. Called from ``tests/conftest.py``
    before any test module imports them (``from hazwatch.registry.demo import load_demo``
    binds the name at import); ``hazwatch.demo`` is imported first so its own registry load
    stays the real one."""
    import hazwatch.demo
    import hazwatch.registry.demo

    real_full = hazwatch.demo.load
    real_registry = hazwatch.registry.demo.load_demo
    if getattr(real_full, "__wrapped__", None) is not None:
        return

    def load(session: Session, moment: Moment | None = None) -> DemoIds:
        return _cached("full", session, moment, lambda: real_full(session, moment))

    def load_demo(session: Session) -> DemoIds:
        return _cached("registry", session, None, lambda: real_registry(session))

    load.__wrapped__ = real_full  # type: ignore[attr-defined]
    load.__doc__ = real_full.__doc__
    load_demo.__wrapped__ = real_registry  # type: ignore[attr-defined]
    load_demo.__doc__ = real_registry.__doc__
    hazwatch.demo.load = load  # type: ignore[assignment]
    hazwatch.registry.demo.load_demo = load_demo
