"""Interlock rules and the commands they sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hazwatch.api.inputs import Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession
from hazwatch.core.scope import restrict
from hazwatch.monitoring.interlocks import service
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.schemas import RuleIn

router = Router(prefix="/api/interlocks", tags=["interlocks"])


@router.post("/rules", status_code=201)
def add_rule(body: RuleIn, db: DbSession, principal: CurrentPrincipal) -> dict[str, int]:
    return {"id": service.create_rule(db, principal, body).id}


@router.get("/rules")
def rules(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    query = select(InterlockRule).order_by(InterlockRule.id)
    query = restrict(query, InterlockRule.organisation_id, db, principal)
    return [
        {
            "id": r.id,
            "organisation_id": r.organisation_id,
            "site_id": r.site_id,
            "room_id": r.room_id,
            "point_id": r.point_id,
            "conditions": r.conditions,
            "action": r.action,
            "device_code": r.device_code,
            "command": r.command,
            "timeout_s": r.timeout_s,
            "enabled": r.enabled,
        }
        for r in db.scalars(query)
    ]


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
