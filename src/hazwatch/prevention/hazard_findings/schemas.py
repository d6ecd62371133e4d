"""Hidden-danger bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.prevention.hazard_findings.choices import HazardGrade


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    title: str = Field(max_length=300, pattern=NO_NUL)
    description: str = Field(default="", max_length=5000, pattern=NO_NUL)
    site_id: Id | None = None
    room_id: Id | None = None
    location: str = Field(default="", max_length=200, pattern=NO_NUL)
    grade: HazardGrade | None = None
    deadline: Instant | None = None


class GradeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: HazardGrade
    deadline: Instant | None = None
    comment: str = Field(default="", max_length=2000, pattern=NO_NUL)


class OrderIn(BaseModel):
    """The five fixes (五落实): measures, responsible person, funds, deadline, contingency."""

    model_config = ConfigDict(extra="forbid")
    measures: str = Field(max_length=5000, pattern=NO_NUL)
    responsible_person: str = Field(max_length=80, pattern=NO_NUL)
    funds_yuan: Decimal = Field(allow_inf_nan=False, ge=0, max_digits=16, decimal_places=2)
    contingency_plan: str = Field(max_length=5000, pattern=NO_NUL)
    deadline: Instant | None = None
    comment: str = Field(default="", max_length=2000, pattern=NO_NUL)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(default="", max_length=2000, pattern=NO_NUL)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(max_length=2000, pattern=NO_NUL)
    deadline: Instant | None = None


class EventOut(BaseModel):
    at: datetime
    actor: str
    action: str
    action_label: str
    from_state: str | None
    to_state: str
    comment: str
    details: dict[str, Any]


class AttachmentOut(BaseModel):
    id: int
    stage: str
    filename: str
    content_type: str
    size_bytes: int
    uploaded_by: str
    uploaded_at: datetime
    url: str


class HazardOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    number: str
    title: str
    title_key: str | None
    params: dict[str, Any]
    description: str
    site_id: int | None
    room_id: int | None
    #: Where, in words: the room's name and the location entered.
    place: str
    location: str
    source_type: str | None
    source_id: int | None
    state: str
    state_label: str
    grade: str | None
    grade_label: str | None
    reported_at: datetime
    reported_by: str
    deadline: datetime | None
    overdue: bool
    reported_to_regulator_at: datetime | None
    measures: str
    responsible_person: str
    funds_yuan: Decimal | None
    contingency_plan: str
    rectified_by: str | None
    accepted_by: str | None
    closed_at: datetime | None
    #: What the caller may do next (empty when it only reads this hidden danger).
    next_actions: list[str]


class HazardDetailOut(HazardOut):
    timeline: list[EventOut]
    attachments: list[AttachmentOut]
