from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from hazwatch.core.audit import service as audit
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.context import Context


def _make_users(context: Context, count: int) -> None:
    actor = Principal(user_id=None, username="tester", role=Role.PLATFORM_ADMIN)
    for index in range(count):
        with context.unit_of_work(actor) as session:
            auth.create_user(
                session, username=f"user{index}", password="long-enough", role=Role.PLATFORM_ADMIN
            )


def _drop_guards(context: Context) -> None:
    """Simulate a database administrator bypassing the append-only triggers."""
    with context.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_entry_no_change ON audit_entry"))
        else:
            connection.execute(text("DROP TRIGGER audit_entry_no_update"))
            connection.execute(text("DROP TRIGGER audit_entry_no_delete"))


def test_changes_are_recorded_with_actor_and_diff(context: Context) -> None:
    _make_users(context, 1)
    with context.unit_of_work() as session:
        user = session.query(UserAccount).one()
        user.display_name = "Duty officer"
    with context.unit_of_work() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].actor == "tester"
    assert "password_hash" not in entries[0].changes
    assert entries[1].changes == {"display_name": ["user0", "Duty officer"]}
    assert entries[1].prev_hash == entries[0].hash


def test_chain_verifies_and_log_is_append_only(context: Context) -> None:
    _make_users(context, 3)
    with context.unit_of_work() as session:
        report = audit.verify(session)
    assert report.ok and report.entries == 3
    with pytest.raises(DatabaseError), context.unit_of_work() as session:
        session.execute(text("UPDATE audit_entry SET actor = 'mallory'"))
    with pytest.raises(DatabaseError), context.unit_of_work() as session:
        session.execute(text("DELETE FROM audit_entry"))


@pytest.mark.parametrize(
    ("tamper", "reason", "bad_id"),
    [
        ("UPDATE audit_entry SET actor = 'mallory' WHERE id = 2", "audit.verify.hash_mismatch", 2),
        ("DELETE FROM audit_entry WHERE id = 2", "audit.verify.gap", 3),
        ("DELETE FROM audit_entry WHERE id = 3", "audit.verify.truncated", None),
    ],
)
def test_tampering_is_detected(
    context: Context, tamper: str, reason: str, bad_id: int | None
) -> None:
    _make_users(context, 3)
    _drop_guards(context)
    with context.engine.begin() as connection:
        connection.execute(text(tamper))
    with context.unit_of_work() as session:
        report = audit.verify(session)
    assert not report.ok
    assert report.reason == reason
    assert report.first_bad_id == bad_id
