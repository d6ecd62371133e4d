"""Inspection bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.schemas import AttachmentOut
from hazwatch.prevention.inspections.choices import AnswerKind, Frequency


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=300, pattern=NO_NUL)
    kind: AnswerKind = AnswerKind.YES_NO
    expected_yes: bool = True
    minimum: Decimal | None = Field(
        default=None, allow_inf_nan=False, max_digits=16, decimal_places=6
    )
    maximum: Decimal | None = Field(
        default=None, allow_inf_nan=False, max_digits=16, decimal_places=6
    )
    unit: str = Field(default="", max_length=16, pattern=NO_NUL)
    grade: HazardGrade = HazardGrade.GENERAL


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field(default="", max_length=2000, pattern=NO_NUL)
    items: list[ItemIn] = Field(min_length=1, max_length=200)


class ItemOut(ItemIn):
    model_config = ConfigDict(from_attributes=True)
    id: int
    position: int


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organisation_id: int
    name: str
    description: str
    items: list[ItemOut]


class PointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    site_id: Id | None = None
    room_id: Id | None = None


class PointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organisation_id: int
    code: str
    name: str
    site_id: int | None
    room_id: int | None
    #: The console form a phone opens from the point's QR code.
    form_path: str


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    template_id: Id
    point_id: Id
    frequency: Frequency
    assignee: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    starts_at: Instant | None = None


class PlanOut(BaseModel):
    id: int
    organisation_id: int
    name: str
    template_id: int
    point_id: int
    point: str
    frequency: str
    frequency_label: str
    assignee: str
    starts_at: datetime
    next_due: datetime
    active: bool
    status: str
    overdue: bool
    #: The next few due dates the plan generates.
    upcoming: list[datetime]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: Id
    yes: bool | None = None
    value: Decimal | None = Field(
        default=None, allow_inf_nan=False, max_digits=16, decimal_places=6
    )
    note: str = Field(default="", max_length=500, pattern=NO_NUL)
    #: Needed when a failed item of a major grade becomes a hidden danger.
    deadline: Instant | None = None


class RecordIn(BaseModel):
    """A round done: for a plan (its checklist and point) or, without one, for a template
    at a point. Failed items become hidden dangers unless ``raise_hidden_dangers`` is off."""

    model_config = ConfigDict(extra="forbid")
    plan_id: Id | None = None
    template_id: Id | None = None
    point_id: Id | None = None
    answers: list[AnswerIn] = Field(min_length=1, max_length=200)
    notes: str = Field(default="", max_length=2000, pattern=NO_NUL)
    raise_hidden_dangers: bool = True


class AnswerOut(BaseModel):
    item_id: int
    text: str
    yes: bool | None
    value: Decimal | None
    passed: bool
    note: str
    hazard_finding_id: int | None


class RecordOut(BaseModel):
    id: int
    organisation_id: int
    plan_id: int | None
    template_id: int
    point_id: int
    point: str
    inspector: str
    at: datetime
    due_at: datetime | None
    passed: bool
    notes: str
    answers: list[AnswerOut]
    attachments: list[AttachmentOut]
