"""Admission-review tables: the project, its planned inventory by unit, each department's
opinion. The flags are not stored: they are computed from these rows whenever read, so a
changed inventory or catalogue entry can never leave a stale flag behind."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.district.admission.choices import ProjectState, ReviewVerdict


class AdmissionProject(Base):
    """A construction project of an enterprise (``organisation_id``, the applicant) that
    involves hazardous chemicals, reviewed jointly under the lead department."""

    __tablename__ = "admission_project"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Codes of :data:`~.processes.KEY_PROCESSES` the project will run.
    key_processes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: People within 500 m of the planned units (GB 18218-2018 4.3.4, α).
    people_within_500m: Mapped[int] = mapped_column(default=0)
    lat: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    state: Mapped[ProjectState] = mapped_column(String(16), index=True)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The lead department's decision is due then (the opinions earlier, each on its row).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    #: The conditions of an approval with conditions (the departments' and the lead's).
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)


class PlannedHolding(Base):
    """A chemical the project will hold in one of its units, at its design maximum."""

    __tablename__ = "admission_holding"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("project_id", "unit", "chemical_id"),
        CheckConstraint("design_max_t >= 0", name="non_negative_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("admission_project.id"), index=True)
    unit: Mapped[str] = mapped_column(String(80))
    chemical_id: Mapped[int] = mapped_column(ForeignKey("chemical.id"))
    design_max_t: Mapped[Decimal] = mapped_column(ExactDecimal())


class ReviewOpinion(Base):
    """One department's part of the joint review, due by ``due_at``."""

    __tablename__ = "admission_opinion"
    __audited__ = True
    __table_args__ = (UniqueConstraint("project_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("admission_project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    verdict: Mapped[ReviewVerdict] = mapped_column(String(16))
    opinion: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    given_by: Mapped[str | None] = mapped_column(String(80))
