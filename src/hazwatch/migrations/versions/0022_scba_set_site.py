"""scba set site

Where an SCBA set is kept (issue 14: the equipment checks ledger filters by site, as the
other equipment already could): ``scba_set.site_id``, nullable (sets registered before say
nothing).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scba_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_scba_set_site_id"), ["site_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_scba_set_site_id_site"), "site", ["site_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("scba_set", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_scba_set_site_id_site"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_scba_set_site_id"))
        batch_op.drop_column("site_id")
