"""Supervision over HTTP: responsibility matrices, sectors, who supervises whom, and the
blind-spot worklist."""

from __future__ import annotations

from fastapi import Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.clock import local_date
from hazwatch.registry import service as registry
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import responsibility, views
from hazwatch.supervision.schemas import (
    AssignIn,
    MatrixIn,
    MatrixOut,
    ResolutionOut,
    SectorIn,
)

router = Router(prefix="/api/supervision", tags=["supervision"])


@router.get("/matrices", response_model=list[MatrixOut])
def list_matrices(
    request: Request, db: DbSession, principal: CurrentPrincipal, jurisdiction_id: Id | None = None
) -> list[MatrixOut]:
    """Responsibility matrices the caller reads, newest version first per jurisdiction."""
    found = responsibility.list_matrices(db, principal, jurisdiction_id)
    return [views.matrix_out(db, m, language_of(request)) for m in found]


@router.get("/matrices/{matrix_id}", response_model=MatrixOut)
def get_matrix(
    matrix_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> MatrixOut:
    matrix = responsibility.get_matrix(db, principal, matrix_id)
    return views.matrix_out(db, matrix, language_of(request))


@router.post("/matrices", status_code=201, response_model=MatrixOut)
def create_matrix(
    body: MatrixIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> MatrixOut:
    """The next version of a jurisdiction's matrix (stage × sector → department)."""
    matrix = responsibility.create_matrix(
        db,
        principal,
        get_context(request).clock.now(),
        body.jurisdiction_id,
        [responsibility.RuleIn(r.stage, r.sector, r.department_id) for r in body.rules],
        basis=body.basis,
        note=body.note,
    )
    return views.matrix_out(db, matrix, language_of(request))


@router.put("/sectors/{organisation_id}", response_model=ResolutionOut)
def classify(
    organisation_id: Id,
    body: SectorIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ResolutionOut:
    """A regulator classifies an organisation's sector; answers who now supervises it."""
    responsibility.classify(
        db, principal, get_context(request).clock.now(), organisation_id, body.sector
    )
    return _resolution(organisation_id, request, db, principal)


@router.get("/organisations/{organisation_id}/supervisors", response_model=ResolutionOut)
def supervisors(
    organisation_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ResolutionOut:
    """The departments supervising an organisation (by assignment, by the matrix), else its
    fallback owner."""
    return _resolution(organisation_id, request, db, principal)


def _resolution(
    organisation_id: int, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ResolutionOut:
    context = get_context(request)
    today = local_date(context.clock.now(), context.settings.timezone)
    found = responsibility.resolve(db, principal, organisation_id, today)
    return views.resolution_outs(db, [found], language_of(request))[0]


@router.get("/blind-spots", response_model=list[ResolutionOut])
def blind_spots(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[ResolutionOut]:
    """The worklist: organisations of the caller's area no department supervises, owned by
    the fallback department; those handling hazardous chemicals first."""
    context = get_context(request)
    today = local_date(context.clock.now(), context.settings.timezone)
    found = responsibility.blind_spots(db, principal, today)
    return views.resolution_outs(db, found, language_of(request))


@router.post("/blind-spots/{organisation_id}/assign", response_model=ResolutionOut)
def assign(
    organisation_id: Id,
    body: AssignIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ResolutionOut:
    """Work a blind spot off the list: assign a department for a stage (a registry
    supervision assignment, audited)."""
    registry.create_object(
        db,
        principal,
        RESOURCES["supervision-assignments"],
        {
            "department_id": body.department_id,
            "organisation_id": organisation_id,
            "stage": body.stage,
            "basis": body.basis,
        },
    )
    return _resolution(organisation_id, request, db, principal)
