"""district coverage indicators

Coverage indicators (issue 16 item 6): ``safety_service_contract``, ``enforcement_officer``,
``training_record.vocational``; the seed's tasks 11, 16, 17 and 19 already loaded get the
coverage indicator they measure (their monthly reports fill it in).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 23:28:28.647388
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Seed 001 task number → the coverage indicator its monthly report carries.
TASK_INDICATORS = {
    11: "coverage_safety_manager",
    16: "coverage_social_service",
    17: "coverage_vocational_training",
    19: "coverage_enforcement_staff",
}


def upgrade() -> None:
    op.create_table(
        "enforcement_officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("degree", sa.String(length=120), nullable=False),
        sa.Column("safety_related", sa.Boolean(), nullable=False),
        sa.Column(
            "experience_years", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("experience_years >= 0", name=op.f("ck_enforcement_officer_experience")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_enforcement_officer_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_officer")),
    )
    with op.batch_alter_table("enforcement_officer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enforcement_officer_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "safety_service_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_safety_service_contract_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_service_contract")),
    )
    with op.batch_alter_table("safety_service_contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_service_contract_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vocational", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    task = sa.table(
        "supervision_task",
        sa.column("id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("indicators", sa.JSON),
    )
    bind = op.get_bind()
    query = sa.select(task.c.id, task.c.number, task.c.indicators).where(
        task.c.number.in_(list(TASK_INDICATORS))
    )
    for ident, number, found in bind.execute(query).all():
        wanted = TASK_INDICATORS[number]
        if wanted not in (found or []):
            bind.execute(
                task.update().where(task.c.id == ident).values(indicators=[*(found or []), wanted])
            )


def downgrade() -> None:
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_column("vocational")

    with op.batch_alter_table("safety_service_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_service_contract_organisation_id"))

    op.drop_table("safety_service_contract")
    with op.batch_alter_table("enforcement_officer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_officer_organisation_id"))

    op.drop_table("enforcement_officer")
