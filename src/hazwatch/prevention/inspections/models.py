"""Checklists, inspection points, plans and records (all audited: safety data)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.inspections.choices import AnswerKind, Frequency


class ChecklistTemplate(Base):
    __tablename__ = "checklist_template"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[ChecklistItem]] = relationship(
        cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )


class ChecklistItem(Base):
    """One question with the answer that passes; a failed one is a hidden danger of
    ``grade``."""

    __tablename__ = "checklist_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[AnswerKind] = mapped_column(String(16), default=AnswerKind.YES_NO)
    expected_yes: Mapped[bool] = mapped_column(default=True)
    minimum: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    maximum: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    unit: Mapped[str] = mapped_column(String(16), default="")
    grade: Mapped[HazardGrade] = mapped_column(String(16), default=HazardGrade.GENERAL)


class InspectionPoint(Base):
    """A place or piece of equipment that is inspected; its QR code opens its form."""

    __tablename__ = "inspection_point"
    __audited__ = True
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)


class InspectionPlan(Base):
    """Who inspects which point with which checklist, how often; ``next_due`` is the slot
    (``starts_at`` plus whole periods) the next record is due by."""

    __tablename__ = "inspection_plan"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("inspection_point.id"), index=True)
    frequency: Mapped[Frequency] = mapped_column(String(16))
    assignee: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_due: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    active: Mapped[bool] = mapped_column(default=True)


class InspectionRecord(Base):
    __tablename__ = "inspection_record"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plan.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("inspection_point.id"), index=True)
    inspector: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passed: Mapped[bool] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")

    answers: Mapped[list[InspectionAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="InspectionAnswer.id"
    )


class InspectionAnswer(Base):
    __tablename__ = "inspection_answer"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_record.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_item.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    yes: Mapped[bool | None] = mapped_column()
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    passed: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(500), default="")
    hazard_finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("hazard_finding.id"), index=True
    )
