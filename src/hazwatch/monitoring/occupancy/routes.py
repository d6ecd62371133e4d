"""Who is inside over HTTP: exits from door readers, manual check-outs, muster lists."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.core.errors import NotFound
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.access.routes import Caller, authenticate_caller
from hazwatch.monitoring.occupancy import service
from hazwatch.registry.models import Room
from hazwatch.registry.scope import Tenancy

router = Router(prefix="/api/occupancy", tags=["occupancy"])


class ExitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    door: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    person: str = Field(min_length=1, max_length=80, pattern=NO_NUL)


class CheckOutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site_id: Id
    person: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    room_ids: list[Id] = Field(default_factory=list, max_length=200)
    reason: str = Field(min_length=2, max_length=500, pattern=NO_NUL)
    at: Instant | None = None


class OccupantOut(BaseModel):
    person: str
    organisation_id: int | None
    site_id: int
    entered_at: datetime
    door: str
    room_ids: list[int]
    check_due: bool


def max_stay(request: Request) -> timedelta:
    return timedelta(minutes=get_context(request).settings.occupancy_max_stay_minutes)


@router.post("/exits", status_code=201)
async def reader_exit(
    body: ExitIn, request: Request, caller: Annotated[Caller, Depends(authenticate_caller)]
) -> dict[str, Any]:
    """A door reader reports that a person went out through its door (the door's reader
    device, or a user who sees the door)."""
    context = get_context(request)
    fast: access.FastAccess = request.app.state.runtime.access
    door = await asyncio.to_thread(fast.door, body.door)
    if door is None or not caller.may_ask(door):
        raise NotFound("access.unknown_door", field="door", door=body.door)

    def write() -> int:
        with context.unit_of_work() as session:
            row = service.record_exit(
                session,
                door_id=door.id,
                person=body.person,
                at=context.clock.now(),
                recorded_by=f"device:{caller.device_id}" if caller.device_id else "",
            )
            return row.id

    return {"id": await asyncio.to_thread(write)}


@router.post("/check-outs", status_code=201)
def check_out(
    body: CheckOutIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """Someone confirmed that the person is out (of the rooms named, else of the site)."""
    now = get_context(request).clock.now()
    row = service.check_out(
        db,
        principal,
        site_id=body.site_id,
        person=body.person,
        at=body.at or now,
        now=now,
        reason=body.reason,
        room_ids=body.room_ids,
    )
    return {"id": row.id}


@router.get("/sites/{site_id}", response_model=list[OccupantOut])
def muster(
    site_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[service.Occupant]:
    """The site's muster list: who is inside which rooms, since when, and whose stay is
    long enough to ask about (``check_due``)."""
    now = get_context(request).clock.now()
    return service.muster(db, principal, site_id, now, max_stay(request))


@router.get("/rooms/{room_id}", response_model=list[OccupantOut])
def room(
    room_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[service.Occupant]:
    room = db.get(Room, room_id)
    if room is None or not Tenancy(db, principal).may_see(room.organisation_id):
        raise NotFound("scope.not_found", field="room_id", id=room_id)
    now = get_context(request).clock.now()
    return service.room_occupants(db, room_id, now, max_stay(request))
