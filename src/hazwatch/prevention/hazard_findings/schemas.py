"""Hidden-danger bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.prevention.hazard_findings.choices import HazardGrade


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: int
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=5000)
    site_id: int | None = None
    room_id: int | None = None
    location: str = Field(default="", max_length=200)
    grade: HazardGrade | None = None
    deadline: datetime | None = None


class GradeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: HazardGrade
    deadline: datetime | None = None
    comment: str = Field(default="", max_length=2000)


class OrderIn(BaseModel):
    """The five fixes (五落实): measures, responsible person, funds, deadline, contingency."""

    model_config = ConfigDict(extra="forbid")
    measures: str = Field(max_length=5000)
    responsible_person: str = Field(max_length=80)
    funds_yuan: Decimal = Field(allow_inf_nan=False)
    contingency_plan: str = Field(max_length=5000)
    deadline: datetime | None = None
    comment: str = Field(default="", max_length=2000)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(default="", max_length=2000)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(max_length=2000)
    deadline: datetime | None = None


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
