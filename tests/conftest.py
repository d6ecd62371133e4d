"""Fixtures shared by the whole suite.

Every database test runs twice: on SQLite and on PostgreSQL (a database created for this
run and dropped at the end). Each test starts from empty tables.
"""

from __future__ import annotations

import os

os.environ.setdefault("HAZWATCH_PASSWORD_PROFILE", "cheap")

import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from hazwatch.api.app import create_app
from hazwatch.core.audit import service as audit
from hazwatch.core.audit.models import GENESIS_HASH, guard_statements
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import TokenKind
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.db import Base, import_all_models, make_engine, make_session_factory
from hazwatch.core.settings import Settings, get_settings
from tests import demo_snapshot
from tests.services import POSTGRES_URL, require

# The demo loaders restore a per-process snapshot after their first load (see
# tests/demo_snapshot.py); installed before any test module binds ``load_demo``.
demo_snapshot.install()

#: 2·7 accident day, 04:00 Beijing time: the default start of the controllable clock.
T0 = datetime(2025, 2, 6, 20, 0, tzinfo=UTC)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        yield f"sqlite:///{folder / 'hazwatch.db'}"
        return
    require("PostgreSQL", POSTGRES_URL, 5432)
    name = f"hazwatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A commit returns before its WAL reaches the disk: tests commit thousands of times
        # (a week of tank levels is 2,300) and durability across a crash is not what they
        # check; waiting for the shared machine's disk made PostgreSQL tests 2–5x slower.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def schema_engine(database_url: str) -> Iterator[Engine]:
    import_all_models()
    audit.install()
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        template = Path(make_url(database_url).database or "")
        shutil.copy(template, template.with_suffix(".template"))
        engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _reset(engine: Engine) -> None:
    """Empty every table; SQLite restores its template file, PostgreSQL deletes the rows."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
        database = Path(engine.url.database or "")
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copy(database.with_suffix(".template"), database)
        return
    with engine.begin() as connection:
        _empty_postgres(connection)
        for statement in guard_statements("postgresql"):
            connection.execute(text(statement))
        connection.execute(
            text("INSERT INTO audit_chain_head (id, seq, last_hash) VALUES (1, 0, :h)"),
            {"h": GENESIS_HASH},
        )


def _empty_postgres(connection: Connection) -> None:
    """Every table emptied and every sequence back at its start, as ``TRUNCATE … RESTART
    IDENTITY`` leaves them. TRUNCATE gives each of the schema's ~130 tables and ~450 indexes
    new files and syncs them on commit: 1–2 s before each of the 329 PostgreSQL tests. A
    test leaves rows in a few tables, so deleting them takes a few milliseconds; the
    superuser's ``replica`` role switches off the foreign keys and the triggers that keep
    the audit trail and waste manifests from being deleted (TRUNCATE never fired them)."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    if connection.execute(text("SELECT current_setting('is_superuser')")).scalar() != "on":
        connection.execute(
            text(f"TRUNCATE {', '.join(map(_quoted, tables))} RESTART IDENTITY CASCADE")
        )
        return
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    connection.exec_driver_sql("; ".join(f"DELETE FROM {_quoted(t)}" for t in tables))
    connection.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) "
            "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    )
    connection.execute(text("SET LOCAL session_replication_role = origin"))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: Threads of a running monitoring runtime (engine ticks or configuration following, reading
#: writer).
RUNTIME_THREADS = {"engine-tick", "config-follow", "reading-writer"}


@pytest.fixture(autouse=True, scope="module")
def _no_runtime_left_running() -> Iterator[None]:
    """A runtime a module starts and never stops ticks on after its database is dropped and
    logs a traceback each time; CPython 3.11 formats those with ``ast.parse``, whose recursion
    counter is per interpreter, so a later test parsing source in the same process fails with
    "AST constructor recursion depth mismatch". The module that leaves one behind fails."""
    before = {thread.ident for thread in threading.enumerate()}
    yield
    left = [
        thread.name
        for thread in threading.enumerate()
        if thread.ident not in before and thread.name in RUNTIME_THREADS and thread.is_alive()
    ]
    assert not left, f"runtime threads left running by this module: {left}"


@pytest.fixture(autouse=True, scope="session")
def _cli_built_once_per_process() -> Iterator[None]:
    """``CliRunner.invoke`` turns the Typer app into its click commands on every call (about
    0.1 s for HazWatch's few hundred commands: 40 s of the CLI JSON table); the ``hazwatch``
    program does it once per process, and so do the tests now. Nothing in the suite changes
    the app after import, so the commands built first are the ones every call would build."""
    built: dict[int, Any] = {}
    build = typer.testing._get_command

    def once(app: typer.Typer) -> Any:
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app kept alive: its id stays its own
        return built[id(app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", once)
        yield


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, ingest_enabled=False)


@pytest.fixture
def context(schema_engine: Engine, settings: Settings, clock: ManualClock) -> Iterator[Context]:
    _reset(schema_engine)
    yield Context(
        settings=settings,
        engine=schema_engine,
        sessions=make_session_factory(schema_engine),
        clock=clock,
    )


@pytest.fixture
def client(context: Context) -> Iterator[TestClient]:
    with TestClient(create_app(context, console=False)) as test_client:
        yield test_client


AuthHeaders = dict[str, str]


@pytest.fixture
def login_as(context: Context) -> Callable[..., AuthHeaders]:
    """Create a user with a role and scope; return bearer headers for it."""

    def make(
        role: Role = Role.PLATFORM_ADMIN,
        *,
        organisation_id: int | None = None,
        jurisdiction_id: int | None = None,
        username: str | None = None,
        language: str = "zh_CN",
    ) -> AuthHeaders:
        with context.unit_of_work() as session:
            user = auth.create_user(
                session,
                username=username or f"{role.value}-{uuid.uuid4().hex[:8]}",
                password="correct horse battery",
                role=role,
                organisation_id=organisation_id,
                jurisdiction_id=jurisdiction_id,
                language=language,
            )
            from datetime import timedelta

            _token, secret = auth.issue_token(
                session,
                user,
                kind=TokenKind.API,
                lifetime=timedelta(days=1),
                now=context.clock.now(),
            )
        return {"Authorization": f"Bearer {secret}"}

    return make


def error_code(response: Any) -> str:
    """The machine-readable reason of an error response."""
    body = response.json()
    return str(body["error"]["code"])


@pytest.fixture
def cli_on_context(context: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """The ``hazwatch`` command run in-process against this test's database, in English."""
    monkeypatch.setenv("HAZWATCH_DATABASE_URL", context.settings.effective_database_url)
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(context.settings.data_dir))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    yield context
    get_settings.cache_clear()
