"""Escalation configuration, the notification log, and the console's live stream (SSE)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hazwatch.api.inputs import NO_NUL, Id, Router, Text32, up_to
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession
from hazwatch.core.auth.roles import Role
from hazwatch.core.errors import Forbidden, InvalidInput
from hazwatch.core.scope import restrict, visible_organisations
from hazwatch.monitoring.escalation.channels import CHANNELS
from hazwatch.monitoring.escalation.models import (
    ALARM,
    Contact,
    EscalationStep,
    Notification,
)
from hazwatch.monitoring.escalation.service import TARGETS
from hazwatch.monitoring.service import ensure_writable
from hazwatch.registry.scope import jurisdiction_subtree

router = Router(prefix="/api/escalation", tags=["escalation"])
live_router = Router(prefix="/api/live", tags=["live"])
_CHANNEL = "^(" + "|".join(CHANNELS) + ")$"
_TARGET = "^(" + "|".join(TARGETS) + ")$"


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    role: str = Field(pattern=r"^(duty_officer|safety_manager|principal)$")
    name: str = Field(default="", max_length=80, pattern=NO_NUL)
    channel: str = Field(pattern=_CHANNEL)
    address: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    secret: str | None = Field(default=None, max_length=200, pattern=NO_NUL)


class StepIn(BaseModel):
    """A step of an organisation's ladder, or (regulators) of a jurisdiction's default."""

    model_config = ConfigDict(extra="forbid")
    organisation_id: Id | None = None
    jurisdiction_id: Id | None = None
    priority: str | None = Field(default=None, pattern=r"^(urgent|high|medium|low)$")
    after_minutes: int = Field(ge=0, le=1440)
    target: str = Field(pattern=_TARGET)
    channels: list[Annotated[str, Field(pattern=_CHANNEL)]] = Field(default_factory=list)


@router.post("/contacts", status_code=201)
def add_contact(body: ContactIn, db: DbSession, principal: CurrentPrincipal) -> dict[str, int]:
    ensure_writable(db, principal, body.organisation_id)
    contact = Contact(**body.model_dump())
    db.add(contact)
    db.flush()
    return {"id": contact.id}


@router.post("/steps", status_code=201)
def add_step(body: StepIn, db: DbSession, principal: CurrentPrincipal) -> dict[str, int]:
    if (body.organisation_id is None) == (body.jurisdiction_id is None):
        raise InvalidInput("escalation.step_owner", field="organisation_id")
    if body.organisation_id is not None:
        ensure_writable(db, principal, body.organisation_id)
    elif not principal.is_platform_admin and (
        principal.role is not Role.REGULATOR
        or principal.jurisdiction_id is None
        or body.jurisdiction_id not in jurisdiction_subtree(db, principal.jurisdiction_id)
    ):
        raise Forbidden("registry.not_your_jurisdiction")
    step = EscalationStep(**body.model_dump())
    db.add(step)
    db.flush()
    return {"id": step.id}


@router.get("/steps")
def list_steps(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    query = select(EscalationStep).order_by(
        EscalationStep.organisation_id, EscalationStep.after_minutes
    )
    query = restrict(query, EscalationStep.organisation_id, db, principal)
    return [
        {
            "id": s.id,
            "organisation_id": s.organisation_id,
            "jurisdiction_id": s.jurisdiction_id,
            "priority": s.priority,
            "after_minutes": s.after_minutes,
            "target": s.target,
            "channels": s.channels,
        }
        for s in db.scalars(query)
    ]


@router.get("/notifications")
def notifications(
    db: DbSession,
    principal: CurrentPrincipal,
    alarm_id: Id | None = None,
    subject_type: Text32 | None = None,
    subject_id: Id | None = None,
    limit: Annotated[int, up_to(2000)] = 200,
) -> list[dict[str, Any]]:
    """Every attempt to reach someone, with its outcome: about an alarm (``alarm_id``) or
    any escalated subject (``subject_type`` and ``subject_id``, e.g. ``hazard_finding``)."""
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    query = restrict(query, Notification.organisation_id, db, principal)
    if alarm_id is not None:
        subject_type, subject_id = ALARM, alarm_id
    if subject_type is not None:
        query = query.where(Notification.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(Notification.subject_id == subject_id)
    return [
        {
            "id": n.id,
            "alarm_id": n.alarm_id,
            "subject_type": n.subject_type,
            "subject_id": n.subject_id,
            "step": n.step,
            "round": n.round,
            "target": n.target,
            "channel": n.channel,
            "status": n.status,
            "attempts": n.attempts,
            "created_at": n.created_at,
            "sent_at": n.sent_at,
            "last_error": n.last_error,
            "subject": n.subject,
        }
        for n in db.scalars(query)
    ]


@live_router.get("/events")
async def live_events(
    request: Request, principal: CurrentPrincipal, db: DbSession
) -> StreamingResponse:
    """Server-sent events: alarm changes and point updates the caller may see."""
    hub = request.app.state.runtime.hub
    subscriber = hub.subscribe(visible_organisations(db, principal))

    async def stream() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            while not await request.is_disconnected():
                try:
                    body = await asyncio.wait_for(subscriber.queue.get(), timeout=15)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: {body.get('type', 'message')}\ndata: {json.dumps(body)}\n\n"
        finally:
            hub.unsubscribe(subscriber)

    return StreamingResponse(stream(), media_type="text/event-stream")
