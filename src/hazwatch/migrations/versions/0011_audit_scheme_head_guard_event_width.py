"""audit scheme 2 and a guarded chain head; alarm events named up to 32 characters

Audit entries carry the hash scheme they were written under: entries already there keep
scheme 1 (their hash leaves out the organisation and the actor's user id) and still verify;
new entries are written under scheme 2, which hashes every column. The chain-head row gets
triggers like the entries': never deleted, never moved backwards, its hash only onto the
entry its sequence names. ``alarm_event.event`` widens to 32 characters: the event
``return_to_service`` (17) did not fit, so no point could be returned to service.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statements as of this revision (the models' may change later).
SQLITE_ENTRY_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
)
POSTGRES_ENTRY_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry",
    "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
)
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


def upgrade() -> None:
    # Not in batch mode: SQLite then adds the column in place instead of rebuilding the
    # table, which would drop its append-only triggers (reinstalled below all the same).
    op.add_column(
        "audit_entry",
        sa.Column("scheme", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    entry_guards = POSTGRES_ENTRY_GUARDS if postgres else SQLITE_ENTRY_GUARDS
    for statement in entry_guards + (POSTGRES_HEAD_GUARDS if postgres else SQLITE_HEAD_GUARDS):
        op.execute(statement)
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.alter_column(
            "event", existing_type=sa.String(length=16), type_=sa.String(length=32)
        )


def downgrade() -> None:
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.alter_column(
            "event", existing_type=sa.String(length=32), type_=sa.String(length=16)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_chain_head")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_head_guard()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_forward_only")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_no_delete")
    # Entries written under scheme 2 would no longer verify without their scheme column;
    # a downgrade keeps it (SQLite cannot drop it without rebuilding the guarded table).
