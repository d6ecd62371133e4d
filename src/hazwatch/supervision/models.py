"""Supervision tables. Every table is audited (``__audited__``): it is safety data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.registry.choices import SupervisionStage
from hazwatch.supervision.choices import (
    AppealState,
    CancelVia,
    CodeColour,
    CodeSubject,
    CreditKind,
    DispatchOutcome,
    DispatchSource,
    DispatchState,
    DutyLogKind,
    FeedKind,
    IncidentKind,
    ListingState,
    PointState,
    ProgressKind,
    ReportLevel,
    RuleKind,
    Sector,
    TaskStatus,
)
from hazwatch.supervision.incident_grade import IncidentGrade


class ResponsibilityMatrix(Base):
    """One version of a jurisdiction's responsibility matrix (stage × sector → department).

    Versions are never changed: a change is a new version, so who was responsible on a past
    day stays answerable. The newest version of the nearest jurisdiction up the tree that
    has one applies to an organisation (a street may refine its district's matrix).
    """

    __tablename__ = "responsibility_matrix"
    __audited__ = True
    __table_args__ = (UniqueConstraint("jurisdiction_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    version: Mapped[int]
    basis: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))

    rules: Mapped[list[ResponsibilityRule]] = relationship(
        cascade="all, delete-orphan", order_by="ResponsibilityRule.id"
    )


class ResponsibilityRule(Base):
    """One cell of a matrix: the department supervising ``stage`` for ``sector``."""

    __tablename__ = "responsibility_rule"
    __audited__ = True
    __table_args__ = (UniqueConstraint("matrix_id", "stage", "sector", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matrix_id: Mapped[int] = mapped_column(
        ForeignKey("responsibility_matrix.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[SupervisionStage] = mapped_column(String(16))
    sector: Mapped[Sector] = mapped_column(String(24))
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)


class OrganisationSector(Base):
    """The sector a regulator classified an organisation as (none: ``unknown``)."""

    __tablename__ = "organisation_sector"
    __audited__ = True

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    sector: Mapped[Sector] = mapped_column(String(24))
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    classified_by: Mapped[str] = mapped_column(String(80))


class Incident(Base):
    """A production-safety accident (Order 493), with its current figures: each casualty
    change updates them and is kept as a :class:`CasualtyChange`."""

    __tablename__ = "incident"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("deaths >= 0", name="deaths"),
        CheckConstraint("serious_injuries >= 0", name="serious_injuries"),
        CheckConstraint("direct_loss_yuan >= 0", name="direct_loss"),
        CheckConstraint("extension_days >= 0 AND extension_days <= 60", name="extension"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[IncidentKind] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: When the unit's head learned of it: the 1-hour report runs from here (Art. 9).
    known_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deaths: Mapped[int] = mapped_column(Integer, default=0)
    serious_injuries: Mapped[int] = mapped_column(Integer, default=0)
    direct_loss_yuan: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    grade: Mapped[IncidentGrade] = mapped_column(String(24), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    alarm_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    replay: Mapped[str] = mapped_column(String(120), default="")
    #: Days the investigating government added to the 60 (at most 60, Art. 29).
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_approved_by: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))

    reports: Mapped[list[IncidentReport]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentReport.reported_at"
    )
    changes: Mapped[list[CasualtyChange]] = relationship(
        cascade="all, delete-orphan", order_by="CasualtyChange.at"
    )


class IncidentReport(Base):
    """The report reaching one level of the chain."""

    __tablename__ = "incident_report"
    __audited__ = True
    __table_args__ = (UniqueConstraint("incident_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    level: Mapped[ReportLevel] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipient: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(80))


class CasualtyChange(Base):
    """A change of the figures after the first report (补报, Order 493 Art. 13)."""

    __tablename__ = "casualty_change"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    deaths_before: Mapped[int] = mapped_column(Integer)
    deaths_after: Mapped[int] = mapped_column(Integer)
    serious_injuries_before: Mapped[int] = mapped_column(Integer)
    serious_injuries_after: Mapped[int] = mapped_column(Integer)
    direct_loss_before: Mapped[Decimal] = mapped_column(ExactDecimal())
    direct_loss_after: Mapped[Decimal] = mapped_column(ExactDecimal())
    grade_before: Mapped[str] = mapped_column(String(24))
    grade_after: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(80))


class DispatchOrder(Base):
    """A warning dispatched for on-site verification (派单核查) to the department responsible
    for the organisation (item 1), with its deadlines by level. One open order per source."""

    __tablename__ = "dispatch_order"
    __audited__ = True
    __table_args__ = (
        Index(
            "uq_dispatch_order_open_source",
            "source_type",
            "source_key",
            unique=True,
            sqlite_where=text("state <> 'closed'"),
            postgresql_where=text("state <> 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    source_type: Mapped[DispatchSource] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16))
    title_key: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[DispatchState] = mapped_column(String(16), index=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accept_due: Mapped[datetime] = mapped_column(UTCDateTime())
    verify_due: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by: Mapped[str | None] = mapped_column(String(80))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[DispatchOutcome | None] = mapped_column(String(24))
    notes: Mapped[str] = mapped_column(Text, default="")
    hazard_finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("hazard_finding.id"), index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(80))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))


class DutyShift(Base):
    """One officer's shift on a department's 24-hour duty roster."""

    __tablename__ = "duty_shift"
    __audited__ = True
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="positive_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    officer: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DutyLogEntry(Base):
    """The duty log: what happened on a shift, and the handover to the next officer."""

    __tablename__ = "duty_log_entry"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    author: Mapped[str] = mapped_column(String(80))
    kind: Mapped[DutyLogKind] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    handed_to: Mapped[str] = mapped_column(String(80), default="")


# -- credit, points, grades and codes (issue 15 items 2, 4, 5) -------------------------------


class CreditRecord(Base):
    """A good or bad credit record of an organisation (``person`` empty) or of one of its
    people, with the document it rests on (``source``: a penalty decision, a commendation)."""

    __tablename__ = "credit_record"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[CreditKind] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))


class DishonestyListing(Base):
    """An entry of the serious-dishonesty list (安全生产严重失信主体名单, MEM Order 11 of 2023):
    listed for 3 years from ``listed_on``; early removal may be requested after 12 months;
    a removal granted on a false request is revoked (``reinstated_at``)."""

    __tablename__ = "dishonesty_listing"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    listed_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[ListingState] = mapped_column(String(24), index=True)
    removal_request: Mapped[str] = mapped_column(Text, default="")
    removal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removal_requested_by: Mapped[str | None] = mapped_column(String(80))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(80))
    reinstated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reinstated_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))


class PointEvent(Base):
    """Points recorded (记分) against an organisation (``person`` empty) or its principal,
    for one event of the points table in force; they count in the cycle (year) they were
    recorded in until cancelled (销分) or voided on appeal."""

    __tablename__ = "point_event"
    __audited__ = True
    __table_args__ = (CheckConstraint("points > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    event: Mapped[str] = mapped_column(String(48))
    points: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    cycle: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(300))
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"))
    state: Mapped[PointState] = mapped_column(String(16), index=True)
    cancelled_via: Mapped[CancelVia | None] = mapped_column(String(16))
    training_record_id: Mapped[int | None] = mapped_column(ForeignKey("training_record.id"))
    hazard_finding_id: Mapped[int | None] = mapped_column(ForeignKey("hazard_finding.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appeal_decided_by: Mapped[str | None] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))
    #: The platform event the points were recorded from (``hazard_finding:12:overdue``),
    #: unique so an event yields its points once; None for points a regulator recorded.
    origin: Mapped[str | None] = mapped_column(String(80), unique=True, index=True)


class RuleSet(Base):
    """One version of a jurisdiction's rules of one kind (grades, codes, points), a
    declarative JSON body validated before it is stored (:mod:`hazwatch.supervision.rules`).
    Never changed: a change is a new version; the newest of the nearest jurisdiction up the
    tree applies, the built-in defaults where none has one."""

    __tablename__ = "rule_set"
    __audited__ = True
    __table_args__ = (UniqueConstraint("kind", "jurisdiction_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RuleKind] = mapped_column(String(24))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    version: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    basis: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class SupervisionProfile(Base):
    """Graded-supervision inputs a regulator enters for an enterprise: the MEM 2018
    diagnostic score (应急〔2018〕19号) and whether a direct-red case applies, and the safety
    standardisation level (1, 2, 3; 0 none)."""

    __tablename__ = "supervision_profile"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("standardisation_level BETWEEN 0 AND 3", name="standardisation"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    diagnostic_score: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    direct_red: Mapped[bool] = mapped_column(default=False)
    standardisation_level: Mapped[int] = mapped_column(Integer, default=0)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(80))


class ParkAssessment(Base):
    """A park's score by the park risk guide (应急〔2019〕78号)."""

    __tablename__ = "park_assessment"
    __audited__ = True

    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), primary_key=True)
    score: Mapped[Decimal] = mapped_column(ExactDecimal())
    assessed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(80))


class SafetyCodeRecord(Base):
    """The history of a safety code: one row each time a subject's colour (or its reasons)
    changed, with the rule set version that decided it."""

    __tablename__ = "safety_code_record"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[CodeSubject] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    colour: Mapped[CodeColour] = mapped_column(String(8))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class CodeAppeal(Base):
    """An appeal against a safety code; an upheld one sets the colour the regulator decided
    until ``override_until``."""

    __tablename__ = "code_appeal"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[CodeSubject] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    person: Mapped[str] = mapped_column(String(80), default="")
    colour_appealed: Mapped[CodeColour] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[AppealState] = mapped_column(String(16), index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filed_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    override_colour: Mapped[CodeColour | None] = mapped_column(String(8))
    override_until: Mapped[date | None] = mapped_column(Date)


class YearPlan(Base):
    """A jurisdiction's yearly inspection plan (双随机一公开): the draw's inputs (enterprises
    with their grades and yearly counts, the inspector pool) and its seed are kept, so the
    same draw can be redone and compared."""

    __tablename__ = "year_plan"
    __audited__ = True
    __table_args__ = (UniqueConstraint("jurisdiction_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    draw: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))

    inspections: Mapped[list[PlannedInspection]] = relationship(
        cascade="all, delete-orphan", order_by="(PlannedInspection.month, PlannedInspection.id)"
    )


class PlannedInspection(Base):
    """One drawn inspection: an enterprise, a month, two inspectors; done when recorded."""

    __tablename__ = "planned_inspection"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("year_plan.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    grade: Mapped[str] = mapped_column(String(1))
    month: Mapped[int] = mapped_column(Integer)
    inspectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")


class SupervisionTask(Base):
    """One task of a jurisdiction's decomposition table (seed 001 Annex 1): the measure, its
    lead department, partners and deadline, loaded from the package's data (``tasks.py``)."""

    __tablename__ = "supervision_task"
    __audited__ = True
    __table_args__ = (UniqueConstraint("jurisdiction_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    lead_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    partner_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    #: Platform indicators filled into its progress reports (``tasks.INDICATORS``).
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(200))
    #: Reports are due from the month the task was loaded on.
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TaskProgress(Base):
    """A lead department's progress report on a task (Annex 2): monthly, due before the 28th,
    or the year-end summary, due before 10 December. Indicators the platform knows are
    filled in at submission and kept as they were then."""

    __tablename__ = "task_progress"
    __audited__ = True
    __table_args__ = (UniqueConstraint("task_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_task.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[ProgressKind] = mapped_column(String(8))
    #: The month reported on (its first day); for the year-end summary 1 January of the year.
    period: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[TaskStatus] = mapped_column(String(16))
    progress: Mapped[str] = mapped_column(Text)
    problems: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str] = mapped_column(String(80))
    late: Mapped[bool] = mapped_column(default=False)


class TaskNotice(Base):
    """A reminder or overdue flag sent for one report, so each is sent once."""

    __tablename__ = "task_notice"
    __audited__ = True
    __table_args__ = (UniqueConstraint("task_id", "kind", "period", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_task.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[ProgressKind] = mapped_column(String(8))
    period: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedEvent(Base):
    """One event of the outbound feed (issue 15 item 8). ``id`` is the pull cursor: events
    are written by one writer under a table lock, so ids commit in order and a reader past
    id n never misses one below it. ``key`` makes writing idempotent (one happening, one
    event). Not audited: it is a projection of audited data, not safety data of its own."""

    __tablename__ = "feed_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[FeedKind] = mapped_column(String(16), index=True)
    action: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject_id: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FeedSubscription(Base):
    """A city or park platform following a jurisdiction's feed by webhook: deliveries are
    signed with its key (HMAC-SHA256) and resume from its cursor after a failure."""

    __tablename__ = "feed_subscription"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500))
    #: The HMAC key, kept to sign with (never copied into the audit trail).
    signing_secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(300), default="")
    last_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
