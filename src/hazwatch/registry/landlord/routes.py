"""Landlord duties over HTTP: tenants at a glance, inspections planned and recorded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant, Router, chars
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.landlord import service

router = Router(prefix="/api/landlord", tags=["landlord"])


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    landlord_id: Id
    tenant_id: Id
    planned_for: Instant


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inspector: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    notes: str = Field(default="", max_length=4000, pattern=NO_NUL)
    findings: list[Annotated[str, chars(500)]] = Field(default_factory=list, max_length=50)
    done_at: Instant | None = None


def _out(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "landlord_id": row.landlord_id,
        "tenant_id": row.tenant_id,
        "planned_for": row.planned_for,
        "done_at": row.done_at,
        "inspector": row.inspector,
        "notes": row.notes,
        "hidden_danger_ids": list(row.hidden_danger_ids or []),
    }


@router.post("/inspections", status_code=201)
def plan(body: PlanIn, request: Request, db: DbSession, principal: CurrentPrincipal) -> Any:
    """Plan an inspection of a tenant down the lease chain (for a time to come). Landlord
    accounts write here (for their own organisation, as the tenancy rule allows)."""
    moment = Moment.of(get_context(request))
    return _out(service.plan(db, principal, moment, **body.model_dump()))


@router.post("/inspections/{inspection_id}/record")
def record(
    inspection_id: Id,
    body: RecordIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> Any:
    """Record the inspection; each finding opens a hidden danger of the tenant."""
    moment = Moment.of(get_context(request))
    return _out(service.record(db, principal, moment, inspection_id, **body.model_dump()))


@router.get("/inspections")
def inspections(db: DbSession, principal: CurrentPrincipal) -> list[Any]:
    return [_out(row) for row in service.list_inspections(db, principal)]


@router.get("/{landlord_id}/tenants")
def tenants(
    landlord_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[Any]:
    """Each tenant down the chain: open hidden dangers (major ones), last inspection, the
    next planned and whether it is overdue."""
    now = get_context(request).clock.now()
    return [vars(t) for t in service.tenants(db, principal, landlord_id, now)]
