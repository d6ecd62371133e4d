"""Interlock rules and the commands they sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hazwatch.core.auth.deps import CurrentPrincipal, DbSession
from hazwatch.core.scope import restrict
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.service import ACTIONS
from hazwatch.monitoring.service import ensure_writable

router = APIRouter(prefix="/api/interlocks", tags=["interlocks"])


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: int
    site_id: int
    room_id: int | None = None
    point_id: int | None = None
    conditions: list[str] = Field(default_factory=lambda: ["low", "low_low"], min_length=1)
    action: str = Field(pattern="^(" + "|".join(ACTIONS) + ")$")
    device_code: str = Field(min_length=1, max_length=64)
    command: dict[str, Any] = Field(default_factory=dict)
    timeout_s: int = Field(default=10, ge=1, le=600)


@router.post("/rules", status_code=201)
def add_rule(body: RuleIn, db: DbSession, principal: CurrentPrincipal) -> dict[str, int]:
    ensure_writable(db, principal, body.organisation_id)
    rule = InterlockRule(**body.model_dump())
    db.add(rule)
    db.flush()
    return {"id": rule.id}


@router.get("/commands")
def commands(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    query = select(InterlockCommand).order_by(InterlockCommand.id.desc()).limit(200)
    query = restrict(query, InterlockCommand.organisation_id, db, principal)
    return [
        {
            "id": c.id,
            "rule_id": c.rule_id,
            "alarm_id": c.alarm_id,
            "action": c.action,
            "device_code": c.device_code,
            "status": c.status,
            "sent_at": c.sent_at,
            "confirmed_at": c.confirmed_at,
        }
        for c in db.scalars(query)
    ]
