"""Confined-space permits and gas tests over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.core.auth.deps import DbSession, EditorPrincipal, get_context
from hazwatch.prevention import service

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
