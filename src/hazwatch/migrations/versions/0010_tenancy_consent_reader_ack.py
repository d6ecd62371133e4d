"""tenancy: leases and supplies await the other party's confirmation; a door names its
reader device; an alarm records who acknowledged it and when

Rows already there count as confirmed (they were visible before confirmations existed).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = ("lease", "supply")


def upgrade() -> None:
    for table in LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "status", sa.String(length=16), server_default="confirmed", nullable=False
                )
            )
            batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
            batch_op.add_column(
                sa.Column("decided_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True)
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_status"), ["status"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_requested_by_id_organisation"),
                "organisation",
                ["requested_by_id"],
                ["id"],
            )
    with op.batch_alter_table("door", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reader_device_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_door_reader_device_id"), ["reader_device_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_door_reader_device_id_device"), "device", ["reader_device_id"], ["id"]
        )
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acked_by", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("acked_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_column("acked_at")
        batch_op.drop_column("acked_by")
    with op.batch_alter_table("door", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_door_reader_device_id_device"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_door_reader_device_id"))
        batch_op.drop_column("reader_device_id")
    for table in reversed(LINKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_requested_by_id_organisation"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_status"))
            batch_op.drop_column("decided_at")
            batch_op.drop_column("requested_by_id")
            batch_op.drop_column("status")
