"""Access check bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL
from hazwatch.monitoring.choices import EntryPurpose


class AccessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    door: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    person: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    purpose: EntryPurpose = EntryPurpose.WORK


class Reason(BaseModel):
    code: str
    message: str
    room_id: int | None
    room: str | None
    params: dict[str, Any]


class AccessAnswer(BaseModel):
    decision: str
    door: str
    person: str
    purpose: str
    reasons: list[Reason]
    checked_at: datetime


class AccessDecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    door_code: str
    person: str
    purpose: str
    allowed: bool
    reasons: list[dict[str, Any]]
    room_ids: list[int]
