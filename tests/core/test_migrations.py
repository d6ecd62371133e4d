"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from hazwatch.core import migrate
from hazwatch.core.audit import service as audit
from hazwatch.core.audit.models import GENESIS_HASH, AuditEntry
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.db import make_engine, make_session_factory, session_scope


@pytest.fixture
def empty_database(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"hazwatch_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_to_head_matches_the_models(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        assert migrate.pending_differences(engine) == []
        with engine.connect() as connection:
            head = connection.execute(text("SELECT seq FROM audit_chain_head")).scalar_one()
        assert head == 0
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_existing_points_get_half_their_deadband_as_storage_deviation(
    empty_database: str,
) -> None:
    """0002 fills the new column for points already stored, and rebuilding the table
    (SQLite's way to alter it) deletes nothing that hangs off it."""
    migrate.upgrade(empty_database, "0001")
    engine = make_engine(empty_database)
    point = (
        "INSERT INTO measurement_point (id, organisation_id, site_id, code, name, kind, unit, "
        "expected_interval_s, deadband, on_delay_s, off_delay_s, out_of_service, suppressed, "
        "settings_reason) VALUES (:id, 1, 1, :code, '', :kind, :unit, 60, :deadband, 0, 10, "
        "false, false, '')"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (id, kind, name, credit_code, address, industry, "
                "principal_name, principal_phone, safety_manager_name, safety_manager_phone, "
                "contacts) VALUES (1, 'enterprise', '实验室', '91330206MA2H00000X', '', '', "
                "'', '', '', '', '[]')"
            )
        )
        connection.execute(
            text("INSERT INTO site (id, organisation_id, name, address) VALUES (1, 1, '厂区', '')")
        )
        connection.execute(
            text(point),
            [
                {"id": 1, "code": "O2-1", "kind": "o2", "unit": "%vol", "deadband": "0.2"},
                {"id": 2, "code": "LT-1", "kind": "tank_level", "unit": "mm", "deadband": "5"},
            ],
        )
        connection.execute(
            text(
                "INSERT INTO point_state (point_id, value, quality, conditions) "
                "VALUES (1, 20.9, 'good', '[]')"
            )
        )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT code, storage_deviation FROM measurement_point ORDER BY id")
            ).all()
            states = connection.execute(text("SELECT point_id FROM point_state")).scalars().all()
    finally:
        engine.dispose()
    assert [(code, Decimal(value)) for code, value in rows] == [
        ("O2-1", Decimal("0.1")),
        ("LT-1", Decimal("2.5")),
    ]
    assert states == [1]  # not cascaded away with the rebuilt table


def test_alarm_ladders_and_their_outbox_become_alarm_subjects(empty_database: str) -> None:
    """0009 keeps a running alarm ladder and its messages: they become subjects of type
    ``alarm``, so the generalised escalator carries on where the old one was."""
    migrate.upgrade(empty_database, "0003")
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO alarm_escalation (alarm_id, organisation_id, started_at, "
                "steps_done, round) VALUES (7, 3, '2025-02-06 20:37:00', 2, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO notification (alarm_id, organisation_id, step, round, target, "
                "channel, address, subject, body, payload, status, attempts, created_at, "
                "next_attempt_at) VALUES (7, 3, 1, 0, 'safety_manager', 'console', 'console', "
                "'s', 'b', '{}', 'sent', 1, '2025-02-06 20:42:00', '2025-02-06 20:42:00')"
            )
        )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            ladder = connection.execute(
                text("SELECT subject_type, subject_id, steps_done FROM escalation")
            ).one()
            message = connection.execute(
                text("SELECT subject_type, subject_id, target FROM notification")
            ).one()
    finally:
        engine.dispose()
    assert tuple(ladder) == ("alarm", 7, 2)
    assert tuple(message) == ("alarm", 7, "safety_manager")


def test_audit_entries_before_0011_keep_their_scheme_and_the_head_gets_its_guard(
    empty_database: str,
) -> None:
    """Entries hashed under scheme 1 (without organisation and actor id) still verify after
    0011; new ones are written under scheme 2; the head row can no longer be rolled back."""
    migrate.upgrade(empty_database, "0010")
    engine = make_engine(empty_database)
    at = datetime(2025, 2, 6, 20, 0, tzinfo=UTC)
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for seq in (1, 2):
            digest = audit.entry_hash(seq, at, "system", "create", "site", str(seq), {}, prev)
            connection.execute(
                text(
                    "INSERT INTO audit_entry (id, at, actor, actor_user_id, action, entity_type, "
                    "entity_id, organisation_id, changes, prev_hash, hash) VALUES (:id, :at, "
                    "'system', NULL, 'create', 'site', :eid, 7, '{}', :prev, :hash)"
                ),
                {"id": seq, "at": at, "eid": str(seq), "prev": prev, "hash": digest},
            )
            prev = digest
        connection.execute(text("UPDATE audit_chain_head SET seq = 2, last_hash = :h"), {"h": prev})
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    sessions = make_session_factory(engine)
    try:
        with session_scope(sessions) as session:
            assert audit.verify(session).ok
            entry = audit.PendingEntry("update", "site", "1", 7, {"name": ["a", "b"]})
            audit.append(session, SYSTEM, [entry])
        with session_scope(sessions) as session:
            schemes = session.execute(select(AuditEntry.id, AuditEntry.scheme)).all()
            report = audit.verify(session)
        assert sorted(tuple(row) for row in schemes) == [(1, 1), (2, 1), (3, 2)]
        assert report.ok and report.entries == 3
        with pytest.raises(DatabaseError), engine.begin() as connection:
            connection.execute(
                text("UPDATE audit_chain_head SET seq = 2, last_hash = :h"), {"h": prev}
            )
        with pytest.raises(DatabaseError), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_chain_head"))
        with pytest.raises(DatabaseError), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_entry WHERE id = 3"))
    finally:
        engine.dispose()
