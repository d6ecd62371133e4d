"""Confined-space permits and gas tests over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.core.errors import InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible
from hazwatch.prevention import odh, service
from hazwatch.registry.models import Room

router = APIRouter(prefix="/api/permits", tags=["prevention"])


class PermitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    room_id: int
    number: str = Field(min_length=1, max_length=64)
    valid_from: datetime
    valid_until: datetime


class GasTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    permit_number: str = Field(min_length=1, max_length=64)
    o2_percent: Decimal = Field(ge=0, le=100)
    at: datetime | None = None


@router.post("", status_code=201)
def open_permit(body: PermitIn, db: DbSession, principal: EditorPrincipal) -> dict[str, Any]:
    permit = service.open_permit(db, principal, **body.model_dump())
    return {"id": permit.id, "number": permit.number}


@router.post("/gas-tests", status_code=201)
def record_gas_test(
    body: GasTestIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    at = body.at or get_context(request).clock.now()
    test = service.record_gas_test(
        db, principal, permit_number=body.permit_number, at=at, o2_percent=body.o2_percent
    )
    return {"id": test.id}


odh_router = APIRouter(prefix="/api/odh", tags=["prevention"])


@odh_router.get("/rooms/{room_id}")
def room_assessment(room_id: int, db: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    """The room's ODH assessment for its present inputs (recomputed when they change)."""
    room = db.get(Room, room_id)
    if room is None:
        raise NotFound("scope.not_found")
    ensure_visible(db, principal, room.organisation_id)
    assessment = odh.current(db, room)
    if assessment is None:
        raise InvalidInput("prevention.odh_not_assessable", field="room_id")
    return {
        "room_id": room.id,
        "odh_class": assessment.odh_class,
        "phi_per_hour": assessment.phi_per_hour,
        "computed_at": assessment.computed_at,
        "inputs": assessment.inputs,
        "events": assessment.events,
    }
