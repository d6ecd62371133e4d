"""Supervision over HTTP: responsibility matrices, sectors, who supervises whom, and the
blind-spot worklist."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import File, Request, UploadFile

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Instant, Router, up_to
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.clock import local_date
from hazwatch.registry import service as registry
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import dispatch, incidents, responsibility, views
from hazwatch.supervision.choices import DispatchState
from hazwatch.supervision.schemas import (
    AssignIn,
    CasualtyIn,
    DispatchOut,
    DutyLogIn,
    DutyLogOut,
    ExtensionIn,
    IncidentIn,
    IncidentOut,
    IncidentReportIn,
    MatrixIn,
    MatrixOut,
    ResolutionOut,
    RosterOut,
    SectorIn,
    ShiftIn,
    ShiftOut,
    VerifyIn,
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


# -- incidents (Order 493) --------------------------------------------------------------------


def _incident(
    incident_id: int, request: Request, db: DbSession, principal: CurrentPrincipal
) -> IncidentOut:
    now = get_context(request).clock.now()
    found = incidents.get(db, principal, incident_id)
    return views.incident_out(db, found, now, language_of(request))


@router.get("/incidents", response_model=list[IncidentOut])
def list_incidents(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[IncidentOut]:
    """Incidents of the caller's area, newest first, with their reporting chains."""
    now = get_context(request).clock.now()
    return [
        views.incident_out(db, i, now, language_of(request))
        for i in incidents.list_incidents(db, principal)
    ]


@router.post("/incidents", status_code=201, response_model=IncidentOut)
def record_incident(
    body: IncidentIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> IncidentOut:
    """Record an accident; its grade is computed from the figures (Order 493 Art. 3)."""
    now = get_context(request).clock.now()
    found = incidents.record(db, principal, now, **body.model_dump())
    return views.incident_out(db, found, now, language_of(request))


@router.get("/incidents/{incident_id}", response_model=IncidentOut)
def incident(
    incident_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> IncidentOut:
    return _incident(incident_id, request, db, principal)


@router.post("/incidents/{incident_id}/reports", response_model=IncidentOut)
def report_incident(
    incident_id: Id,
    body: IncidentReportIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> IncidentOut:
    """The report reached one level of the chain (1 h to the county, ≤ 2 h per level up)."""
    now = get_context(request).clock.now()
    incidents.report(db, principal, now, incident_id, **body.model_dump())
    return _incident(incident_id, request, db, principal)


@router.post("/incidents/{incident_id}/casualties", response_model=IncidentOut)
def change_casualties(
    incident_id: Id,
    body: CasualtyIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> IncidentOut:
    """New figures within 30 days (7 for road traffic and fire); the grade follows them."""
    now = get_context(request).clock.now()
    incidents.change_casualties(db, principal, now, incident_id, **body.model_dump())
    return _incident(incident_id, request, db, principal)


@router.post("/incidents/{incident_id}/extension", response_model=IncidentOut)
def extend_investigation(
    incident_id: Id,
    body: ExtensionIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> IncidentOut:
    """An approved extension of the investigation (at most 60 days, Art. 29)."""
    incidents.extend_investigation(db, principal, incident_id, **body.model_dump())
    return _incident(incident_id, request, db, principal)


# -- dispatch for on-site verification (派单核查) ----------------------------------------------


def _dispatch(
    order_id: int, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DispatchOut:
    now = get_context(request).clock.now()
    found = dispatch.get(db, principal, order_id)
    return views.dispatch_out(db, found, now, language_of(request))


@router.get("/dispatches", response_model=list[DispatchOut])
def list_dispatches(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    state: DispatchState | None = None,
) -> list[DispatchOut]:
    """Work orders of the caller's area, newest first."""
    now = get_context(request).clock.now()
    return [
        views.dispatch_out(db, o, now, language_of(request))
        for o in dispatch.list_orders(db, principal, state)
    ]


@router.post("/dispatches/scan", response_model=list[DispatchOut])
def scan_dispatches(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[DispatchOut]:
    """Dispatch the warnings above the configured level now (the engine tick does it too);
    answers the orders of the caller's area that are open."""
    responsibility.ensure_regulator(principal)
    context = get_context(request)
    now = context.clock.now()
    dispatch.scan(db, now, context.settings)
    dispatch.tick(db, now, context.settings)
    shown = dispatch.list_orders(db, principal)
    return [
        views.dispatch_out(db, o, now, language_of(request))
        for o in shown
        if o.state != DispatchState.CLOSED
    ]


@router.get("/dispatches/{dispatch_id}", response_model=DispatchOut)
def get_dispatch(
    dispatch_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DispatchOut:
    return _dispatch(dispatch_id, request, db, principal)


@router.post("/dispatches/{dispatch_id}/accept", response_model=DispatchOut)
def accept_dispatch(
    dispatch_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DispatchOut:
    dispatch.accept(db, principal, get_context(request).clock.now(), dispatch_id)
    return _dispatch(dispatch_id, request, db, principal)


@router.post("/dispatches/{dispatch_id}/verify", response_model=DispatchOut)
def verify_dispatch(
    dispatch_id: Id,
    body: VerifyIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> DispatchOut:
    """The on-site verification: notes and outcome (a confirmed danger may open a hidden
    danger in the enterprise's ledger)."""
    context = get_context(request)
    dispatch.verify(
        db,
        principal,
        context.clock.now(),
        context.settings,
        dispatch_id,
        dispatch.Verification(**body.model_dump()),
    )
    return _dispatch(dispatch_id, request, db, principal)


@router.post("/dispatches/{dispatch_id}/close", response_model=DispatchOut)
def close_dispatch(
    dispatch_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DispatchOut:
    """Close (only after the verification's outcome is recorded)."""
    dispatch.close(db, principal, get_context(request).clock.now(), dispatch_id)
    return _dispatch(dispatch_id, request, db, principal)


@router.post("/dispatches/{dispatch_id}/attachments", status_code=201, response_model=DispatchOut)
def attach_to_dispatch(
    dispatch_id: Id,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
) -> DispatchOut:
    """A photo from the site (JPEG, PNG, WebP) or a document."""
    context = get_context(request)
    data = file.file.read(context.settings.attachment_max_bytes + 1)
    dispatch.attach(
        db,
        principal,
        context.clock.now(),
        context.settings,
        dispatch_id,
        filename=file.filename or "",
        data=data,
    )
    return _dispatch(dispatch_id, request, db, principal)


@router.post("/duty/shifts", status_code=201, response_model=ShiftOut)
def add_shift(body: ShiftIn, db: DbSession, principal: CurrentPrincipal) -> ShiftOut:
    """A shift on the department's 24-hour duty roster (the caller's own department)."""
    return ShiftOut.model_validate(dispatch.add_shift(db, principal, **body.model_dump()))


@router.get("/duty/roster", response_model=RosterOut)
def duty_roster(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    department_id: Id,
    start: Instant | None = None,
    hours: Annotated[int, up_to(24 * 31)] = 24,
) -> RosterOut:
    """Shifts and the gaps with nobody on duty over ``hours`` from ``start`` (default now)."""
    now = get_context(request).clock.now()
    begin = start or now
    shifts, gaps = dispatch.roster(
        db, principal, department_id, begin, begin + timedelta(hours=hours)
    )
    current = dispatch.on_duty(db, department_id, now)
    return RosterOut(
        shifts=[ShiftOut.model_validate(s) for s in shifts],
        gaps=gaps,
        on_duty=ShiftOut.model_validate(current) if current else None,
    )


@router.post("/duty/log", status_code=201, response_model=DutyLogOut)
def write_duty_log(
    body: DutyLogIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DutyLogOut:
    """A duty-log line, or the shift handover (naming the next officer on the roster)."""
    entry = dispatch.log(db, principal, get_context(request).clock.now(), **body.model_dump())
    return DutyLogOut.model_validate(entry)


@router.get("/duty/log", response_model=list[DutyLogOut])
def read_duty_log(
    db: DbSession, principal: CurrentPrincipal, department_id: Id
) -> list[DutyLogOut]:
    return [DutyLogOut.model_validate(e) for e in dispatch.duty_log(db, principal, department_id)]
