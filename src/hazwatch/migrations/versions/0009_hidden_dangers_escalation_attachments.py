"""hidden dangers, inspections, attachments; escalation of any subject, not only alarms

The alarm ladder's progress (``alarm_escalation``) becomes ``escalation`` keyed by subject
type and id, its rows kept as ``alarm`` subjects; the outbox's ``alarm_id`` becomes
``subject_id`` with ``subject_type`` ``alarm`` for every row already there, so overdue work
items (hidden dangers) climb the same ladders through the same outbox.

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-05 08:27:25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation",
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("started_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("stopped_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=24), nullable=True),
        sa.PrimaryKeyConstraint("subject_type", "subject_id", name=op.f("pk_escalation")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_attachment_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_attachment_subject", ["subject_type", "subject_id"], unique=False)

    op.create_table(
        "hazard_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=120), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("reported_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(length=80), nullable=False),
        sa.Column("deadline", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "reported_to_regulator_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("responsible_person", sa.String(length=80), nullable=False),
        sa.Column(
            "funds_yuan", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=True
        ),
        sa.Column("contingency_plan", sa.Text(), nullable=False),
        sa.Column("rectified_by", sa.String(length=80), nullable=True),
        sa.Column("accepted_by", sa.String(length=80), nullable=True),
        sa.Column("closed_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_hazard_finding_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_hazard_finding_room_id_room")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_hazard_finding_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_finding")),
        sa.UniqueConstraint(
            "organisation_id", "number", name=op.f("uq_hazard_finding_organisation_id_number")
        ),
    )
    with op.batch_alter_table("hazard_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_finding_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_finding_grade"), ["grade"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hazard_finding_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hazard_finding_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_finding_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_finding_state"), ["state"], unique=False)
        batch_op.create_index(
            "uq_hazard_finding_open_source",
            ["source_type", "source_id"],
            unique=True,
            sqlite_where=sa.text("state <> 'closed'"),
            postgresql_where=sa.text("state <> 'closed'"),
        )

    op.create_table(
        "hazard_finding_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_finding_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_finding_id"],
            ["hazard_finding.id"],
            name=op.f("fk_hazard_finding_event_hazard_finding_id_hazard_finding"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_hazard_finding_event_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_finding_event")),
    )
    with op.batch_alter_table("hazard_finding_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hazard_finding_event_hazard_finding_id"),
            ["hazard_finding_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_hazard_finding_event_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "checklist_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_checklist_template_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template")),
    )
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_template_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("expected_yes", sa.Boolean(), nullable=False),
        sa.Column("minimum", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=True),
        sa.Column("maximum", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_checklist_item_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_template.id"],
            name=op.f("fk_checklist_item_template_id_checklist_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_item")),
    )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_item_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checklist_item_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "inspection_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_point_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_inspection_point_room_id_room")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_inspection_point_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_point")),
        sa.UniqueConstraint(
            "organisation_id", "code", name=op.f("uq_inspection_point_organisation_id_code")
        ),
    )
    with op.batch_alter_table("inspection_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_point_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_point_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_point_site_id"), ["site_id"], unique=False)

    op.create_table(
        "inspection_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=80), nullable=False),
        sa.Column("starts_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_due", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_plan_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["inspection_point.id"],
            name=op.f("fk_inspection_plan_point_id_inspection_point"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_template.id"],
            name=op.f("fk_inspection_plan_template_id_checklist_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan")),
    )
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_plan_next_due"), ["next_due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_plan_point_id"), ["point_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "inspection_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("inspector", sa.String(length=80), nullable=False),
        sa.Column("at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_record_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plan.id"],
            name=op.f("fk_inspection_record_plan_id_inspection_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["inspection_point.id"],
            name=op.f("fk_inspection_record_point_id_inspection_point"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_template.id"],
            name=op.f("fk_inspection_record_template_id_checklist_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_record")),
    )
    with op.batch_alter_table("inspection_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_record_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_record_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_record_point_id"), ["point_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_record_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "inspection_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("yes", sa.Boolean(), nullable=True),
        sa.Column("value", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("hazard_finding_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hazard_finding_id"],
            ["hazard_finding.id"],
            name=op.f("fk_inspection_answer_hazard_finding_id_hazard_finding"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["checklist_item.id"],
            name=op.f("fk_inspection_answer_item_id_checklist_item"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_answer_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["inspection_record.id"],
            name=op.f("fk_inspection_answer_record_id_inspection_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_answer")),
    )
    with op.batch_alter_table("inspection_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_answer_hazard_finding_id"),
            ["hazard_finding_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_inspection_answer_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_answer_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_answer_record_id"), ["record_id"], unique=False
        )

    op.execute(
        "INSERT INTO escalation (subject_type, subject_id, organisation_id, started_at, "
        "steps_done, round, stopped_at, stop_reason) SELECT 'alarm', alarm_id, "
        "organisation_id, started_at, steps_done, round, stopped_at, stop_reason "
        "FROM alarm_escalation"
    )
    with op.batch_alter_table("alarm_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_escalation_organisation_id"))

    op.drop_table("alarm_escalation")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject_type", sa.String(length=32), nullable=False, server_default="alarm")
        )
        batch_op.drop_index(batch_op.f("ix_notification_alarm_id"))
        batch_op.alter_column("alarm_id", new_column_name="subject_id", existing_type=sa.Integer())
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("subject_type", server_default=None, existing_type=sa.String(32))
        batch_op.create_index(
            "ix_notification_subject", ["subject_type", "subject_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_answer_record_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_answer_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_answer_item_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_answer_hazard_finding_id"))

    op.drop_table("inspection_answer")
    with op.batch_alter_table("inspection_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_record_template_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_point_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_plan_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_record_at"))

    op.drop_table("inspection_record")
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_plan_template_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_plan_point_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_plan_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_plan_next_due"))

    op.drop_table("inspection_plan")
    with op.batch_alter_table("inspection_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_point_site_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_point_room_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_point_organisation_id"))

    op.drop_table("inspection_point")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_item_template_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_item_organisation_id"))

    op.drop_table("checklist_item")
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_template_organisation_id"))

    op.drop_table("checklist_template")

    op.execute("DELETE FROM notification WHERE subject_type <> 'alarm'")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_subject")
        batch_op.alter_column("subject_id", new_column_name="alarm_id", existing_type=sa.Integer())
        batch_op.drop_column("subject_type")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_alarm_id"), ["alarm_id"], unique=False)

    op.create_table(
        "alarm_escalation",
        sa.Column("alarm_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("started_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("stopped_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=24), nullable=True),
        sa.PrimaryKeyConstraint("alarm_id", name=op.f("pk_alarm_escalation")),
    )
    with op.batch_alter_table("alarm_escalation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alarm_escalation_organisation_id"), ["organisation_id"], unique=False
        )
    op.execute(
        "INSERT INTO alarm_escalation (alarm_id, organisation_id, started_at, steps_done, "
        "round, stopped_at, stop_reason) SELECT subject_id, organisation_id, started_at, "
        "steps_done, round, stopped_at, stop_reason FROM escalation "
        "WHERE subject_type = 'alarm'"
    )

    with op.batch_alter_table("hazard_finding_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_finding_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_event_hazard_finding_id"))

    op.drop_table("hazard_finding_event")
    with op.batch_alter_table("hazard_finding", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_hazard_finding_open_source",
            sqlite_where=sa.text("state <> 'closed'"),
            postgresql_where=sa.text("state <> 'closed'"),
        )
        batch_op.drop_index(batch_op.f("ix_hazard_finding_state"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_site_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_room_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_grade"))
        batch_op.drop_index(batch_op.f("ix_hazard_finding_deadline"))

    op.drop_table("hazard_finding")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index("ix_attachment_subject")
        batch_op.drop_index(batch_op.f("ix_attachment_organisation_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_organisation_id"))

    op.drop_table("escalation")
