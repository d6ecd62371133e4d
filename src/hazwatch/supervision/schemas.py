"""Supervision bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Count, Id, Instant
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.registry.choices import SupervisionStage
from hazwatch.supervision.choices import (
    DispatchOutcome,
    DispatchState,
    DutyLogKind,
    IncidentKind,
    ReportLevel,
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
