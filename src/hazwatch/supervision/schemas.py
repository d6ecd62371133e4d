"""Supervision bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Count, Id, Instant
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.registry.choices import SupervisionStage
from hazwatch.supervision.choices import (
    AppealState,
    CancelVia,
    CodeColour,
    CodeSubject,
    CreditKind,
    DispatchOutcome,
    DispatchState,
    DutyLogKind,
    IncidentKind,
    ListingState,
    PointState,
    ReportLevel,
    RuleKind,
    Sector,
)
from hazwatch.supervision.incident_grade import IncidentGrade


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RuleBody(_In):
    stage: SupervisionStage
    sector: Sector
    department_id: Id


class MatrixIn(_In):
    jurisdiction_id: Id
    rules: list[RuleBody] = Field(max_length=500)
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)
    note: str = Field(default="", max_length=300, pattern=NO_NUL)


class RuleOut(BaseModel):
    stage: SupervisionStage
    stage_label: str
    sector: Sector
    sector_label: str
    department_id: int
    department: str


class MatrixOut(BaseModel):
    id: int
    jurisdiction_id: int
    jurisdiction: str
    version: int
    basis: str
    note: str
    created_at: datetime
    created_by: str
    rules: list[RuleOut]


class SectorIn(_In):
    sector: Sector


class AssignIn(_In):
    department_id: Id
    stage: SupervisionStage
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)


class SupervisorOut(BaseModel):
    department_id: int
    department: str
    stage: SupervisionStage | None
    stage_label: str
    by: str
    by_label: str
    matrix_id: int | None


class ResolutionOut(BaseModel):
    """Who supervises an organisation; a blind spot has only its fallback owner."""

    organisation_id: int
    organisation: str
    sector: Sector
    sector_label: str
    stages: list[SupervisionStage]
    stage_labels: list[str]
    handles_hazchem: bool
    blind_spot: bool
    fallback_owner_id: int | None
    fallback_owner: str | None
    uncovered: list[SupervisionStage]
    supervisors: list[SupervisorOut]
    message: str


# -- incidents --------------------------------------------------------------------------------


class IncidentIn(_In):
    organisation_id: Id
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    kind: IncidentKind = IncidentKind.PRODUCTION
    occurred_at: Instant
    known_at: Instant | None = None
    deaths: Count = 0
    serious_injuries: Count = 0
    direct_loss_yuan: Decimal = Field(
        default=Decimal(0), allow_inf_nan=False, ge=0, max_digits=16, decimal_places=2
    )
    room_id: Id | None = None
    alarm_ids: list[Id] = Field(default_factory=list, max_length=50)
    description: str = Field(default="", max_length=5000, pattern=NO_NUL)
    replay: str = Field(default="", max_length=120, pattern=NO_NUL)


class IncidentReportIn(_In):
    level: ReportLevel
    reported_at: Instant
    recipient: str = Field(default="", max_length=200, pattern=NO_NUL)


class CasualtyIn(_In):
    at: Instant
    deaths: Count
    serious_injuries: Count
    direct_loss_yuan: Decimal | None = Field(
        default=None, allow_inf_nan=False, ge=0, max_digits=16, decimal_places=2
    )
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class ExtensionIn(_In):
    days: int = Field(ge=1, le=60)
    approved_by: str = Field(min_length=1, max_length=120, pattern=NO_NUL)


class StepOut(BaseModel):
    level: ReportLevel
    level_label: str
    due: datetime
    reported_at: datetime | None
    recipient: str
    late: bool
    overdue: bool


class CasualtyChangeOut(BaseModel):
    at: datetime
    deaths_before: int
    deaths_after: int
    serious_injuries_before: int
    serious_injuries_after: int
    direct_loss_before: Decimal
    direct_loss_after: Decimal
    grade_before: str
    grade_after: str
    note: str
    recorded_by: str


class IncidentOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    room_id: int | None
    title: str
    kind: IncidentKind
    kind_label: str
    occurred_at: datetime
    known_at: datetime
    deaths: int
    serious_injuries: int
    direct_loss_yuan: Decimal
    grade: IncidentGrade
    grade_label: str
    grade_criteria: list[str]
    grade_source: str
    steps: list[StepOut]
    late_steps: int
    overdue_steps: int
    casualty_window_ends: datetime
    investigation_due: datetime
    extension_days: int
    extension_approved_by: str
    changes: list[CasualtyChangeOut]
    alarm_ids: list[int]
    replay: str
    description: str


# -- dispatch ---------------------------------------------------------------------------------


class VerifyIn(_In):
    outcome: DispatchOutcome
    notes: str = Field(min_length=1, max_length=5000, pattern=NO_NUL)
    open_hidden_danger: bool = False
    hidden_danger_grade: HazardGrade = HazardGrade.GENERAL
    hidden_danger_deadline: Instant | None = None


class DispatchAttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    url: str


class DispatchOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    department_id: int
    department: str
    room_id: int | None
    source_type: str
    source_key: str
    level: str
    title: str
    state: DispatchState
    state_label: str
    dispatched_at: datetime
    accept_due: datetime
    verify_due: datetime
    late: bool
    accepted_by: str | None
    verified_by: str | None
    outcome: DispatchOutcome | None
    outcome_label: str | None
    notes: str
    hazard_finding_id: int | None
    closed_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None
    escalated_to_id: int | None
    attachments: list[DispatchAttachmentOut]


class ShiftIn(_In):
    department_id: Id
    officer: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    phone: str = Field(default="", max_length=40, pattern=NO_NUL)
    starts_at: Instant
    ends_at: Instant


class ShiftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organisation_id: int
    officer: str
    phone: str
    starts_at: datetime
    ends_at: datetime


class RosterOut(BaseModel):
    shifts: list[ShiftOut]
    gaps: list[tuple[datetime, datetime]]
    on_duty: ShiftOut | None


class DutyLogIn(_In):
    department_id: Id
    kind: DutyLogKind = DutyLogKind.NOTE
    text: str = Field(min_length=1, max_length=5000, pattern=NO_NUL)
    handed_to: str = Field(default="", max_length=80, pattern=NO_NUL)


class DutyLogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organisation_id: int
    at: datetime
    author: str
    kind: DutyLogKind
    text: str
    handed_to: str


# -- credit, points, grades and codes (issue 15 items 2, 4, 5) -------------------------------

_SOURCE = Field(min_length=1, max_length=300, pattern=NO_NUL)
_PERSON = Field(default="", max_length=80, pattern=NO_NUL)
_REASON = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class CreditIn(_In):
    organisation_id: Id
    kind: CreditKind
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    source: str = _SOURCE
    occurred_on: date
    person: str = _PERSON


class CreditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    person: str
    kind: CreditKind
    title: str
    source: str
    occurred_on: date
    recorded_by: str


class ListingIn(_In):
    organisation_id: Id
    reason: str = _SOURCE
    source: str = _SOURCE
    listed_on: date
    person: str = _PERSON


class RemovalRequestIn(_In):
    request: str = _REASON


class DecisionIn(_In):
    grant: bool


class ReinstateIn(_In):
    reason: str = _REASON


class ListingOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    person: str
    reason: str
    source: str
    listed_on: date
    ends_on: date
    earliest_removal: date
    state: ListingState
    state_label: str
    active: bool
    removal_request: str
    reinstated_reason: str


class PointsIn(_In):
    organisation_id: Id
    event: str = Field(min_length=1, max_length=48, pattern=NO_NUL)
    occurred_on: date
    source: str = _SOURCE
    person: str = _PERSON


class CancelIn(_In):
    via: CancelVia
    training_record_id: Id | None = None
    hazard_finding_id: Id | None = None


class AppealIn(_In):
    reason: str = _REASON


class UpholdIn(_In):
    uphold: bool


class PointsOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    person: str
    event: str
    event_label: str
    points: int
    occurred_on: date
    cycle: int
    source: str
    state: PointState
    state_label: str
    appeal_reason: str
    #: The platform event they were recorded from; None: recorded by a regulator.
    origin: str | None = None


class PointsTotalOut(BaseModel):
    """Points of one party in the current cycle and what they call for."""

    organisation_id: int
    organisation: str
    person: str
    cycle: int
    points: int
    interview_at: int
    reexamine_at: int
    interview_due: bool
    reexamination_due: bool


class RuleSetIn(_In):
    kind: RuleKind
    jurisdiction_id: Id
    body: dict[str, Any]
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)
    note: str = Field(default="", max_length=300, pattern=NO_NUL)


class PreviewIn(_In):
    kind: RuleKind
    body: dict[str, Any]


class RuleSetOut(BaseModel):
    id: int | None
    kind: RuleKind
    jurisdiction_id: int | None
    version: int
    body: dict[str, Any]
    basis: str
    note: str
    created_at: datetime | None
    created_by: str


class ReasonOut(BaseModel):
    input: str
    level: str
    text: str
    source: str


class GradeOut(BaseModel):
    """A grade (enterprise A–D, park A–D) or a safety code, always with its reasons."""

    subject: str
    organisation_id: int | None
    park_id: int | None
    name: str
    person: str
    level: str
    label: str
    colour: str
    reasons: list[ReasonOut]
    inputs: dict[str, Any]
    rule_set_id: int | None
    rule_version: int
    inspections_a_year: int | None = None
    appeal_id: int | None = None


class PreviewOut(BaseModel):
    subject: str
    organisation_id: int | None
    park_id: int | None
    name: str
    person: str
    current: str
    previewed: str
    changed: bool
    reasons: list[ReasonOut]


class ProfileIn(_In):
    diagnostic_score: Decimal | None = Field(
        default=None, allow_inf_nan=False, ge=0, le=100, max_digits=6, decimal_places=2
    )
    direct_red: bool = False
    standardisation_level: int = Field(default=0, ge=0, le=3)
    assessed_on: date | None = None
    source: str = Field(default="", max_length=300, pattern=NO_NUL)


class ParkScoreIn(_In):
    score: Decimal = Field(allow_inf_nan=False, ge=0, le=100, max_digits=6, decimal_places=2)
    assessed_on: date
    source: str = Field(default="", max_length=300, pattern=NO_NUL)


class CodeHistoryOut(BaseModel):
    at: datetime
    colour: CodeColour
    label: str
    reasons: list[ReasonOut]


class CodeOut(GradeOut):
    history: list[CodeHistoryOut]
    qr_url: str


class CodeAppealIn(_In):
    subject: CodeSubject
    ident: Id
    person: str = _PERSON
    reason: str = _REASON


class CodeDecisionIn(_In):
    uphold: bool
    note: str = _REASON
    colour: CodeColour | None = None
    until: date | None = None


class CodeAppealOut(BaseModel):
    id: int
    subject: CodeSubject
    organisation_id: int | None
    jurisdiction_id: int | None
    person: str
    colour_appealed: CodeColour
    reason: str
    state: AppealState
    state_label: str
    decision_note: str
    override_colour: CodeColour | None
    override_until: date | None


class PlanIn(_In):
    jurisdiction_id: Id
    year: int = Field(ge=2000, le=2100)
    inspectors: list[Annotated[str, Field(max_length=80, pattern=NO_NUL)]] = Field(
        min_length=2, max_length=200
    )
    seed: int | None = Field(default=None, ge=0, le=2**31 - 2)


class DoneIn(_In):
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class PlannedOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    grade: str
    month: int
    inspectors: list[str]
    done: bool
    overdue: bool
    note: str


class PlanOut(BaseModel):
    id: int
    jurisdiction_id: int
    year: int
    seed: int
    reproducible: bool
    #: Enterprises in the area, and how many of them the draw picked (双随机).
    enterprises: int
    drawn: int
    total: int
    done: int
    overdue: int
    inspections: list[PlannedOut]
