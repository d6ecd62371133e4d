"""room placement

Where a person dragged a room's box on its building's floor plan (issue 13 item 5).

Revision ID: 0023
Revises: 0017
Create Date: 2026-12-05 20:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_placement",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "x >= 0 AND x <= 2000 AND y >= 0 AND y <= 2000",
            name=op.f("ck_room_placement_on_the_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_room_placement_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["room.id"],
            name=op.f("fk_room_placement_room_id_room"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_room_placement")),
    )
    with op.batch_alter_table("room_placement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_placement_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("room_placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_placement_organisation_id"))
    op.drop_table("room_placement")
