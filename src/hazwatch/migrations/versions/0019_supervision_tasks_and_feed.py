"""supervision tasks and feed

Task decomposition and monthly progress (issue 15 item 7, seed 001 Annexes 1 and 2):
``supervision_task``, ``task_progress``, ``task_notice`` (reminders and overdue flags sent
once). Interconnection (item 8): ``feed_event`` (the outbound feed, its id the pull cursor)
and ``feed_subscription`` (webhook followers with their cursor and signing key).

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-05 20:00:56.057193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("signing_secret", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("last_delivered_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_feed_subscription_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_subscription")),
    )
    with op.batch_alter_table("feed_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feed_subscription_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )

    op.create_table(
        "feed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.String(length=120), nullable=False),
        sa.Column("occurred_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_feed_event_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_event")),
        sa.UniqueConstraint("key", name=op.f("uq_feed_event_key")),
    )
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_event_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feed_event_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "supervision_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=True),
        sa.Column("partner_ids", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_supervision_task_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_department_id"],
            ["organisation.id"],
            name=op.f("fk_supervision_task_lead_department_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_task")),
        sa.UniqueConstraint(
            "jurisdiction_id", "number", name=op.f("uq_supervision_task_jurisdiction_id_number")
        ),
    )
    with op.batch_alter_table("supervision_task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_task_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_task_lead_department_id"),
            ["lead_department_id"],
            unique=False,
        )

    op.create_table(
        "task_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_task_notice_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["supervision_task.id"],
            name=op.f("fk_task_notice_task_id_supervision_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_notice")),
        sa.UniqueConstraint(
            "task_id",
            "kind",
            "period",
            "stage",
            name=op.f("uq_task_notice_task_id_kind_period_stage"),
        ),
    )
    with op.batch_alter_table("task_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_notice_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_notice_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("submitted_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_task_progress_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["supervision_task.id"],
            name=op.f("fk_task_progress_task_id_supervision_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_progress")),
        sa.UniqueConstraint(
            "task_id", "kind", "period", name=op.f("uq_task_progress_task_id_kind_period")
        ),
    )
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_progress_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_progress_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_progress_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_progress_task_id"))
        batch_op.drop_index(batch_op.f("ix_task_progress_period"))
        batch_op.drop_index(batch_op.f("ix_task_progress_organisation_id"))

    op.drop_table("task_progress")
    with op.batch_alter_table("task_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_notice_task_id"))
        batch_op.drop_index(batch_op.f("ix_task_notice_organisation_id"))

    op.drop_table("task_notice")
    with op.batch_alter_table("supervision_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_task_lead_department_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_task_jurisdiction_id"))

    op.drop_table("supervision_task")
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_feed_event_kind"))

    op.drop_table("feed_event")
    with op.batch_alter_table("feed_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_subscription_jurisdiction_id"))

    op.drop_table("feed_subscription")
