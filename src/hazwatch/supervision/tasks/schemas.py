"""Task decomposition and progress: bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id
from hazwatch.supervision.choices import ProgressKind, TaskStatus


class LoadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    jurisdiction_id: Id


class ProgressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: ProgressKind = ProgressKind.MONTHLY
    #: Any day of the month reported on (of the year, for the summary).
    period: date
    status: TaskStatus
    progress: str = Field(max_length=4000, pattern=NO_NUL)
    problems: str = Field(default="", max_length=4000, pattern=NO_NUL)
    next_steps: str = Field(default="", max_length=4000, pattern=NO_NUL)


class ProgressOut(BaseModel):
    id: int
    task_id: int
    kind: ProgressKind
    period: date
    status: TaskStatus
    status_label: str
    progress: str
    problems: str
    next_steps: str
    indicators: dict[str, Any]
    indicators_text: str
    submitted_at: datetime
    submitted_by: str
    late: bool


class TaskOut(BaseModel):
    id: int
    jurisdiction_id: int
    number: int
    section: str
    title: str
    content: str
    lead_department_id: int | None
    lead_department: str
    partner_ids: list[int]
    partners: list[str]
    deadline: date | None
    source: str
    indicator_keys: list[str]
    #: This month's report and when it is due.
    month: date
    month_due: datetime
    month_report: ProgressOut | None
    month_overdue: bool
    reports: list[ProgressOut]


class MissingOut(BaseModel):
    task_id: int
    number: int
    title: str
    lead_department_id: int | None
    lead_department: str
    kind: ProgressKind
    period: date
    due: datetime
