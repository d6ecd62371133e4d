"""Emergency plans, drills and their findings, training records and qualifications, and the
equipment registry with its checks (SCBA sets keep their own tables in ``emergency.models``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class EmergencyPlan(Base):
    """A site's emergency plan (应急预案), reviewed by ``review_due``."""

    __tablename__ = "emergency_plan"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32), default="")
    approved_on: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Withdrawn (superseded, the site left): kept for the audit and the drills naming it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Drill(Base):
    """An emergency drill (演练): planned for a time, then held (with who took part and what
    was learned); its findings become hidden dangers."""

    __tablename__ = "drill"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_plan.id"))
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text, default="")
    planned_for: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="planned")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    participants: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")


class DrillFinding(Base):
    """What a drill showed wrong: a hidden danger of the drill's organisation."""

    __tablename__ = "drill_finding"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    hidden_danger_id: Mapped[int | None] = mapped_column(Integer)


class Qualification(Base):
    """A person's qualification (certificate) of a kind, valid until ``expires_on``."""

    __tablename__ = "qualification"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    certificate_no: Mapped[str] = mapped_column(String(64), default="")
    issued_by: Mapped[str] = mapped_column(String(120), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)


class TrainingRecord(Base):
    """A training a person attended (course, day, hours, passed)."""

    __tablename__ = "training_record"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), index=True)
    course: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(ExactDecimal())
    trainer: Mapped[str] = mapped_column(String(120), default="")
    passed: Mapped[bool] = mapped_column(default=True)
    #: A vocational skill-upgrade course (职业技能晋级培训): counted by the district's
    #: training-coverage indicator (seed 001 measure 17).
    vocational: Mapped[bool] = mapped_column(default=False, server_default=false())


class Equipment(Base):
    """Emergency equipment other than SCBA sets: escape packs, portable O2 meters, fans;
    checked every ``check_interval_days``."""

    __tablename__ = "emergency_equipment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    holder: Mapped[str] = mapped_column(String(80), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    check_interval_days: Mapped[int] = mapped_column(Integer, default=30)


class EquipmentCheck(Base):
    __tablename__ = "emergency_equipment_check"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("emergency_equipment.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    passed: Mapped[bool]
    checked_by: Mapped[str] = mapped_column(String(80))
    notes: Mapped[str] = mapped_column(Text, default="")
