"""gas tests: combustible gas as a volume fraction with the measured gas's LEL

Issue 14 item 5: GB 30871-2022 judges hot-work gas analysis by the combustible gas's volume
fraction against the measured gas's lower explosive limit (≤ 0.5 % by volume where the LEL is
≥ 4 %, else ≤ 0.2 %). ``combustible_percent`` (% by volume), ``gas_lel_percent`` (% by volume)
and ``combustible_gas`` (its name) join the %LEL reading; a toxic reading gets the substance's
permitted concentration (``toxic_limit_ppm``, GBZ 2.1) and name (``toxic_gas``). Tests
recorded before this revision have no gas LEL: a hot-work one no longer clears work (a gas
test is valid 30 to 60 minutes, so none is still current when this runs on a working install).

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-05 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gas_test", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "combustible_percent",
                hazwatch.core.db.ExactDecimal(precision=24, scale=8),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "gas_lel_percent",
                hazwatch.core.db.ExactDecimal(precision=24, scale=8),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("combustible_gas", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "toxic_limit_ppm",
                hazwatch.core.db.ExactDecimal(precision=24, scale=8),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("toxic_gas", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("gas_test", schema=None) as batch_op:
        batch_op.alter_column("combustible_gas", server_default=None)
        batch_op.alter_column("toxic_gas", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("gas_test", schema=None) as batch_op:
        batch_op.drop_column("toxic_gas")
        batch_op.drop_column("toxic_limit_ppm")
        batch_op.drop_column("combustible_gas")
        batch_op.drop_column("gas_lel_percent")
        batch_op.drop_column("combustible_percent")
