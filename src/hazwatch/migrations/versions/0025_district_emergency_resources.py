"""district emergency resources

Emergency resources (issue 16 item 3): ``resource_item`` (the shared equipment library over
``emergency_equipment``), ``rescue_team`` and ``rescue_team_member``, ``resource_rules``
(dispatch rules per jurisdiction), ``resource_travel_time``, ``resource_dispatch`` and
``resource_dispatch_line``.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 22:40:02.635087
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hazwatch.core.db

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resource_rules",
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column(
            "max_distance_km", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False
        ),
        sa.Column(
            "reserve_percent", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False
        ),
        sa.Column(
            "speed_kmh", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False
        ),
        sa.Column("teams", sa.Integer(), nullable=False),
        sa.Column("team_min_qualified", sa.Integer(), nullable=False),
        sa.Column("professional_first", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.CheckConstraint("max_distance_km > 0", name=op.f("ck_resource_rules_distance")),
        sa.CheckConstraint("reserve_percent >= 0", name=op.f("ck_resource_rules_reserve")),
        sa.CheckConstraint("speed_kmh > 0", name=op.f("ck_resource_rules_speed")),
        sa.CheckConstraint("team_min_qualified >= 0", name=op.f("ck_resource_rules_qualified")),
        sa.CheckConstraint("teams >= 0", name=op.f("ck_resource_rules_teams")),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_resource_rules_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("jurisdiction_id", name=op.f("pk_resource_rules")),
    )
    op.create_table(
        "rescue_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("lat", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("lon", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_rescue_team_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_rescue_team_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescue_team")),
    )
    with op.batch_alter_table("rescue_team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rescue_team_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rescue_team_site_id"), ["site_id"], unique=False)

    op.create_table(
        "resource_travel_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("from_site_id", sa.Integer(), nullable=False),
        sa.Column("to_site_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_resource_travel_time_minutes")),
        sa.ForeignKeyConstraint(
            ["from_site_id"], ["site.id"], name=op.f("fk_resource_travel_time_from_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_resource_travel_time_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["to_site_id"], ["site.id"], name=op.f("fk_resource_travel_time_to_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_travel_time")),
    )
    with op.batch_alter_table("resource_travel_time", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_travel_time_from_site_id"), ["from_site_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_travel_time_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_travel_time_to_site_id"), ["to_site_id"], unique=False
        )

    op.create_table(
        "rescue_team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_rescue_team_member_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["rescue_team.id"],
            name=op.f("fk_rescue_team_member_team_id_rescue_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescue_team_member")),
    )
    with op.batch_alter_table("rescue_team_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rescue_team_member_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rescue_team_member_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "resource_item",
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lat", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("lon", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("quantity", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("condition", sa.String(length=16), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_resource_item_quantity")),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["emergency_equipment.id"],
            name=op.f("fk_resource_item_equipment_id_emergency_equipment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_resource_item_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("equipment_id", name=op.f("pk_resource_item")),
    )
    with op.batch_alter_table("resource_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_item_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "resource_dispatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("drill_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("lat", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("lon", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("requested_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("shortfalls", sa.JSON(), nullable=False),
        sa.Column("closed_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drill.id"], name=op.f("fk_resource_dispatch_drill_id_drill")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_resource_dispatch_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_resource_dispatch_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_resource_dispatch_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_resource_dispatch_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_dispatch")),
    )
    with op.batch_alter_table("resource_dispatch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_drill_id"), ["drill_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_requested_at"), ["requested_at"], unique=False
        )

    op.create_table(
        "resource_dispatch_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispatch_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("quantity", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column(
            "distance_km", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False
        ),
        sa.Column("minutes", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=False),
        sa.Column("by_table", sa.Boolean(), nullable=False),
        sa.Column("sent_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", hazwatch.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "returned_quantity", hazwatch.core.db.ExactDecimal(precision=24, scale=8), nullable=True
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(equipment_id IS NULL) <> (team_id IS NULL)",
            name=op.f("ck_resource_dispatch_line_item_or_team"),
        ),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_resource_dispatch_line_quantity")),
        sa.CheckConstraint(
            "returned_quantity IS NULL OR returned_quantity >= 0",
            name=op.f("ck_resource_dispatch_line_returned"),
        ),
        sa.ForeignKeyConstraint(
            ["dispatch_id"],
            ["resource_dispatch.id"],
            name=op.f("fk_resource_dispatch_line_dispatch_id_resource_dispatch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["resource_item.equipment_id"],
            name=op.f("fk_resource_dispatch_line_equipment_id_resource_item"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_resource_dispatch_line_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["rescue_team.id"],
            name=op.f("fk_resource_dispatch_line_team_id_rescue_team"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_dispatch_line")),
    )
    with op.batch_alter_table("resource_dispatch_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_line_dispatch_id"), ["dispatch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_line_equipment_id"), ["equipment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_line_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_resource_dispatch_line_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("resource_dispatch_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_line_team_id"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_line_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_line_equipment_id"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_line_dispatch_id"))

    op.drop_table("resource_dispatch_line")
    with op.batch_alter_table("resource_dispatch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_requested_at"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_incident_id"))
        batch_op.drop_index(batch_op.f("ix_resource_dispatch_drill_id"))

    op.drop_table("resource_dispatch")
    with op.batch_alter_table("resource_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_item_organisation_id"))

    op.drop_table("resource_item")
    with op.batch_alter_table("rescue_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rescue_team_member_team_id"))
        batch_op.drop_index(batch_op.f("ix_rescue_team_member_organisation_id"))

    op.drop_table("rescue_team_member")
    with op.batch_alter_table("resource_travel_time", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_travel_time_to_site_id"))
        batch_op.drop_index(batch_op.f("ix_resource_travel_time_jurisdiction_id"))
        batch_op.drop_index(batch_op.f("ix_resource_travel_time_from_site_id"))

    op.drop_table("resource_travel_time")
    with op.batch_alter_table("rescue_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rescue_team_site_id"))
        batch_op.drop_index(batch_op.f("ix_rescue_team_organisation_id"))

    op.drop_table("rescue_team")
    op.drop_table("resource_rules")
