"""``POST /api/access/check`` for door readers, and the access log.

Reader contract: a reader asks before opening and opens only on ``"decision": "allow"``.
No answer within its own timeout means deny; the server answers ``deny`` with reason
``access.reason.timeout`` itself when the check overruns ``access_deadline_ms``, so a slow
database can never turn into an open door. Readers authenticate with their device token,
which the engine (or the access service, ``monitoring.access.fleet``) checks in memory; a
check that needs only the present is answered on the event loop when the checker holds it
in memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Code, Id, Instant, Router, Text80, up_to
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.context import Context
from hazwatch.core.errors import NotFound, Unauthenticated
from hazwatch.core.scope import restrict, visible_organisations
from hazwatch.monitoring.access import service
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.access.schemas import (
    AccessAnswer,
    AccessDecisionOut,
    AccessRequest,
    Reason,
)
from hazwatch.registry.models import DoorGuard

router = Router(prefix="/api/access", tags=["access"])
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Caller:
    """Who asks: a door reader (its device token) or a logged-in user, with the
    organisations that user sees (None: every one)."""

    device_id: int | None = None
    visible: frozenset[int] | None = None

    def may_ask(self, door: service.DoorLayout | None) -> bool:
        """A reader asks for its own door; a user for a door it may see."""
        if door is None:
            return False
        if self.device_id is not None:
            return door.reader_device_id == self.device_id
        return self.visible is None or door.organisation_id in self.visible


async def authenticate_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """A door reader (device token) or a logged-in user may ask."""
    if credentials is None:
        raise Unauthenticated("auth.missing_credentials")
    secret = credentials.credentials
    checker: service.DoorChecker = request.app.state.access
    if checker.in_memory:
        device_id = checker.reader(secret)
    else:
        device_id = await asyncio.to_thread(checker.reader, secret)
    if device_id is not None:
        return Caller(device_id=device_id)
    return await asyncio.to_thread(_user_caller, get_context(request), secret)


def _user_caller(context: Context, secret: str) -> Caller:
    with context.sessions() as session:
        principal = auth.resolve_token(session, secret, now=context.clock.now())
        visible = visible_organisations(session, principal)
        session.commit()
    return Caller(visible=visible)


def answer(decision: service.Decision, language: str, at: datetime) -> AccessAnswer:
    return AccessAnswer(
        decision="allow" if decision.allowed else "deny",
        door=decision.door_code,
        person=decision.person,
        purpose=decision.purpose,
        reasons=[
            Reason(
                code=r["code"],
                message=service.describe(r, language),
                room_id=r.get("room_id"),
                room=r.get("room"),
                params=r["params"],
            )
            for r in decision.reasons
        ],
        checked_at=at,
    )


@router.post("/check", response_model=AccessAnswer)
async def check(
    body: AccessRequest,
    request: Request,
    caller: Annotated[Caller, Depends(authenticate_caller)],
) -> AccessAnswer:
    """Unknown doors, and doors the caller may not ask about, answer 404 and are not
    logged: a probe must neither learn another organisation's rooms nor fill its log."""
    context = get_context(request)
    checker: service.DoorChecker = request.app.state.access
    if checker.in_memory:
        door = checker.door(body.door)
    else:
        door = await asyncio.to_thread(checker.door, body.door)
    if not caller.may_ask(door):
        raise NotFound("access.unknown_door", field="door", door=body.door)
    assert door is not None  # may_ask refuses an unknown door
    now = context.clock.now()
    policy = service.AccessPolicy.from_settings(context.settings)
    if checker.in_memory and not door.needs_database(body.purpose):
        decision = checker.check(
            door_code=body.door, person=body.person, purpose=body.purpose, now=now, policy=policy
        )
        return answer(decision, language_of(request), now)
    try:
        decision = await asyncio.wait_for(
            asyncio.to_thread(
                checker.check,
                door_code=body.door,
                person=body.person,
                purpose=body.purpose,
                now=now,
                policy=policy,
            ),
            timeout=context.settings.access_deadline_ms / 1000,
        )
    except TimeoutError:
        decision = service.denied(door, body.door, body.person, body.purpose, "timeout")
        checker.sink([service.decision_row(decision, now)])
    return answer(decision, language_of(request), now)


@router.get("/decisions", response_model=list[AccessDecisionOut])
def decisions(
    db: DbSession,
    principal: CurrentPrincipal,
    door: Code | None = None,
    person: Text80 | None = None,
    room_id: Id | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
    limit: Annotated[int, up_to(2000)] = 200,
) -> list[Any]:
    """The access log, newest first. ``room_id`` finds decisions at the doors guarding the
    room that covered it when they were taken."""
    query = select(AccessDecision).order_by(AccessDecision.id.desc()).limit(limit)
    query = restrict(query, AccessDecision.organisation_id, db, principal)
    if door:
        query = query.where(AccessDecision.door_code == door)
    if person:
        query = query.where(AccessDecision.person == person)
    if since:
        query = query.where(AccessDecision.at >= since)
    if until:
        query = query.where(AccessDecision.at < until)
    if room_id is None:
        return list(db.scalars(query))
    guarding = select(DoorGuard.door_id).where(DoorGuard.room_id == room_id)
    rows = db.scalars(query.where(AccessDecision.door_id.in_(guarding)))
    return [row for row in rows if room_id in row.room_ids]
