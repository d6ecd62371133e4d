"""Audit trail bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    organisation_id: int | None
    changes: dict[str, Any]
    hash: str


class HeadOut(BaseModel):
    """The newest entry of the chain: its id, hash, the number of entries and its time."""

    id: int
    hash: str
    count: int
    time: datetime | None


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    first_bad_id: int | None
    reason: str | None
    message: str
    head: HeadOut | None = None
