"""points origin

Points recorded from a platform event (an overdue hidden danger, a late alarm response, a
fatal accident) carry the event as their origin, unique, so each event yields its points
once (issue 15 item 5).

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-05 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("point_event", sa.Column("origin", sa.String(length=80), nullable=True))
    op.create_index(op.f("ix_point_event_origin"), "point_event", ["origin"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_point_event_origin"), table_name="point_event")
    op.drop_column("point_event", "origin")
