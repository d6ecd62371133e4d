"""Detector calibration over HTTP: records, and every detector's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.monitoring.calibration import service
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/calibration", tags=["calibration"])


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    point_id: Id
    kind: Literal["calibration", "bump_test"] = "calibration"
    passed: bool
    performed_by: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    at: Instant | None = None
    reference_gas: str = Field(default="", max_length=120, pattern=NO_NUL)
    certificate: str = Field(default="", max_length=120, pattern=NO_NUL)
    notes: str = Field(default="", max_length=2000, pattern=NO_NUL)


class DetectorOut(BaseModel):
    point_id: int
    code: str
    kind: str
    site_id: int
    room_id: int | None
    status: str
    uncalibrated: bool
    last_calibration: datetime | None
    last_bump_test: datetime | None
    due_at: datetime | None
    hidden_danger_id: int | None


class RecordOut(BaseModel):
    id: int
    point_id: int
    kind: str
    at: datetime
    passed: bool
    valid_until: datetime | None
    performed_by: str
    reference_gas: str
    certificate: str
    notes: str
    recorded_by: str


@router.post("/records", status_code=201)
def record(
    body: RecordIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """A calibration or bump test; one that leaves the detector uncalibrated opens its
    hidden danger (``hidden_danger_id``)."""
    context = get_context(request)
    moment = Moment.of(context)
    row = service.record(
        db,
        principal,
        point_id=body.point_id,
        kind=body.kind,
        at=body.at or moment.now,
        passed=body.passed,
        performed_by=body.performed_by,
        moment=moment,
        interval_months=context.settings.calibration_interval_months,
        reference_gas=body.reference_gas,
        certificate=body.certificate,
        notes=body.notes,
    )
    opened = service.hidden_danger_of(db, row.point_id)
    return {"id": row.id, "hidden_danger_id": opened.id if opened else None}


@router.get("/detectors", response_model=list[DetectorOut])
def detectors(
    request: Request, db: DbSession, principal: CurrentPrincipal, site_id: Id | None = None
) -> list[dict[str, Any]]:
    now = get_context(request).clock.now()
    out = []
    for point, status in service.detectors(db, principal, now, site_id):
        finding = service.hidden_danger_of(db, point.id)
        out.append(
            {
                "point_id": point.id,
                "code": point.code,
                "kind": point.kind,
                "site_id": point.site_id,
                "room_id": point.room_id,
                "status": status.status,
                "uncalibrated": status.uncalibrated,
                "last_calibration": status.last_calibration,
                "last_bump_test": status.last_bump_test,
                "due_at": status.due_at,
                "hidden_danger_id": finding.id if finding else None,
            }
        )
    return out


@router.get("/points/{point_id}/records", response_model=list[RecordOut])
def records(point_id: Id, db: DbSession, principal: CurrentPrincipal) -> list[Any]:
    return list(service.list_records(db, principal, point_id))
