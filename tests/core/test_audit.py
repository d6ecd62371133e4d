from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from hazwatch.core.audit import service as audit
from hazwatch.core.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
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
            connection.execute(text("DROP TRIGGER audit_chain_head_guard ON audit_chain_head"))
        else:
            for trigger in (
                "audit_entry_no_update",
                "audit_entry_no_delete",
                "audit_chain_head_no_delete",
                "audit_chain_head_forward_only",
            ):
                connection.execute(text(f"DROP TRIGGER {trigger}"))


def _rehash_from(context: Context, first_id: int) -> None:
    """What an administrator who dropped the triggers can do: recompute the chain from an
    entry on, and move the head along, so the chain verifies against itself."""
    with context.engine.begin() as connection:
        prev = (
            connection.execute(
                text("SELECT hash FROM audit_entry WHERE id = :id"), {"id": first_id - 1}
            ).scalar_one_or_none()
            or GENESIS_HASH
        )
    with context.unit_of_work() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.id >= first_id).order_by(AuditEntry.id)
        ).all()
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = prev = audit.hash_of(entry) or ""
        session.flush()
        head = session.get(AuditChainHead, 1)
        assert head is not None
        head.seq, head.last_hash = len(session.scalars(select(AuditEntry.id)).all()), prev


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


#: A value for each column that differs from what the append path wrote.
TAMPERED = {
    "at": "'2020-01-01 00:00:00'",
    "actor": "'mallory'",
    "actor_user_id": "99",
    "action": "'delete'",
    "entity_type": "'site'",
    "entity_id": "'99'",
    "organisation_id": "99",
    "changes": "'{}'",
    "scheme": "1",
}


def test_every_column_is_inside_the_hash(context: Context) -> None:
    """Moving an entry to another organisation or actor passed ``audit verify`` under
    scheme 1; scheme 2 hashes every column, so each change is caught at its entry."""
    columns = {column.name for column in AuditEntry.__table__.columns} - {"hash"}
    assert set(audit.SCHEME_2_COLUMNS) == columns
    assert set(TAMPERED) == columns - {"id", "prev_hash"}  # those two break the chain itself
    _make_users(context, 3)
    with context.unit_of_work() as session:
        assert {e.scheme for e in session.scalars(select(AuditEntry))} == {2}
    _drop_guards(context)
    for column, value in TAMPERED.items():
        with context.engine.begin() as connection:
            before = connection.execute(
                text(f"SELECT {column} FROM audit_entry WHERE id = 2")
            ).scalar_one()
            connection.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE id = 2"))
        with context.unit_of_work() as session:
            report = audit.verify(session)
        assert (report.ok, report.reason, report.first_bad_id) == (
            False,
            "audit.verify.hash_mismatch",
            2,
        ), column
        with context.engine.begin() as connection:
            connection.execute(
                text(f"UPDATE audit_entry SET {column} = :v WHERE id = 2"),
                {"v": json.dumps(before) if isinstance(before, dict) else before},
            )
        with context.unit_of_work() as session:
            assert audit.verify(session).ok, column


def test_chain_head_row_is_guarded_like_the_entries(context: Context) -> None:
    _make_users(context, 3)
    with context.unit_of_work() as session:
        first_hash = session.scalars(select(AuditEntry.hash).where(AuditEntry.id == 1)).one()
    for tamper in (
        "DELETE FROM audit_chain_head",
        "UPDATE audit_chain_head SET seq = 1",
        f"UPDATE audit_chain_head SET seq = 1, last_hash = '{first_hash}'",
        "UPDATE audit_chain_head SET last_hash = '" + "f" * 64 + "'",
        "UPDATE audit_chain_head SET id = 2",
    ):
        with pytest.raises(DatabaseError), context.unit_of_work() as session:
            session.execute(text(tamper))
    _make_users_named(context, "later")  # the append path still moves the head
    with context.unit_of_work() as session:
        report = audit.verify(session)
    assert report.ok and report.entries == 4
    assert report.head is not None and report.head.id == 4


def _make_users_named(context: Context, name: str) -> None:
    actor = Principal(user_id=None, username="tester", role=Role.PLATFORM_ADMIN)
    with context.unit_of_work(actor) as session:
        auth.create_user(session, username=name, password="long-enough", role=Role.PLATFORM_ADMIN)


def test_a_rolled_back_chain_is_revealed_by_an_anchor(context: Context) -> None:
    """Deleting the tail and rolling the head back verifies against itself; the head kept
    outside (the anchor) is no longer in the chain."""
    _make_users(context, 5)
    with context.unit_of_work() as session:
        anchor = audit.head(session)
        assert audit.verify(session, anchor).ok
    assert (anchor.id, anchor.count) == (5, 5)
    assert audit.Head.from_json(json.loads(json.dumps(anchor.as_json()))) == anchor
    _drop_guards(context)
    with context.engine.begin() as connection:
        third = connection.execute(text("SELECT hash FROM audit_entry WHERE id = 3")).scalar_one()
        connection.execute(text("DELETE FROM audit_entry WHERE id > 3"))
        connection.execute(
            text("UPDATE audit_chain_head SET seq = 3, last_hash = :h"), {"h": third}
        )
    with context.unit_of_work() as session:
        assert audit.verify(session).ok  # consistent with itself
        report = audit.verify(session, anchor)
    assert (report.ok, report.reason, report.first_bad_id) == (
        False,
        "audit.verify.rolled_back",
        5,
    )


def test_a_rewritten_chain_is_revealed_by_an_anchor(context: Context) -> None:
    """An entry moved to another organisation, with every later hash and the head recomputed,
    verifies against itself; the anchor's entry no longer has the anchor's hash."""
    _make_users(context, 3)
    with context.unit_of_work() as session:
        anchor = audit.head(session)
    _drop_guards(context)
    with context.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET organisation_id = 99 WHERE id = 2"))
    _rehash_from(context, 2)
    with context.unit_of_work() as session:
        assert audit.verify(session).ok  # consistent with itself
        report = audit.verify(session, anchor)
    assert (report.ok, report.reason, report.first_bad_id) == (
        False,
        "audit.verify.rewritten",
        3,
    )


def test_verify_over_http_answers_in_the_callers_language_with_the_head(
    client: TestClient, login_as: Callable[..., dict[str, str]]
) -> None:
    """It answered the Chinese template with ``{entries}`` unfilled, even in English."""
    chinese = login_as(Role.PLATFORM_ADMIN, language="zh_CN")
    english = login_as(Role.PLATFORM_ADMIN, language="en")
    head = client.get("/api/audit/head", headers=chinese)
    assert head.status_code == 200, head.text
    assert head.json()["id"] == head.json()["count"] == 2  # the two users created

    asked_in_english = client.get("/api/audit/verify", headers=chinese | {"Accept-Language": "en"})
    body = asked_in_english.json()
    assert asked_in_english.status_code == 200, body
    assert body["ok"] and body["entries"] == 2
    assert body["message"] == "The audit chain is intact: 2 entries"
    assert body["head"] == head.json()

    by_account = client.get("/api/audit/verify", headers=english).json()
    assert by_account["message"] == "The audit chain is intact: 2 entries"
    in_chinese = client.get("/api/audit/verify", headers=chinese).json()
    assert in_chinese["message"] == "审计链完整，共 2 条记录"
    assert client.get("/api/audit/head").status_code == 401
