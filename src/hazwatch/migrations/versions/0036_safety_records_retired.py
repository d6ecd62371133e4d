"""safety records retired

Issue 14: records the audit must keep are retired, not deleted. ``retired_at`` on
``emergency_plan`` (a drill names its plan), ``major_hazard_person`` (a person's duty checks
stay theirs when the role passes to someone else, so one role may now have several rows, one
of them current: the unique ``one_per_role`` goes, the service keeps one current per role),
``risk_object`` and ``risk_event`` (their assessments are the register's history).

Revision ID: 0036
Revises: 0022
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0036"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("emergency_plan", "major_hazard_person", "risk_object", "risk_event")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("retired_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True)
            )
            if table == "major_hazard_person":
                batch_op.drop_constraint("one_per_role", type_="unique")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("retired_at")
            if table == "major_hazard_person":
                batch_op.create_unique_constraint("one_per_role", ["unit_id", "role"])
