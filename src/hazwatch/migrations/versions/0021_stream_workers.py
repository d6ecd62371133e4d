"""stream workers and partition leases

Partitioned ingest (issue 17 items 1 and 2): ``stream_worker`` (one row per worker process)
and ``partition_lease`` (the owner of each partition of the sites, its lease and epoch).

Revision ID: 0021
Revises: 0020b
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stream_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=128), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("taken", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_worker")),
        sa.UniqueConstraint("name", name=op.f("uq_stream_worker_name")),
    )
    op.create_table(
        "partition_lease",
        sa.Column("partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("acquired_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pending", sa.BigInteger(), nullable=False),
        sa.Column("handover_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["stream_worker.id"],
            name=op.f("fk_partition_lease_worker_id_stream_worker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("partition", name=op.f("pk_partition_lease")),
    )


def downgrade() -> None:
    op.drop_table("partition_lease")
    op.drop_table("stream_worker")
