"""Confined-space permits and gas tests over HTTP."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.prevention import service
from hazwatch.prevention.models import GasTest, WorkPermit
from hazwatch.prevention.schemas import GasTestIn, GasTestOut, GuardianIn, PermitIn, PermitOut

router = Router(prefix="/api/permits", tags=["prevention"])


def _test_out(test: GasTest) -> GasTestOut:
    out = GasTestOut.model_validate(test)
    if test.gas_lel_percent is not None:
        out.combustible_limit_percent = service.combustible_limit(test.gas_lel_percent)
    return out


def _out(session: Session, permit: WorkPermit, request: Request) -> PermitOut:
    context = get_context(request)
    now = context.clock.now()
    max_age = timedelta(minutes=context.settings.gas_test_max_age_minutes)
    test = service.latest_gas_test(session, permit.id)
    valid = not permit.closed and permit.valid_from <= now < permit.valid_until
    clearance = service.permit_clearance(session, permit, now, max_age) if valid else None
    return PermitOut(
        id=permit.id,
        organisation_id=permit.organisation_id,
        room_id=permit.room_id,
        kind=permit.kind,
        number=permit.number,
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        issued_by=permit.issued_by,
        closed=permit.closed,
        applicant=permit.applicant,
        isolations=list(permit.isolations or []),
        approved_by=permit.approved_by,
        approved_at=permit.approved_at,
        guardian=permit.guardian,
        guardian_present=permit.guardian_present,
        latest_gas_test=_test_out(test) if test else None,
        clears_entry=clearance is not None and clearance.cleared,
        reason=clearance.reason if clearance else "access.reason.no_permit",
    )


@router.post("", status_code=201, response_model=PermitOut)
def open_permit(
    body: PermitIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> PermitOut:
    now = get_context(request).clock.now()
    return _out(db, service.open_permit(db, principal, now=now, **body.model_dump()), request)


@router.get("", response_model=list[PermitOut])
def list_permits(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    room_id: Id | None = None,
    open_only: bool = False,
) -> list[PermitOut]:
    permits = service.list_permits(db, principal, room_id=room_id, open_only=open_only)
    return [_out(db, permit, request) for permit in permits]


@router.get("/{permit_id}", response_model=PermitOut)
def get_permit(
    permit_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> PermitOut:
    return _out(db, service.get_permit(db, principal, permit_id), request)


@router.post("/{permit_id}/approve", response_model=PermitOut)
def approve_permit(
    permit_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> PermitOut:
    """Approval by someone other than the applicant and whoever recorded the permit."""
    now = get_context(request).clock.now()
    return _out(db, service.approve_permit(db, principal, permit_id, now), request)


@router.post("/{permit_id}/guardian", response_model=PermitOut)
def confirm_guardian(
    permit_id: Id, body: GuardianIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> PermitOut:
    """The guardian (the fire watcher for hot work) confirmed on site, or gone."""
    permit = service.confirm_guardian(
        db, principal, permit_id, guardian=body.guardian, present=body.present
    )
    return _out(db, permit, request)


@router.post("/{permit_id}/close", response_model=PermitOut)
def close_permit(
    permit_id: Id, request: Request, db: DbSession, principal: EditorPrincipal
) -> PermitOut:
    return _out(db, service.close_permit(db, principal, permit_id), request)


@router.post("/{permit_id}/gas-tests", status_code=201, response_model=GasTestOut)
def record_gas_test(
    permit_id: Id, body: GasTestIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> GasTestOut:
    fields = body.model_dump()
    fields["at"] = body.at or get_context(request).clock.now()
    test = service.record_gas_test(db, principal, permit_id=permit_id, **fields)
    return _test_out(test)
