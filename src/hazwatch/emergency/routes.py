"""SCBA sets and checks over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Code, Id, Instant, QrKind, Router
from hazwatch.core import qr
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.emergency import service
from hazwatch.emergency.service import hidden_danger_of
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/emergency", tags=["emergency"])


class ScbaSetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    site_id: Id | None = None
    code: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    holder: str = Field(default="", max_length=80, pattern=NO_NUL)
    rated_pressure_mpa: Decimal = Field(default=Decimal(30), gt=0, le=60)
    minimum_pressure_mpa: Decimal | None = Field(default=None, gt=0, le=60)


class ScbaCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    set_code: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    cylinder_pressure_mpa: Decimal = Field(ge=0, le=100)
    mask_ok: bool = True
    alarm_whistle_ok: bool = True
    at: Instant | None = None


@router.post("/scba", status_code=201)
def create_set(
    body: ScbaSetIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    fields = body.model_dump()
    if fields["minimum_pressure_mpa"] is None:
        fields["minimum_pressure_mpa"] = get_context(request).settings.scba_minimum_pressure_mpa
    scba = service.create_set(db, principal, **fields)
    return {"id": scba.id, "code": scba.code}


@router.get("/scba")
def list_sets(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    now = get_context(request).clock.now()
    out = []
    for scba in service.list_sets(db, principal):
        readiness = service.set_readiness(db, scba, now)
        out.append(
            {
                "id": scba.id,
                "code": scba.code,
                "holder": scba.holder,
                "ready": readiness.ready,
                "reason": readiness.reason,
                "pressure_mpa": readiness.pressure_mpa,
            }
        )
    return out


@router.post("/scba/checks", status_code=201)
def record_check(
    body: ScbaCheckIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    context = get_context(request)
    check = service.record_check(
        db,
        principal,
        set_code=body.set_code,
        at=body.at or context.clock.now(),
        cylinder_pressure_mpa=body.cylinder_pressure_mpa,
        mask_ok=body.mask_ok,
        alarm_whistle_ok=body.alarm_whistle_ok,
        moment=Moment.of(context),
    )
    opened = hidden_danger_of(db, check.set_id)
    return {"id": check.id, "hidden_danger_id": opened.id if opened else None}


@router.get("/scba/{code}/checks")
def list_checks(code: Code, db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The set's check history, newest first (who checked it, when, at what pressure)."""
    return [
        {
            "id": check.id,
            "at": check.at,
            "checked_by": check.checked_by,
            "cylinder_pressure_mpa": check.cylinder_pressure_mpa,
            "mask_ok": check.mask_ok,
            "alarm_whistle_ok": check.alarm_whistle_ok,
        }
        for check in service.list_checks(db, principal, code)
    ]


@router.get("/scba/{code}/qr.{kind}")
def scba_qr(
    code: Code, kind: QrKind, request: Request, db: DbSession, principal: CurrentPrincipal
) -> Response:
    """The set's QR code (``svg`` or ``png``): it opens the set's check form on a phone."""
    service.get_set(db, principal, code)
    url = qr.console_url(get_context(request).settings, str(request.base_url), f"/scba/{code}")
    return qr.response(url, kind)
