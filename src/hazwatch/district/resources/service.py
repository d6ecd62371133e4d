"""Emergency resources (seed 001 measure 15: "建成区级应急救援共享装备库并制定调度办法";
"督促企业建好专职消防队").

* The **shared equipment library** lists items of the emergency equipment registry
  (``emergency.readiness``: kind, owner, site, periodic checks) with their position
  (WGS-84), quantity, unit and condition. An item is lent only when shared, in good
  condition and ready by its checks (last check passed and not overdue).
* **Rescue teams**, professional or enterprise full-time fire brigades, with members whose
  qualifications are the registry's; a member counts as qualified with a valid
  ``rescue`` qualification.
* A **dispatch request** for an incident or a drill ranks the district's ready items of each
  kind asked for, and its available teams, by travel time: a configured travel time from
  the resource's site to the scene's site when one exists, else the straight-line
  (great-circle) distance at the rules' mean speed. It follows the district's rules
  (:class:`Rules`), sends the nearest until each need is met, keeps what it could not
  supply as shortfalls, and records each line sent; the line's arrival and return (with the
  quantity that came back: the rest was used up and leaves the library) are recorded later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.db import plain_decimal
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import restrict, visible_organisations
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition, LineState, TeamKind
from hazwatch.district.resources.models import (
    DispatchLine,
    DispatchRules,
    LibraryItem,
    RescueTeam,
    ResourceDispatch,
    TeamMember,
    TravelTime,
)
from hazwatch.emergency.readiness import service as readiness
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.models import Drill, Equipment, Qualification
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Organisation, Site
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import district_of
from hazwatch.supervision.models import Incident
from hazwatch.supervision.responsibility import ancestors, writable_jurisdiction

#: Mean Earth radius, km (IUGG R1 = 6371.0088 km): the great-circle distance on this sphere
#: is within 0.5 % of the WGS-84 geodesic, far below what a road adds to a straight line.
EARTH_RADIUS_KM = 6371.0088
#: A quantity beyond this is a typing error, not a store.
MAX_QUANTITY = Decimal(10) ** 9
MAX_NEEDS = 20
MAX_TEAMS = 20


@dataclass(frozen=True)
class Rules:
    """A district's dispatch rules (调度办法)."""

    max_distance_km: Decimal
    reserve_percent: Decimal
    speed_kmh: Decimal
    teams: int
    team_min_qualified: int
    professional_first: bool
    basis: str = ""


#: Seed 001 asks each district to "制定调度办法" but publishes none, so these are settings
#: with defaults a district changes (``PUT /api/district/resources/rules/{jurisdiction}``):
#: 50 km reaches across a district (Shangyu: about 1,400 km²); no reserve (the library
#: is shared); 40 km/h turns a straight line into a first travel-time estimate (roads are
#: longer than the line, traffic is slower than a free road); one team per request, with
#: at least two qualified members (rescuers enter in pairs, never alone: the 2·7 director
#: went in alone); professional teams before enterprise brigades, which also guard their
#: own plant.
DEFAULT_RULES = Rules(
    max_distance_km=Decimal(50),
    reserve_percent=Decimal(0),
    speed_kmh=Decimal(40),
    teams=1,
    team_min_qualified=2,
    professional_first=True,
    basis="platform default",
)


# -- geometry ---------------------------------------------------------------------------------


def check_position(lat: Decimal, lon: Decimal, prefix: str = "") -> None:
    """Latitude in [-90, 90], longitude in [-180, 180], both finite; refused naming the field."""
    for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        if not value.is_finite() or not -limit <= value <= limit:
            raise InvalidInput(
                "district.resources.coordinate_out_of_range",
                field=f"{prefix}{name}",
                low=-limit,
                high=limit,
            )


def check_quantity(value: Decimal, field: str, *, positive: bool = False) -> Decimal:
    if not value.is_finite() or value < 0 or value > MAX_QUANTITY or (positive and value == 0):
        raise InvalidInput("district.resources.bad_quantity", field=field)
    return value


def distance_km(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> Decimal:
    """Great-circle distance (haversine), to the metre. No geodesic library is installed and
    none is needed at this precision (see :data:`EARTH_RADIUS_KM`)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return plain_decimal(Decimal(repr(km)).quantize(Decimal("0.001")))


# -- rules and travel times -------------------------------------------------------------------


def _regulator(principal: Principal) -> None:
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("district.resources.regulators_only")


def rules_for(session: Session, jurisdiction_id: int | None) -> Rules:
    """The rules of the nearest jurisdiction up the tree that set them, else the defaults."""
    for node in ancestors(session, jurisdiction_id):
        row = session.get(DispatchRules, node.id)
        if row is not None:
            return Rules(
                row.max_distance_km,
                row.reserve_percent,
                row.speed_kmh,
                row.teams,
                row.team_min_qualified,
                row.professional_first,
                row.basis,
            )
    return DEFAULT_RULES


def set_rules(
    session: Session, principal: Principal, jurisdiction_id: int, rules: Rules
) -> DispatchRules:
    """A regulator sets its own area's rules; checked whole before anything is stored."""
    writable_jurisdiction(session, principal, jurisdiction_id)
    for name, value, low, high, low_ok, high_ok in (
        ("max_distance_km", rules.max_distance_km, Decimal(0), Decimal(1000), False, True),
        ("speed_kmh", rules.speed_kmh, Decimal(0), Decimal(200), False, True),
        # a reserve of 100 % would lend nothing
        ("reserve_percent", rules.reserve_percent, Decimal(0), Decimal(100), True, False),
    ):
        inside = (
            value.is_finite()
            and (low <= value if low_ok else low < value)
            and (value <= high if high_ok else value < high)
        )
        if not inside:
            raise InvalidInput("district.resources.bad_rule", field=name, low=low, high=high)
    for name, count in (("teams", rules.teams), ("team_min_qualified", rules.team_min_qualified)):
        if not 0 <= count <= MAX_TEAMS:
            raise InvalidInput("district.resources.bad_rule", field=name, low=0, high=MAX_TEAMS)
    row = session.get(DispatchRules, jurisdiction_id)
    if row is None:
        row = DispatchRules(jurisdiction_id=jurisdiction_id)
        session.add(row)
    for name, value in asdict(rules).items():
        if getattr(row, name, None) != value:
            setattr(row, name, value)
    session.flush()
    return row


def _visible_site(session: Session, principal: Principal, site_id: int, field: str) -> Site:
    site = session.get(Site, site_id)
    if site is None or not Tenancy(session, principal).may_see(site.organisation_id):
        raise NotFound("scope.not_found", field=field, id=site_id)
    return site


def set_travel_time(
    session: Session,
    principal: Principal,
    *,
    jurisdiction_id: int,
    from_site_id: int,
    to_site_id: int,
    minutes: int,
) -> TravelTime:
    """Configure (or change) the road travel time between two sites of the area."""
    writable_jurisdiction(session, principal, jurisdiction_id)
    _visible_site(session, principal, from_site_id, "from_site_id")
    _visible_site(session, principal, to_site_id, "to_site_id")
    if not 1 <= minutes <= 24 * 60:
        raise InvalidInput("district.resources.bad_minutes", field="minutes")
    row = session.scalar(
        select(TravelTime).where(
            TravelTime.jurisdiction_id == jurisdiction_id,
            TravelTime.from_site_id == from_site_id,
            TravelTime.to_site_id == to_site_id,
        )
    )
    if row is None:
        row = TravelTime(
            jurisdiction_id=jurisdiction_id,
            from_site_id=from_site_id,
            to_site_id=to_site_id,
            minutes=minutes,
        )
        session.add(row)
    else:
        row.minutes = minutes
    session.flush()
    return row


def list_travel_times(session: Session, principal: Principal) -> list[TravelTime]:
    visible = visible_organisations(session, principal)
    query = select(TravelTime).order_by(TravelTime.id)
    if visible is not None:
        sites = select(Site.id).where(Site.organisation_id.in_(visible))
        query = query.where(TravelTime.from_site_id.in_(sites), TravelTime.to_site_id.in_(sites))
    return list(session.scalars(query))


# -- the library ------------------------------------------------------------------------------


def add_item(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    kind: EquipmentKind,
    code: str,
    lat: Decimal,
    lon: Decimal,
    quantity: Decimal,
    unit: str = "",
    name: str = "",
    site_id: int | None = None,
    location: str = "",
    condition: ItemCondition = ItemCondition.GOOD,
    shared: bool = True,
    check_interval_days: int = 30,
) -> LibraryItem:
    """Register an item in the emergency equipment registry and list it in the library.
    SCBA sets are personal sets with their own pressure checks: not library items."""
    check_position(lat, lon)
    check_quantity(quantity, "quantity")
    if kind == EquipmentKind.SCBA:
        raise InvalidInput("district.resources.scba_not_library", field="kind")
    code = readiness.register_equipment(
        session,
        principal,
        organisation_id=organisation_id,
        kind=kind,
        code=code,
        name=name,
        location=location,
        site_id=site_id,
        check_interval_days=check_interval_days,
    )
    equipment = session.scalar(select(Equipment).where(Equipment.code == code))
    assert equipment is not None
    item = LibraryItem(
        equipment_id=equipment.id,
        organisation_id=organisation_id,
        lat=lat,
        lon=lon,
        quantity=quantity,
        unit=unit.strip(),
        condition=ItemCondition(condition),
        shared=shared,
    )
    session.add(item)
    session.flush()
    return item


def update_item(
    session: Session, principal: Principal, equipment_id: int, changes: dict[str, Any]
) -> LibraryItem:
    """Position, quantity, unit, condition, shared: checked whole before anything changes."""
    item = Tenancy(session, principal).writable_row(LibraryItem, equipment_id, "equipment_id")
    lat, lon = changes.get("lat", item.lat), changes.get("lon", item.lon)
    check_position(lat, lon)
    quantity = check_quantity(changes.get("quantity", item.quantity), "quantity")
    if quantity < out_on_dispatch(session, item.equipment_id):
        raise Conflict("district.resources.quantity_below_out", field="quantity")
    wanted = {
        "lat": lat,
        "lon": lon,
        "quantity": quantity,
        "unit": changes.get("unit", item.unit),
        "condition": ItemCondition(changes.get("condition", item.condition)),
        "shared": changes.get("shared", item.shared),
    }
    for name, value in wanted.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
    session.flush()
    return item


def out_on_dispatch(session: Session, equipment_id: int) -> Decimal:
    """How much of an item is out on lines not yet returned."""
    sent = session.scalars(
        select(DispatchLine.quantity).where(
            DispatchLine.equipment_id == equipment_id, DispatchLine.returned_at.is_(None)
        )
    )
    return sum(sent, Decimal(0))


@dataclass(frozen=True)
class ItemStatus:
    item: LibraryItem
    equipment: Equipment
    ready: bool
    reason: str | None
    last_check: datetime | None
    out: Decimal

    @property
    def lendable(self) -> bool:
        return self.item.shared and self.item.condition == ItemCondition.GOOD and self.ready


def library(session: Session, principal: Principal, now: datetime) -> list[ItemStatus]:
    """The library items the caller sees, with readiness, last check and what is out."""
    query = (
        select(LibraryItem, Equipment)
        .join(Equipment, Equipment.id == LibraryItem.equipment_id)
        .order_by(Equipment.kind, Equipment.code)
    )
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(LibraryItem.organisation_id.in_(visible))
    shown = []
    for item, equipment in session.execute(query).all():
        ready, reason, last, _due = readiness.item_readiness(session, equipment, now)
        shown.append(
            ItemStatus(
                item, equipment, ready, reason, last, out_on_dispatch(session, item.equipment_id)
            )
        )
    return shown


# -- teams ------------------------------------------------------------------------------------


def add_team(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    name: str,
    kind: TeamKind,
    lat: Decimal,
    lon: Decimal,
    site_id: int | None = None,
    phone: str = "",
) -> RescueTeam:
    check_position(lat, lon)
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    if site_id is not None:
        tenancy.writable_site(site_id, for_organisation=organisation_id)
    if not name.strip():
        raise InvalidInput("district.resources.name_required", field="name")
    team = RescueTeam(
        organisation_id=organisation_id,
        site_id=site_id,
        name=name.strip(),
        kind=TeamKind(kind),
        lat=lat,
        lon=lon,
        phone=phone,
        available=True,
    )
    session.add(team)
    session.flush()
    return team


def update_team(
    session: Session, principal: Principal, team_id: int, changes: dict[str, Any]
) -> RescueTeam:
    team = Tenancy(session, principal).writable_row(RescueTeam, team_id, "team_id")
    lat, lon = changes.get("lat", team.lat), changes.get("lon", team.lon)
    check_position(lat, lon)
    for name in ("lat", "lon", "phone", "available"):
        if name in changes and getattr(team, name) != changes[name]:
            setattr(team, name, changes[name])
    session.flush()
    return team


def add_member(
    session: Session, principal: Principal, team_id: int, *, person: str, role: str = ""
) -> TeamMember:
    team = Tenancy(session, principal).writable_row(RescueTeam, team_id, "team_id")
    person = person.strip()
    if not person:
        raise InvalidInput("district.resources.name_required", field="person")
    taken = session.scalar(
        select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.person == person)
    )
    if taken is not None:
        raise Conflict("district.resources.member_taken", field="person")
    member = TeamMember(
        team_id=team.id, organisation_id=team.organisation_id, person=person, role=role.strip()
    )
    session.add(member)
    session.flush()
    return member


def list_teams(session: Session, principal: Principal) -> list[RescueTeam]:
    query = select(RescueTeam).order_by(RescueTeam.kind, RescueTeam.id)
    return list(session.scalars(restrict(query, RescueTeam.organisation_id, session, principal)))


def members(session: Session, team_id: int) -> list[TeamMember]:
    return list(
        session.scalars(
            select(TeamMember).where(TeamMember.team_id == team_id).order_by(TeamMember.id)
        )
    )


def member_qualifications(
    session: Session, team: RescueTeam, today: date
) -> dict[str, list[Qualification]]:
    """Each member's valid (not lapsed) qualifications, by person."""
    names = [m.person for m in members(session, team.id)]
    found: dict[str, list[Qualification]] = {name: [] for name in names}
    for row in session.scalars(
        select(Qualification)
        .where(
            Qualification.organisation_id == team.organisation_id,
            Qualification.person.in_(names),
        )
        .order_by(Qualification.kind)
    ):
        if not readiness.lapsed(row, today):
            found[row.person].append(row)
    return found


def qualified_members(session: Session, team: RescueTeam, today: date) -> int:
    return sum(
        any(q.kind == QualificationKind.RESCUE for q in held)
        for held in member_qualifications(session, team, today).values()
    )


def team_busy(session: Session, team_id: int) -> bool:
    return (
        session.scalar(
            select(DispatchLine.id).where(
                DispatchLine.team_id == team_id, DispatchLine.returned_at.is_(None)
            )
        )
        is not None
    )


# -- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A resource the rules allow, and how far it is from the scene."""

    organisation_id: int
    equipment_id: int | None
    team_id: int | None
    label: str
    distance_km: Decimal
    minutes: Decimal
    by_table: bool
    available: Decimal | None


def _travel(
    session: Session,
    rules: Rules,
    distance: Decimal,
    from_site: int | None,
    to_site: int | None,
) -> tuple[Decimal, bool]:
    if from_site is not None and to_site is not None:
        minutes = session.scalar(
            select(TravelTime.minutes).where(
                TravelTime.from_site_id == from_site, TravelTime.to_site_id == to_site
            )
        )
        if minutes is not None:
            return Decimal(minutes), True
    return plain_decimal((distance * 60 / rules.speed_kmh).quantize(Decimal("0.1"))), False


@dataclass(frozen=True)
class Scene:
    """Where help goes, whose it is and which rules apply."""

    lat: Decimal
    lon: Decimal
    site_id: int | None
    organisation_id: int | None
    rules: Rules


def rank_items(
    session: Session, principal: Principal, now: datetime, scene: Scene, kind: EquipmentKind
) -> list[Candidate]:
    """Lendable items of ``kind`` within the rules' distance, nearest (in time) first, with
    what each can lend: its quantity less what is out and, for another organisation's
    item, the reserve its owner keeps."""
    found = []
    for status in library(session, principal, now):
        item, equipment = status.item, status.equipment
        if equipment.kind != kind or not status.lendable:
            continue
        distance = distance_km(scene.lat, scene.lon, item.lat, item.lon)
        if distance > scene.rules.max_distance_km:
            continue
        reserve = (
            Decimal(0)
            if item.organisation_id == scene.organisation_id
            else item.quantity * scene.rules.reserve_percent / 100
        )
        available = item.quantity - status.out - reserve
        if available <= 0:
            continue
        minutes, by_table = _travel(
            session, scene.rules, distance, equipment.site_id, scene.site_id
        )
        found.append(
            Candidate(
                item.organisation_id,
                item.equipment_id,
                None,
                equipment.name or equipment.code,
                distance,
                minutes,
                by_table,
                available,
            )
        )
    return sorted(found, key=lambda c: (c.minutes, c.distance_km, c.equipment_id or 0))


def rank_teams(
    session: Session, principal: Principal, today: date, scene: Scene
) -> list[Candidate]:
    """Available teams with enough qualified members, not out on another dispatch, within
    the rules' distance; professional teams first when the rules say so, then by time."""
    found: list[tuple[bool, Candidate]] = []
    for team in list_teams(session, principal):
        if not team.available or team_busy(session, team.id):
            continue
        if qualified_members(session, team, today) < scene.rules.team_min_qualified:
            continue
        distance = distance_km(scene.lat, scene.lon, team.lat, team.lon)
        if distance > scene.rules.max_distance_km:
            continue
        minutes, by_table = _travel(session, scene.rules, distance, team.site_id, scene.site_id)
        later = scene.rules.professional_first and team.kind != TeamKind.PROFESSIONAL
        found.append(
            (
                later,
                Candidate(
                    team.organisation_id,
                    None,
                    team.id,
                    team.name,
                    distance,
                    minutes,
                    by_table,
                    None,
                ),
            )
        )
    found.sort(key=lambda pair: (pair[0], pair[1].minutes, pair[1].distance_km, pair[1].team_id))
    return [candidate for _later, candidate in found]


# -- dispatch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    kind: EquipmentKind
    quantity: Decimal


@dataclass(frozen=True)
class Request:
    purpose: DispatchPurpose
    lat: Decimal
    lon: Decimal
    needs: Sequence[Need]
    incident_id: int | None = None
    drill_id: int | None = None
    site_id: int | None = None
    teams: int | None = None
    note: str = ""


def _target(session: Session, principal: Principal, request: Request) -> int:
    """The organisation whose incident or drill it is (it must be in the caller's area)."""
    tenancy = Tenancy(session, principal)
    if request.purpose == DispatchPurpose.INCIDENT:
        if request.incident_id is None or request.drill_id is not None:
            raise InvalidInput("district.resources.incident_or_drill", field="incident_id")
        incident = session.get(Incident, request.incident_id)
        if incident is None or not tenancy.may_see(incident.organisation_id):
            raise NotFound("scope.not_found", field="incident_id", id=request.incident_id)
        return incident.organisation_id
    if request.drill_id is None or request.incident_id is not None:
        raise InvalidInput("district.resources.incident_or_drill", field="drill_id")
    drill = session.get(Drill, request.drill_id)
    if drill is None or not tenancy.may_see(drill.organisation_id):
        raise NotFound("scope.not_found", field="drill_id", id=request.drill_id)
    return drill.organisation_id


def _check_request(request: Request) -> None:
    check_position(request.lat, request.lon)
    if not request.needs and not request.teams:
        raise InvalidInput("district.resources.nothing_asked", field="needs")
    if len(request.needs) > MAX_NEEDS:
        raise InvalidInput("district.resources.too_many_needs", field="needs")
    seen: set[str] = set()
    for index, need in enumerate(request.needs):
        kind = EquipmentKind(need.kind)
        if kind == EquipmentKind.SCBA or kind in seen:
            raise InvalidInput("district.resources.bad_need", field=f"needs.{index}.kind")
        seen.add(kind)
        check_quantity(need.quantity, f"needs.{index}.quantity", positive=True)
    if request.teams is not None and not 0 <= request.teams <= MAX_TEAMS:
        raise InvalidInput("district.resources.bad_rule", field="teams", low=0, high=MAX_TEAMS)


def scene_of(
    session: Session, organisation_id: int | None, lat: Decimal, lon: Decimal, site_id: int | None
) -> Scene:
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    district = district_of(session, organisation.jurisdiction_id) if organisation else None
    return Scene(
        lat, lon, site_id, organisation_id, rules_for(session, district.id if district else None)
    )


def request_dispatch(
    session: Session, principal: Principal, moment: Moment, request: Request
) -> ResourceDispatch:
    """The district command centre asks for equipment and teams for an incident or a drill;
    the nearest ready resources are sent, what could not be supplied is kept as shortfalls."""
    _regulator(principal)
    _check_request(request)
    organisation_id = _target(session, principal, request)
    if request.site_id is not None:
        _visible_site(session, principal, request.site_id, "site_id")
    scene = scene_of(session, organisation_id, request.lat, request.lon, request.site_id)
    organisation = session.get(Organisation, organisation_id)
    district = district_of(session, organisation.jurisdiction_id) if organisation else None
    lines: list[tuple[Candidate, Decimal]] = []
    shortfalls: list[dict[str, Any]] = []
    for need in request.needs:
        wanted = need.quantity
        for candidate in rank_items(
            session, principal, moment.now, scene, EquipmentKind(need.kind)
        ):
            if wanted <= 0:
                break
            assert candidate.available is not None
            taken = plain_decimal(min(wanted, candidate.available))
            lines.append((candidate, taken))
            wanted -= taken
        if wanted > 0:
            shortfalls.append({"kind": str(need.kind), "missing": str(plain_decimal(wanted))})
    teams = scene.rules.teams if request.teams is None else request.teams
    today = local_date(moment.now, moment.settings.timezone)
    chosen = rank_teams(session, principal, today, scene)[:teams]
    if len(chosen) < teams:
        shortfalls.append({"kind": "team", "missing": str(teams - len(chosen))})
    dispatch = ResourceDispatch(
        organisation_id=organisation_id,
        jurisdiction_id=district.id if district else None,
        purpose=DispatchPurpose(request.purpose),
        incident_id=request.incident_id,
        drill_id=request.drill_id,
        site_id=request.site_id,
        lat=request.lat,
        lon=request.lon,
        requested_at=moment.now,
        requested_by=principal.username,
        note=request.note,
        rules={k: str(v) for k, v in asdict(scene.rules).items()},
        shortfalls=shortfalls,
    )
    session.add(dispatch)
    session.flush()
    for candidate, quantity in [*lines, *((c, Decimal(0)) for c in chosen)]:
        session.add(
            DispatchLine(
                dispatch_id=dispatch.id,
                organisation_id=candidate.organisation_id,
                equipment_id=candidate.equipment_id,
                team_id=candidate.team_id,
                quantity=quantity,
                distance_km=candidate.distance_km,
                minutes=candidate.minutes,
                by_table=candidate.by_table,
                sent_at=moment.now,
            )
        )
    session.flush()
    return dispatch


def list_dispatches(session: Session, principal: Principal) -> list[ResourceDispatch]:
    """Dispatches to the caller's area, and those that took something of the caller's."""
    query = select(ResourceDispatch).order_by(
        ResourceDispatch.requested_at.desc(), ResourceDispatch.id.desc()
    )
    visible = visible_organisations(session, principal)
    if visible is not None:
        lent = select(DispatchLine.dispatch_id).where(DispatchLine.organisation_id.in_(visible))
        query = query.where(
            or_(ResourceDispatch.organisation_id.in_(visible), ResourceDispatch.id.in_(lent))
        )
    return list(session.scalars(query.limit(200)))


def lines_of(session: Session, dispatch_id: int) -> list[DispatchLine]:
    return list(
        session.scalars(
            select(DispatchLine)
            .where(DispatchLine.dispatch_id == dispatch_id)
            .order_by(DispatchLine.team_id.is_not(None), DispatchLine.id)
        )
    )


def state_of(line: DispatchLine) -> LineState:
    if line.returned_at is not None:
        return LineState.RETURNED
    if line.arrived_at is not None:
        return LineState.ARRIVED
    return LineState.SENT


def _line(session: Session, principal: Principal, line_id: int) -> DispatchLine:
    """A line the caller may record for: the scene's organisation (or its regulator) or the
    owner of what was sent."""
    line = session.get(DispatchLine, line_id)
    dispatch = session.get(ResourceDispatch, line.dispatch_id) if line else None
    if line is None or dispatch is None:
        raise NotFound("scope.not_found", field="line_id", id=line_id)
    tenancy = Tenancy(session, principal)
    owners = [dispatch.organisation_id, line.organisation_id]
    if not any(tenancy.may_see(o) for o in owners):
        raise NotFound("scope.not_found", field="line_id", id=line_id)
    tenancy.ensure_writable(owners, "line_id", id=line_id)
    return line


def _when(at: datetime | None, moment: Moment, after: datetime) -> datetime:
    at = as_utc(at) if at is not None else moment.now
    if at > moment.now:
        raise InvalidInput("district.resources.time_in_future", field="at")
    if at < as_utc(after):
        raise InvalidInput("district.resources.time_before", field="at")
    return at


def record_arrival(
    session: Session, principal: Principal, moment: Moment, line_id: int, at: datetime | None
) -> DispatchLine:
    line = _line(session, principal, line_id)
    if state_of(line) is not LineState.SENT:
        raise Conflict("district.resources.line_not_sent", field="line_id")
    line.arrived_at = _when(at, moment, line.sent_at)
    session.flush()
    return line


def record_return(
    session: Session,
    principal: Principal,
    moment: Moment,
    line_id: int,
    *,
    at: datetime | None,
    returned_quantity: Decimal | None,
    note: str = "",
) -> DispatchLine:
    """What came back. Of an item, the quantity not returned was used up or lost: it leaves
    the library. When every line is back the dispatch is closed."""
    line = _line(session, principal, line_id)
    if state_of(line) is LineState.RETURNED:
        raise Conflict("district.resources.line_returned", field="line_id")
    when = _when(at, moment, line.arrived_at or line.sent_at)
    if line.equipment_id is not None:
        if returned_quantity is None:
            raise InvalidInput("district.resources.bad_quantity", field="returned_quantity")
        check_quantity(returned_quantity, "returned_quantity")
        if returned_quantity > line.quantity:
            raise InvalidInput("district.resources.more_than_sent", field="returned_quantity")
        item = session.get(LibraryItem, line.equipment_id)
        assert item is not None
        item.quantity = max(Decimal(0), item.quantity - (line.quantity - returned_quantity))
        line.returned_quantity = returned_quantity
    elif returned_quantity is not None:
        raise InvalidInput("district.resources.team_no_quantity", field="returned_quantity")
    line.returned_at = when
    line.note = note
    session.flush()
    dispatch = session.get(ResourceDispatch, line.dispatch_id)
    assert dispatch is not None
    if all(other.returned_at is not None for other in lines_of(session, dispatch.id)):
        dispatch.closed_at = when
        session.flush()
    return line


# -- the map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    """A point for the console map: ``kind`` is ``equipment:<EquipmentKind>`` or
    ``team:<TeamKind>``; ``ident`` is ``item-<equipment id>`` or ``team-<team id>``;
    ``available``: an item the library lends now, a team on duty; ``colour`` says why not."""

    lat: Decimal
    lon: Decimal
    label: str
    kind: str
    ident: str = ""
    available: bool = True
    colour: str = "green"


def _item_colour(status: ItemStatus) -> str:
    """Green when lent now; the condition's colour when it is not good; orange when good
    but not ready by its checks (or kept out of the shared library)."""
    if status.lendable:
        return "green"
    condition = ItemCondition(status.item.condition)
    return condition.colour if condition != ItemCondition.GOOD else "orange"


def equipment_points(session: Session, principal: Principal, now: datetime) -> list[MapPoint]:
    """Library items and rescue teams the caller sees, as map points (item 7's map calls
    this): an item labelled with its name, quantity and unit, a team with its name."""
    points = [
        MapPoint(
            s.item.lat,
            s.item.lon,
            f"{s.equipment.name or s.equipment.code} {s.item.quantity.normalize():f}{s.item.unit}",
            f"equipment:{s.equipment.kind}",
            f"item-{s.item.equipment_id}",
            s.lendable,
            _item_colour(s),
        )
        for s in library(session, principal, now)
    ]
    points += [
        MapPoint(
            t.lat,
            t.lon,
            t.name,
            f"team:{t.kind}",
            f"team-{t.id}",
            t.available,
            TeamKind(t.kind).colour if t.available else "grey",
        )
        for t in list_teams(session, principal)
    ]
    return points
