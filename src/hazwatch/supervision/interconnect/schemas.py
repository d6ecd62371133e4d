"""Interconnection: bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Count, Id


class EventOut(BaseModel):
    id: int
    key: str
    kind: str
    action: str
    organisation_id: int | None
    subject_id: str
    occurred_at: str | None
    recorded_at: str | None
    payload: dict[str, Any]


class FeedPage(BaseModel):
    events: list[EventOut]
    #: Resume from here: the last event's id, or the cursor asked when none was new.
    cursor: int


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    jurisdiction_id: Id
    name: str = Field(max_length=120, pattern=NO_NUL)
    url: str = Field(max_length=500, pattern=NO_NUL)
    from_cursor: Count = 0


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    jurisdiction_id: int
    name: str
    url: str
    active: bool
    cursor: int
    failures: int
    next_attempt_at: datetime | None
    last_error: str
    last_delivered_at: datetime | None
    created_at: datetime
    created_by: str


class SubscriptionCreated(SubscriptionOut):
    #: The HMAC-SHA256 key, shown this once.
    signing_secret: str


class ImportRowOut(BaseModel):
    row: int
    status: str
    name: str
    credit_code: str
    field: str | None
    reason: str
    reason_text: str
    existing_id: int | None
    created_id: int | None


class ImportOut(BaseModel):
    applied: bool
    new: int
    duplicates: int
    conflicts: int
    invalid: int
    rows: list[ImportRowOut]
