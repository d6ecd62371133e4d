"""Audit entries and the single chain-head row that serialises writers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Integer, String, event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64

#: Scheme 1 hashed the entry without ``organisation_id``, ``actor_user_id`` and its scheme;
#: scheme 2 hashes every column. An entry keeps the scheme it was written under.
CURRENT_SCHEME = 2


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    entity_type: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class AuditChainHead(Base):
    """One row; writers update it first, so concurrent transactions queue on its lock."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
)
POSTGRES_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry",
    "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
)

# The chain head moves only as the append path moves it: never deleted, never backwards,
# and its hash only onto the entry its sequence names (the append path first reserves
# sequence numbers, then sets the hash of the last entry it wrote). Rolling the head back
# over a deleted tail needs these triggers dropped first, as deleting entries does.
_HEAD_REFUSED = (
    "NEW.id <> OLD.id OR NEW.seq < OLD.seq OR (NEW.last_hash <> OLD.last_hash AND "
    "NEW.last_hash IS DISTINCT FROM (SELECT hash FROM audit_entry WHERE id = NEW.seq))"
)
SQLITE_HEAD_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_head is guarded'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_forward_only BEFORE UPDATE ON "
    f"audit_chain_head WHEN {_HEAD_REFUSED.replace('IS DISTINCT FROM', 'IS NOT')} "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_head is guarded'); END",
)
POSTGRES_HEAD_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$ "
    "BEGIN IF TG_OP = 'DELETE' OR " + _HEAD_REFUSED + " THEN "
    "RAISE EXCEPTION 'audit_chain_head is guarded'; END IF; RETURN NEW; END $$ "
    "LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_chain_head",
    "CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard()",
)
SEED_HEAD = f"INSERT INTO audit_chain_head (id, seq, last_hash) VALUES (1, 0, '{GENESIS_HASH}')"


def guard_statements(dialect: str) -> tuple[str, ...]:
    """Triggers keeping the entries append-only and the chain head moving forward only."""
    if dialect == "postgresql":
        return POSTGRES_GUARDS + POSTGRES_HEAD_GUARDS
    return SQLITE_GUARDS + SQLITE_HEAD_GUARDS


def _install_guards(_metadata: object, connection: Connection, **_kw: object) -> None:
    """After ``create_all``: the head's trigger reads audit_entry, so both must exist."""
    found = inspect(connection)
    if found.has_table("audit_entry") and found.has_table("audit_chain_head"):
        for statement in guard_statements(connection.dialect.name):
            connection.exec_driver_sql(statement)


def _seed_head(_table: object, connection: Connection, **_kw: object) -> None:
    connection.exec_driver_sql(SEED_HEAD)


event.listen(Base.metadata, "after_create", _install_guards)
event.listen(AuditChainHead.__table__, "after_create", _seed_head)
