"""storage by exception: a storage deviation per measurement point

Existing points get their kind's default, half their alarm deadband
(``KindSpec.storage_deviation``), so they store what they stored before whenever a value
moves by more than that, and a heartbeat once a minute otherwise.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:10:00
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measurement_point", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("storage_deviation", hazwatch.core.db.ExactDecimal(precision=24, scale=8))
        )
    points = sa.table(
        "measurement_point",
        sa.column("id", sa.Integer()),
        sa.column("deadband", hazwatch.core.db.ExactDecimal()),
        sa.column("storage_deviation", hazwatch.core.db.ExactDecimal()),
    )
    connection = op.get_bind()
    for point_id, deadband in connection.execute(sa.select(points.c.id, points.c.deadband)).all():
        connection.execute(
            points.update()
            .where(points.c.id == point_id)
            .values(storage_deviation=Decimal(deadband) / 2)
        )
    with op.batch_alter_table("measurement_point", schema=None) as batch_op:
        batch_op.alter_column(
            "storage_deviation",
            existing_type=hazwatch.core.db.ExactDecimal(precision=24, scale=8),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("measurement_point", schema=None) as batch_op:
        batch_op.drop_column("storage_deviation")
