"""tank heads: flat, 2:1 ellipsoidal or hemispherical (level → volume → mass)

Existing tanks keep flat heads, the geometry they were computed with until now; an operator
who knows the vessel sets its real heads in the registry (GB/T 25198-2023 EHA/HHA).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tank", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("heads", sa.String(length=24), server_default="flat", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tank", schema=None) as batch_op:
        batch_op.drop_column("heads")
