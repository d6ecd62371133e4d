"""ODH assessments and room safeguards: scoped reads and writes; never commits.

:func:`reassess` is what every path calls (the change hook, the CLI, the API): it stores a
new assessment only when the room's inputs changed, and marks the latest one stale when the
room can no longer be assessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, visible_organisations
from hazwatch.prevention.odh.assessment import evaluate, gather
from hazwatch.prevention.odh.choices import DEFAULTS, AssessmentTrigger, SafeguardKind
from hazwatch.prevention.odh.models import OdhAssessment, OdhSafeguard
from hazwatch.prevention.odh.schemas import SafeguardIn, SafeguardPatch
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.models import HazardSource, Room
from hazwatch.registry.scope import writable_organisations


def latest(session: Session, room_id: int) -> OdhAssessment | None:
    return session.scalar(
        select(OdhAssessment)
        .where(OdhAssessment.room_id == room_id)
        .order_by(OdhAssessment.id.desc())
        .limit(1)
    )


def reassess(
    session: Session, room: Room, trigger: AssessmentTrigger, now: datetime | None = None
) -> OdhAssessment | None:
    """The room's assessment for its present inputs; a new row only if they changed.

    ``now`` defaults to the wall clock because the change hook runs inside any unit of work,
    where no context clock is at hand; callers that have one pass it.
    """
    inputs = gather(session, room)
    previous = latest(session, room.id)
    if inputs.values is None:
        if previous is not None and not previous.stale:
            previous.stale = True
        return None
    if previous is not None and not previous.stale and previous.inputs == inputs.values:
        return previous
    outcome = evaluate(inputs.values)
    assessment = OdhAssessment(
        room_id=room.id,
        organisation_id=room.organisation_id,
        computed_at=now or utcnow(),
        trigger=trigger.value,
        inputs=inputs.values,
        result=outcome.result,
        phi_per_hour=outcome.phi_per_hour,
        odh_class=outcome.odh_class,
    )
    session.add(assessment)
    session.flush()
    return assessment


def _room(session: Session, principal: Principal, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound("scope.not_found")
    ensure_visible(session, principal, room.organisation_id)
    return room


def _ensure_writable(session: Session, principal: Principal, organisation_id: int) -> None:
    """Only editors of the room's own organisation (or its regulators) change its safeguards."""
    writable = writable_organisations(session, principal)
    if not principal.can_edit or (writable is not None and organisation_id not in writable):
        raise Forbidden("odh.not_your_room")


def room_name(session: Session, room_id: int) -> str:
    room = session.get(Room, room_id)
    return room.name if room is not None else str(room_id)


def with_inert_gas(session: Session, room_ids: Sequence[int]) -> set[int]:
    """Which of these rooms have an inert-gas source (one light query, for room cards)."""
    return set(
        session.scalars(
            select(HazardSource.room_id).where(
                HazardSource.kind == HazardKind.INERT_GAS.value, HazardSource.room_id.in_(room_ids)
            )
        )
    )


def inert_gas_room_ids(session: Session) -> list[int]:
    """Every room with an inert-gas source (for batch reassessment by the operator)."""
    return [room.id for room in inert_gas_rooms(session, None)]


def room_assessment(session: Session, principal: Principal, room_id: int) -> OdhAssessment:
    """The stored current assessment of a visible room."""
    room = _room(session, principal, room_id)
    current = latest(session, room.id)
    if current is None or current.stale:
        raise InvalidInput(gather(session, room).reason or "odh.not_assessable", field="room_id")
    return current


def assess(session: Session, principal: Principal, room_id: int, now: datetime) -> OdhAssessment:
    """Recompute a room on request (after data the hook cannot see, e.g. a restored database)."""
    room = _room(session, principal, room_id)
    _ensure_writable(session, principal, room.organisation_id)
    assessment = reassess(session, room, AssessmentTrigger.MANUAL, now)
    if assessment is None:
        raise InvalidInput(gather(session, room).reason or "odh.not_assessable", field="room_id")
    return assessment


def history(session: Session, principal: Principal, room_id: int) -> Sequence[OdhAssessment]:
    room = _room(session, principal, room_id)
    return session.scalars(
        select(OdhAssessment)
        .where(OdhAssessment.room_id == room.id)
        .order_by(OdhAssessment.id.desc())
    ).all()


def inert_gas_rooms(session: Session, visible: frozenset[int] | None) -> Sequence[Room]:
    """Rooms with an inert-gas source, within ``visible`` organisations (None = all)."""
    query = (
        select(Room)
        .where(
            Room.id.in_(
                select(HazardSource.room_id).where(HazardSource.kind == HazardKind.INERT_GAS.value)
            )
        )
        .order_by(Room.id)
    )
    if visible is not None:
        query = query.where(Room.organisation_id.in_(visible))
    return session.scalars(query).all()


def latest_by_room(session: Session, room_ids: Sequence[int]) -> dict[int, OdhAssessment]:
    """Each room's latest assessment (stale ones included), in one query."""
    newest = (
        select(func.max(OdhAssessment.id))
        .where(OdhAssessment.room_id.in_(room_ids))
        .group_by(OdhAssessment.room_id)
    )
    rows = session.scalars(select(OdhAssessment).where(OdhAssessment.id.in_(newest)))
    return {a.room_id: a for a in rows}


def overview(session: Session, principal: Principal) -> list[tuple[Room, OdhAssessment | None]]:
    """Every visible inert-gas room with its current assessment (None: not assessed)."""
    rooms = inert_gas_rooms(session, visible_organisations(session, principal))
    current = latest_by_room(session, [r.id for r in rooms])
    return [(room, None if (a := current.get(room.id)) is None or a.stale else a) for room in rooms]


# -- safeguards ------------------------------------------------------------------------------


def list_safeguards(session: Session, principal: Principal, room_id: int) -> Sequence[OdhSafeguard]:
    room = _room(session, principal, room_id)
    return session.scalars(
        select(OdhSafeguard).where(OdhSafeguard.room_id == room.id).order_by(OdhSafeguard.id)
    ).all()


def add_safeguard(
    session: Session, principal: Principal, room_id: int, data: SafeguardIn
) -> OdhSafeguard:
    room = _room(session, principal, room_id)
    _ensure_writable(session, principal, room.organisation_id)
    taken = session.scalar(
        select(OdhSafeguard.id).where(
            OdhSafeguard.room_id == room.id, OdhSafeguard.kind == data.kind.value
        )
    )
    if taken is not None:
        raise Conflict("odh.safeguard_exists", field="kind", kind=data.kind.value)
    _check_basis(data.failure_on_demand, data.basis)
    safeguard = OdhSafeguard(
        room_id=room.id,
        organisation_id=room.organisation_id,
        kind=data.kind.value,
        failure_on_demand=data.failure_on_demand,
        basis=data.basis or DEFAULTS[data.kind].basis,
        in_service=data.in_service,
        note=data.note,
    )
    session.add(safeguard)
    session.flush()
    return safeguard


def _check_basis(figure: Decimal | None, basis: str) -> None:
    """A figure of one's own needs its source (a standard, a vendor's SIL certificate)."""
    if figure is not None and not basis:
        raise InvalidInput("odh.basis_required", field="basis")


def _safeguard(session: Session, principal: Principal, safeguard_id: int) -> OdhSafeguard:
    safeguard = session.get(OdhSafeguard, safeguard_id)
    if safeguard is None:
        raise NotFound("scope.not_found")
    ensure_visible(session, principal, safeguard.organisation_id)
    _ensure_writable(session, principal, safeguard.organisation_id)
    return safeguard


def update_safeguard(
    session: Session, principal: Principal, safeguard_id: int, patch: SafeguardPatch
) -> OdhSafeguard:
    safeguard = _safeguard(session, principal, safeguard_id)
    changes = patch.model_dump(exclude_unset=True)
    if "failure_on_demand" in changes:
        figure = changes["failure_on_demand"]
        _check_basis(figure, changes.get("basis") or "")
        if figure is None:  # back to the kind's default, with the default's basis
            changes["basis"] = DEFAULTS[SafeguardKind(safeguard.kind)].basis
    for name, value in changes.items():
        if value is not None or name == "failure_on_demand":
            setattr(safeguard, name, value)
    session.flush()
    return safeguard


def remove_safeguard(session: Session, principal: Principal, safeguard_id: int) -> None:
    safeguard = _safeguard(session, principal, safeguard_id)
    session.delete(safeguard)
    session.flush()
