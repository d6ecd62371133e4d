"""Emergency resources over HTTP: the shared equipment library, rescue teams, dispatch rules
and travel times, the nearest resources to a scene, dispatches and what came back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Query, Request
from sqlalchemy.orm import Session

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_date
from hazwatch.district.resources import service, views
from hazwatch.district.resources.models import (
    DispatchLine,
    RescueTeam,
    ResourceDispatch,
    TravelTime,
)
from hazwatch.district.resources.schemas import (
    ArrivalIn,
    CandidateOut,
    DispatchIn,
    DispatchOut,
    ItemIn,
    ItemOut,
    ItemPatch,
    LineOut,
    MapPointOut,
    MemberIn,
    ReturnIn,
    RulesIn,
    RulesOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    TravelTimeIn,
    TravelTimeOut,
)
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/resources", tags=["district"])


def _moment(request: Request) -> Moment:
    return Moment.of(get_context(request))


def _today(request: Request) -> date:
    moment = _moment(request)
    return local_date(moment.now, moment.settings.timezone)


def _items(
    request: Request, db: Session, principal: Principal, only: int | None = None
) -> list[ItemOut]:
    found = service.library(db, principal, _moment(request).now)
    if only is not None:
        found = [s for s in found if s.item.equipment_id == only]
    return views.library(db, found, language_of(request))


@router.get("/items", response_model=list[ItemOut])
def list_items(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[ItemOut]:
    """The shared equipment library: what, where, how much, condition, owner, last check."""
    return _items(request, db, principal)


@router.post("/items", status_code=201, response_model=ItemOut)
def add_item(body: ItemIn, request: Request, db: DbSession, principal: CurrentPrincipal) -> ItemOut:
    """List an item (registered in the emergency equipment registry at the same time)."""
    item = service.add_item(db, principal, **body.model_dump())
    return _items(request, db, principal, item.equipment_id)[0]


@router.patch("/items/{equipment_id}", response_model=ItemOut)
def update_item(
    equipment_id: Id,
    body: ItemPatch,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ItemOut:
    service.update_item(db, principal, equipment_id, body.model_dump(exclude_unset=True))
    return _items(request, db, principal, equipment_id)[0]


def _teams(request: Request, db: Session, found: list[RescueTeam]) -> list[TeamOut]:
    return views.team_outs(db, found, _today(request), language_of(request))


@router.get("/teams", response_model=list[TeamOut])
def list_teams(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[TeamOut]:
    """Rescue teams with their members, qualifications and whether they are out."""
    return _teams(request, db, service.list_teams(db, principal))


@router.post("/teams", status_code=201, response_model=TeamOut)
def add_team(body: TeamIn, request: Request, db: DbSession, principal: CurrentPrincipal) -> TeamOut:
    return _teams(request, db, [service.add_team(db, principal, **body.model_dump())])[0]


@router.patch("/teams/{team_id}", response_model=TeamOut)
def update_team(
    team_id: Id, body: TeamPatch, request: Request, db: DbSession, principal: CurrentPrincipal
) -> TeamOut:
    """Position, phone, on or off duty."""
    team = service.update_team(db, principal, team_id, body.model_dump(exclude_unset=True))
    return _teams(request, db, [team])[0]


@router.post("/teams/{team_id}/members", status_code=201, response_model=TeamOut)
def add_member(
    team_id: Id, body: MemberIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> TeamOut:
    """A member; their qualifications are the ones registered for the person."""
    member = service.add_member(db, principal, team_id, person=body.person, role=body.role)
    team = db.get(RescueTeam, member.team_id)
    assert team is not None
    return _teams(request, db, [team])[0]


@router.get("/rules/{jurisdiction_id}", response_model=RulesOut)
def get_rules(jurisdiction_id: Id, db: DbSession, _principal: CurrentPrincipal) -> RulesOut:
    """The dispatch rules in force for a jurisdiction (its own, a level above's, or the
    platform defaults, ``default`` true)."""
    return views.rules_out(db, jurisdiction_id)


@router.put("/rules/{jurisdiction_id}", response_model=RulesOut)
def set_rules(
    jurisdiction_id: Id, body: RulesIn, db: DbSession, principal: CurrentPrincipal
) -> RulesOut:
    """A regulator sets its area's dispatch rules (调度办法)."""
    service.set_rules(db, principal, jurisdiction_id, service.Rules(**body.model_dump()))
    return views.rules_out(db, jurisdiction_id)


def _travel_out(row: TravelTime) -> TravelTimeOut:
    return TravelTimeOut(
        id=row.id,
        jurisdiction_id=row.jurisdiction_id,
        from_site_id=row.from_site_id,
        to_site_id=row.to_site_id,
        minutes=row.minutes,
    )


@router.get("/travel-times", response_model=list[TravelTimeOut])
def list_travel_times(db: DbSession, principal: CurrentPrincipal) -> list[TravelTimeOut]:
    return [_travel_out(row) for row in service.list_travel_times(db, principal)]


@router.put("/travel-times", response_model=TravelTimeOut)
def set_travel_time(
    body: TravelTimeIn, db: DbSession, principal: CurrentPrincipal
) -> TravelTimeOut:
    """The road travel time between two sites; it ranks resources instead of the
    straight-line estimate."""
    return _travel_out(service.set_travel_time(db, principal, **body.model_dump()))


@router.get("/nearest", response_model=list[CandidateOut])
def nearest(
    db: DbSession,
    request: Request,
    principal: CurrentPrincipal,
    lat: Annotated[Decimal, Query(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[Decimal, Query(ge=-180, le=180, allow_inf_nan=False)],
    kind: EquipmentKind | None = None,
    site_id: Id | None = None,
) -> list[CandidateOut]:
    """Ready items of ``kind`` (teams when no kind), nearest first, under the rules of the
    caller's district; nothing is sent."""
    scene = service.scene_of(db, principal.organisation_id, lat, lon, site_id)
    moment = _moment(request)
    found = (
        service.rank_items(db, principal, moment.now, scene, kind)
        if kind is not None
        else service.rank_teams(db, principal, _today(request), scene)
    )
    return views.candidate_outs(db, found)


@router.get("/dispatches", response_model=list[DispatchOut])
def list_dispatches(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[DispatchOut]:
    """Dispatches to the caller's area and those that took the caller's resources."""
    return views.dispatch_outs(db, service.list_dispatches(db, principal), language_of(request))


@router.post("/dispatches", status_code=201, response_model=DispatchOut)
def request_dispatch(
    body: DispatchIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> DispatchOut:
    """During an incident or a drill: send the nearest ready equipment and teams the rules
    allow; what could not be supplied comes back as shortfalls."""
    data = body.model_dump()
    data["needs"] = [service.Need(**need) for need in data["needs"]]
    dispatch = service.request_dispatch(db, principal, _moment(request), service.Request(**data))
    return views.dispatch_outs(db, [dispatch], language_of(request))[0]


def _line_out(request: Request, db: Session, line: DispatchLine) -> LineOut:
    dispatch = db.get(ResourceDispatch, line.dispatch_id)
    assert dispatch is not None
    shown = views.dispatch_outs(db, [dispatch], language_of(request))[0]
    return next(out for out in shown.lines if out.id == line.id)


@router.post("/dispatches/lines/{line_id}/arrival", response_model=LineOut)
def record_arrival(
    line_id: Id, body: ArrivalIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> LineOut:
    line = service.record_arrival(db, principal, _moment(request), line_id, body.at)
    return _line_out(request, db, line)


@router.post("/dispatches/lines/{line_id}/return", response_model=LineOut)
def record_return(
    line_id: Id, body: ReturnIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> LineOut:
    """What came back (of an item, how much: the rest leaves the library)."""
    line = service.record_return(
        db,
        principal,
        _moment(request),
        line_id,
        at=body.at,
        returned_quantity=body.returned_quantity,
        note=body.note,
    )
    return _line_out(request, db, line)


@router.get("/map", response_model=list[MapPointOut])
def map_points(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[MapPointOut]:
    """Library items and teams as map points (lat, lon, label, kind)."""
    return [
        MapPointOut(lat=p.lat, lon=p.lon, label=p.label, kind=p.kind)
        for p in service.equipment_points(db, principal, _moment(request).now)
    ]
