"""The risk register: scoped reads and writes; never commits.

An event is graded when created and again on request (new factors) or, for an ODH event,
whenever its room's ODH assessment changes (:func:`refresh_odh_events`, run by the hook
before the commit). Each grading is a :class:`RiskAssessment` row with the raw factors, the
score, the level and the band-table version used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.api.inputs import given
from hazwatch.chemicals.models import ChemicalUnit
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.prevention.odh.service import latest as latest_odh
from hazwatch.prevention.risks import grading
from hazwatch.prevention.risks.choices import ObjectKind
from hazwatch.prevention.risks.grading import Band, RiskLevel, RiskMethod
from hazwatch.prevention.risks.models import (
    RiskAssessment,
    RiskBandTable,
    RiskControl,
    RiskEvent,
    RiskObject,
)
from hazwatch.prevention.risks.schemas import (
    AssessIn,
    BandTableIn,
    ControlIn,
    EventIn,
    EventPatch,
    ObjectIn,
    ObjectPatch,
)
from hazwatch.registry.models import Building, Room
from hazwatch.registry.scope import Tenancy


@dataclass(frozen=True)
class Bands:
    """The band table in force: its row (None: the built-in default, version 0)."""

    table_id: int | None
    version: int
    bands: tuple[Band, ...]
    basis: str


def bands_for(session: Session, organisation_id: int | None, method: RiskMethod) -> Bands:
    """The organisation's latest version, else the platform's, else the built-in default."""
    owners = (organisation_id, None) if organisation_id is not None else (None,)
    for owner in owners:
        query = select(RiskBandTable).where(RiskBandTable.method == method.value)
        query = query.where(
            RiskBandTable.organisation_id.is_(None)
            if owner is None
            else RiskBandTable.organisation_id == owner
        )
        row = session.scalar(query.order_by(RiskBandTable.version.desc()).limit(1))
        if row is not None:
            return Bands(row.id, row.version, grading.bands_from(row.bands), row.basis)
    return Bands(None, 0, grading.DEFAULT_BANDS[method], grading.DEFAULT_BASIS[method])


def band_tables(session: Session, principal: Principal) -> list[RiskBandTable]:
    visible = visible_organisations(session, principal)
    query = select(RiskBandTable).order_by(RiskBandTable.id)
    rows = session.scalars(query).all()
    return [
        r
        for r in rows
        if r.organisation_id is None or visible is None or r.organisation_id in visible
    ]


def add_band_table(
    session: Session, principal: Principal, data: BandTableIn, now: datetime
) -> RiskBandTable:
    """A new version of the organisation's bands for a method (earlier versions are kept,
    and the assessments made with them still name them)."""
    organisation = Tenancy(session, principal).writable_organisation(data.organisation_id)
    try:
        bands = grading.bands_from([b.model_dump(mode="json") for b in data.bands])
    except grading.BadFactors as exc:
        raise InvalidInput("risks.bad_bands", field="bands") from exc
    version = (
        session.scalar(
            select(func.max(RiskBandTable.version)).where(
                RiskBandTable.organisation_id == organisation,
                RiskBandTable.method == data.method.value,
            )
        )
        or 0
    ) + 1
    row = RiskBandTable(
        organisation_id=organisation,
        method=data.method.value,
        version=version,
        bands=[b.as_dict() for b in bands],
        basis=data.basis,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


# -- objects, events, controls ---------------------------------------------------------------


def _check_place(
    tenancy: Tenancy,
    organisation: int,
    site_id: int,
    room_id: int | None,
    chemical_unit_id: int | None,
) -> None:
    """An object's room is the organisation's and on the object's site; its chemical unit
    is the organisation's."""
    if room_id is not None:
        room = tenancy.writable_room(room_id)
        tenancy.same_organisation(room, organisation, "room_id")
        building = tenancy.session.get(Building, room.building_id)
        if building is None or building.site_id != site_id:
            raise InvalidInput("risks.room_not_on_site", field="room_id")
    if chemical_unit_id is not None:
        unit = tenancy.writable_row(ChemicalUnit, chemical_unit_id, "chemical_unit_id")
        tenancy.same_organisation(unit, organisation, "chemical_unit_id")


def create_object(session: Session, principal: Principal, data: ObjectIn) -> RiskObject:
    tenancy = Tenancy(session, principal)
    organisation = tenancy.writable_organisation(data.organisation_id)
    site = tenancy.writable_site(data.site_id, for_organisation=organisation)
    _check_place(tenancy, organisation, site.id, data.room_id, data.chemical_unit_id)
    row = RiskObject(
        organisation_id=organisation,
        site_id=site.id,
        room_id=data.room_id,
        chemical_unit_id=data.chemical_unit_id,
        name=data.name,
        kind=data.kind.value,
    )
    session.add(row)
    session.flush()
    return row


def list_objects(
    session: Session, principal: Principal, site_id: int | None = None
) -> Sequence[RiskObject]:
    """The analysis objects the principal sees (of one site), to hang events on."""
    query = select(RiskObject).where(RiskObject.retired_at.is_(None)).order_by(RiskObject.id)
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(RiskObject.organisation_id.in_(visible))
    if site_id is not None:
        query = query.where(RiskObject.site_id == site_id)
    return session.scalars(query).all()


def _object(session: Session, principal: Principal, ident: int) -> RiskObject:
    """A current object the caller may change (404 unseen, 403 seen only, 409 retired)."""
    obj = Tenancy(session, principal).writable_row(RiskObject, ident, "object_id")
    if obj.retired_at is not None:
        raise Conflict("risks.retired", field="object_id", id=ident)
    return obj


def _event(session: Session, principal: Principal, ident: int) -> RiskEvent:
    """A current event the caller may change (404 unseen, 403 seen only, 409 retired)."""
    event = Tenancy(session, principal).writable_row(RiskEvent, ident, "event_id")
    if event.retired_at is not None:
        raise Conflict("risks.retired", field="event_id", id=ident)
    return event


def update_object(
    session: Session, principal: Principal, object_id: int, data: ObjectPatch
) -> RiskObject:
    """Rename, re-kind or re-place an object (its room on its site, its organisation's);
    checked before anything changes. Its events keep their gradings."""
    obj = _object(session, principal, object_id)
    changes = given(data)
    _check_place(
        Tenancy(session, principal),
        obj.organisation_id,
        obj.site_id,
        changes.get("room_id"),
        changes.get("chemical_unit_id"),
    )
    for name, value in changes.items():
        setattr(obj, name, value.value if isinstance(value, ObjectKind) else value)
    session.flush()
    return obj


def retire_object(
    session: Session, principal: Principal, object_id: int, now: datetime
) -> RiskObject:
    """The object is no longer analysed (the equipment went): it and its current events
    leave the register and the colour map; rows and gradings stay for the audit."""
    obj = _object(session, principal, object_id)
    obj.retired_at = now
    for event in session.scalars(
        select(RiskEvent).where(RiskEvent.object_id == obj.id, RiskEvent.retired_at.is_(None))
    ):
        event.retired_at = now
    session.flush()
    return obj


def update_event(
    session: Session, principal: Principal, event_id: int, data: EventPatch
) -> RiskEvent:
    """Reword an event (title, consequence); a new grading is :func:`assess`."""
    event = _event(session, principal, event_id)
    for name, value in given(data).items():
        setattr(event, name, value)
    session.flush()
    return event


def retire_event(session: Session, principal: Principal, event_id: int, now: datetime) -> RiskEvent:
    """The event is no longer credible: off the register and the colour map, kept with its
    gradings and controls for the audit."""
    event = _event(session, principal, event_id)
    event.retired_at = now
    session.flush()
    return event


def _odh_factors(session: Session, obj: RiskObject) -> tuple[dict[str, Decimal], str]:
    assessment = latest_odh(session, obj.room_id) if obj.room_id is not None else None
    if assessment is None or assessment.stale:
        raise InvalidInput("risks.odh_not_assessed", field="odh")
    likelihood = grading.ODH_LIKELIHOOD[assessment.odh_class]
    return (
        {"L": likelihood, "S": grading.ODH_SEVERITY},
        f"odh_class {assessment.odh_class} (assessment {assessment.id})",
    )


def _grade(
    session: Session,
    event: RiskEvent,
    factors: dict[str, Decimal],
    basis: str,
    actor: str,
    now: datetime,
) -> RiskAssessment:
    method = RiskMethod(event.method)
    bands = bands_for(session, event.organisation_id, method)
    value = grading.score(method, factors)
    level = grading.level_of(value, bands.bands)
    row = RiskAssessment(
        organisation_id=event.organisation_id,
        event_id=event.id,
        assessed_at=now,
        method=method.value,
        factors={k: str(v) for k, v in factors.items()},
        score=value,
        level=level.value,
        band_table_id=bands.table_id,
        band_version=bands.version,
        basis=basis[:200],
        assessed_by=actor[:80],
    )
    session.add(row)
    event.score, event.level = value, level.value
    session.flush()
    return row


def _checked(method: RiskMethod, factors: dict[str, Any]) -> dict[str, Decimal]:
    try:
        return grading.check_factors(method, factors)
    except grading.BadFactors as exc:
        raise InvalidInput("risks.bad_factor", field=exc.field, method=method) from exc


def create_event(
    session: Session, principal: Principal, object_id: int, data: EventIn, now: datetime
) -> RiskEvent:
    obj = _object(session, principal, object_id)
    if data.odh:
        if data.method is not RiskMethod.LS:
            raise InvalidInput("risks.odh_needs_ls", field="method")
        if data.factors:
            raise InvalidInput("risks.odh_no_factors", field="factors")
        factors, basis = _odh_factors(session, obj)
    else:
        factors, basis = _checked(data.method, dict(data.factors)), "assessor"
    event = RiskEvent(
        organisation_id=obj.organisation_id,
        object_id=obj.id,
        title=data.title,
        consequence=data.consequence,
        method=data.method.value,
        odh=data.odh,
    )
    session.add(event)
    session.flush()
    _grade(session, event, factors, basis, principal.username, now)
    return event


def assess(
    session: Session, principal: Principal, event_id: int, data: AssessIn, now: datetime
) -> RiskAssessment:
    """Grade again: new factors, or (ODH events) the room's current class."""
    event = _event(session, principal, event_id)
    if event.odh:
        if data.factors:
            raise InvalidInput("risks.odh_no_factors", field="factors")
        obj = session.get(RiskObject, event.object_id)
        assert obj is not None
        factors, basis = _odh_factors(session, obj)
    else:
        factors, basis = _checked(RiskMethod(event.method), dict(data.factors)), "assessor"
    return _grade(session, event, factors, basis, principal.username, now)


def add_control(
    session: Session, principal: Principal, event_id: int, data: ControlIn
) -> RiskControl:
    event = _event(session, principal, event_id)
    control = RiskControl(
        organisation_id=event.organisation_id,
        event_id=event.id,
        kind=data.kind.value,
        description=data.description,
        responsible=data.responsible,
    )
    session.add(control)
    session.flush()
    return control


def refresh_odh_events(
    session: Session, room_ids: Iterable[int], now: datetime | None = None
) -> None:
    """Grade again every ODH event in these rooms whose room's ODH assessment changed."""
    rooms = list(room_ids)
    if not rooms:
        return
    rows = session.execute(
        select(RiskEvent, RiskObject)
        .join(RiskObject, RiskObject.id == RiskEvent.object_id)
        .where(
            RiskEvent.odh.is_(True),
            RiskEvent.retired_at.is_(None),
            RiskObject.room_id.in_(rooms),
        )
    ).all()
    for event, obj in rows:
        latest = latest_assessment(session, event.id)
        assessment = latest_odh(session, obj.room_id) if obj.room_id else None
        if assessment is None or assessment.stale:
            continue
        if latest is not None and latest.basis.endswith(f"(assessment {assessment.id})"):
            continue
        factors, basis = _odh_factors(session, obj)
        _grade(session, event, factors, basis, "system", now or utcnow())


# -- reads -----------------------------------------------------------------------------------


def latest_assessment(session: Session, event_id: int) -> RiskAssessment | None:
    return session.scalar(
        select(RiskAssessment)
        .where(RiskAssessment.event_id == event_id)
        .order_by(RiskAssessment.id.desc())
        .limit(1)
    )


def assessments(session: Session, event_id: int) -> Sequence[RiskAssessment]:
    return session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.event_id == event_id)
        .order_by(RiskAssessment.id.desc())
    ).all()


def controls(session: Session, event_ids: Sequence[int]) -> dict[int, list[RiskControl]]:
    found: dict[int, list[RiskControl]] = {}
    for control in session.scalars(
        select(RiskControl).where(RiskControl.event_id.in_(event_ids)).order_by(RiskControl.id)
    ):
        found.setdefault(control.event_id, []).append(control)
    return found


def list_events(
    session: Session,
    principal: Principal,
    site_id: int | None = None,
    level: RiskLevel | None = None,
) -> list[tuple[RiskEvent, RiskObject]]:
    """Visible current events, highest level first."""
    query = (
        select(RiskEvent, RiskObject)
        .join(RiskObject, RiskObject.id == RiskEvent.object_id)
        .where(RiskEvent.retired_at.is_(None), RiskObject.retired_at.is_(None))
    )
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(RiskEvent.organisation_id.in_(visible))
    if site_id is not None:
        query = query.where(RiskObject.site_id == site_id)
    if level is not None:
        query = query.where(RiskEvent.level == level.value)
    rows = [(e, o) for e, o in session.execute(query.order_by(RiskEvent.id)).all()]
    order = {lvl.value: i for i, lvl in enumerate(grading.ORDER)}
    return sorted(rows, key=lambda pair: (order.get(pair[0].level or "", 9), pair[0].id))


def event_detail(
    session: Session, principal: Principal, event_id: int
) -> tuple[RiskEvent, RiskObject]:
    event = session.get(RiskEvent, event_id)
    visible = visible_organisations(session, principal)
    if event is None or (visible is not None and event.organisation_id not in visible):
        raise NotFound("scope.not_found", field="event_id", id=event_id)
    obj = session.get(RiskObject, event.object_id)
    assert obj is not None
    return event, obj


@dataclass(frozen=True)
class MapRoom:
    room_id: int
    room: str
    building: str
    organisation_id: int
    level: RiskLevel | None
    events: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "room_id": self.room_id,
            "room": self.room,
            "building": self.building,
            "organisation_id": self.organisation_id,
            "level": None if self.level is None else self.level.value,
            "colour": "grey" if self.level is None else self.level.colour,
            "events": self.events,
        }


def colour_map(session: Session, principal: Principal, site_id: int) -> list[MapRoom]:
    """Every visible room of the site coloured by its highest current risk (grey: none)."""
    visible = visible_organisations(session, principal)
    query = (
        select(Room, Building)
        .join(Building, Building.id == Room.building_id)
        .where(Building.site_id == site_id)
        .order_by(Building.id, Room.id)
    )
    if visible is not None:
        query = query.where(Room.organisation_id.in_(visible))
    rooms = [(room, building) for room, building in session.execute(query).all()]
    highest: dict[int, RiskLevel | None] = {}
    counts: dict[int, int] = {}
    for event, obj in list_events(session, principal, site_id):
        if obj.room_id is None:
            continue
        level = RiskLevel(event.level) if event.level else None
        highest[obj.room_id] = grading.higher(highest.get(obj.room_id), level)
        counts[obj.room_id] = counts.get(obj.room_id, 0) + 1
    return [
        MapRoom(
            room.id,
            room.name,
            building.name,
            room.organisation_id,
            highest.get(room.id),
            counts.get(room.id, 0),
        )
        for room, building in rooms
    ]
