"""Coverage indicators over HTTP, and the records they count that the registry lacks
(social safety-service contracts, enforcement officers)."""

from __future__ import annotations

from fastapi import Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.clock import local_date
from hazwatch.district.coverage import service, views
from hazwatch.district.coverage.schemas import (
    ContractIn,
    ContractOut,
    FigureOut,
    OfficerIn,
    OfficerOut,
    OfficerPatch,
)

router = Router(prefix="/api/district/coverage", tags=["district"])


@router.get("", response_model=list[FigureOut])
def coverage(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[FigureOut]:
    """Each indicator per district and per department: numerator, denominator, rate, the
    target with its source, and the missing items (regulators)."""
    context = get_context(request)
    today = local_date(context.clock.now(), context.settings.timezone)
    found = service.visible_figures(db, principal, today, context.settings)
    return views.figure_outs(db, found, language_of(request))


@router.get("/contracts", response_model=list[ContractOut])
def list_contracts(db: DbSession, principal: CurrentPrincipal) -> list[ContractOut]:
    return views.contract_outs(db, service.list_contracts(db, principal))


@router.post("/contracts", status_code=201, response_model=ContractOut)
def add_contract(body: ContractIn, db: DbSession, principal: CurrentPrincipal) -> ContractOut:
    """An enterprise's social safety-service contract (measure 16)."""
    return views.contract_outs(db, [service.add_contract(db, principal, **body.model_dump())])[0]


@router.get("/officers", response_model=list[OfficerOut])
def list_officers(db: DbSession, principal: CurrentPrincipal) -> list[OfficerOut]:
    return views.officer_outs(db, service.list_officers(db, principal))


@router.post("/officers", status_code=201, response_model=OfficerOut)
def add_officer(body: OfficerIn, db: DbSession, principal: CurrentPrincipal) -> OfficerOut:
    """A department's enforcement officer, degree and years of practice (measure 19)."""
    return views.officer_outs(db, [service.add_officer(db, principal, **body.model_dump())])[0]


@router.patch("/officers/{officer_id}", response_model=OfficerOut)
def update_officer(
    officer_id: Id, body: OfficerPatch, db: DbSession, principal: CurrentPrincipal
) -> OfficerOut:
    """In post or not (one who left no longer counts)."""
    row = service.set_officer_active(db, principal, officer_id, body.active)
    return views.officer_outs(db, [row])[0]
