"""Who is inside each room, from the door decisions and the exits.

An allowed access decision puts the person inside every room its door guards (a suite's
entrance guards all the suite's rooms: someone past it may be in any of them, and in an
emergency it is better to name one person too many than one too few). An exit at a door
takes them out of the rooms that door guards; a manual check-out takes them out of the
rooms it names, or of the whole site. The latest event wins, per person and room.

Nobody is inside forever: a stay longer than the ``occupancy_max_stay_minutes`` setting is
flagged ``check_due`` and asks the organisation's duty officer for a check
(:mod:`hazwatch.monitoring.occupancy.escalation`). Events older than :data:`LOOKBACK` are not
read (a stay that long has been asked about for days).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.occupancy.models import AccessExit
from hazwatch.registry.models import Building, Door, DoorGuard, Room, Site
from hazwatch.registry.scope import Tenancy

#: How far back entries and exits are read.
LOOKBACK = timedelta(days=7)
READER, MANUAL = "reader", "manual"


@dataclass
class Occupant:
    """One person inside one or more rooms of a site since ``entered_at`` (the latest
    entry), through ``door``."""

    person: str
    organisation_id: int | None
    site_id: int
    entered_at: datetime
    door: str
    room_ids: list[int] = field(default_factory=list)
    check_due: bool = False
    #: The access decision that let the person in last.
    entry_id: int = 0


@dataclass(frozen=True)
class _Entry:
    id: int
    at: datetime
    person: str
    door_code: str
    organisation_id: int | None
    room_ids: tuple[int, ...]


def _occupants(
    entries: Iterable[_Entry],
    exits: Iterable[AccessExit],
    site_id: int,
    site_rooms: set[int],
    now: datetime,
    max_stay: timedelta,
) -> list[Occupant]:
    """Replay entries and exits in time order; what is left inside is the answer."""
    events: list[tuple[datetime, int, object]] = [(e.at, 0, e) for e in entries]
    events += [(x.at, 1, x) for x in exits]
    events.sort(key=lambda item: (item[0], item[1]))
    inside: dict[tuple[str, int], _Entry] = {}
    for _at, _order, event in events:
        if isinstance(event, _Entry):
            for room in event.room_ids:
                inside[(event.person, room)] = event
        elif isinstance(event, AccessExit):
            rooms = event.room_ids or list(site_rooms)
            for room in rooms:
                inside.pop((event.person, room), None)
    people: dict[str, Occupant] = {}
    for (person, room), entry in sorted(inside.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        occupant = people.get(person)
        if occupant is None or entry.at > occupant.entered_at:
            rooms = occupant.room_ids if occupant else []
            occupant = people[person] = Occupant(
                person,
                entry.organisation_id,
                site_id,
                entry.at,
                entry.door_code,
                rooms,
                entry_id=entry.id,
            )
        occupant.room_ids.append(room)
    for occupant in people.values():
        occupant.check_due = now - occupant.entered_at > max_stay
    return sorted(people.values(), key=lambda o: (o.entered_at, o.person))


def _entries(session: Session, door_ids: list[int], since: datetime) -> list[_Entry]:
    if not door_ids:
        return []
    rows = session.execute(
        select(
            AccessDecision.id,
            AccessDecision.at,
            AccessDecision.person,
            AccessDecision.door_code,
            AccessDecision.organisation_id,
            AccessDecision.room_ids,
        ).where(
            AccessDecision.door_id.in_(door_ids),
            AccessDecision.at >= since,
            AccessDecision.allowed.is_(True),
        )
    ).all()
    return [
        _Entry(r.id, r.at, r.person, r.door_code, r.organisation_id, tuple(r.room_ids))
        for r in rows
    ]


def site_occupants(
    session: Session, site_id: int, now: datetime, max_stay: timedelta
) -> list[Occupant]:
    """Everyone inside a room of the site now: the site's muster list."""
    since = now - LOOKBACK
    doors = list(session.scalars(select(Door.id).where(Door.site_id == site_id)))
    rooms = set(
        session.scalars(
            select(DoorGuard.room_id)
            .join(Door, Door.id == DoorGuard.door_id)
            .where(Door.site_id == site_id)
        )
    )
    exits = session.scalars(
        select(AccessExit).where(AccessExit.site_id == site_id, AccessExit.at >= since)
    ).all()
    return _occupants(_entries(session, doors, since), exits, site_id, rooms, now, max_stay)


def room_occupants(
    session: Session, room_id: int, now: datetime, max_stay: timedelta | None = None
) -> list[Occupant]:
    """Everyone inside one room now (the people an alarm in it must name)."""
    site_id = _site_of(session, room_id)
    if site_id is None:
        return []
    since = now - LOOKBACK
    doors = list(session.scalars(select(DoorGuard.door_id).where(DoorGuard.room_id == room_id)))
    entries = [e for e in _entries(session, doors, since) if room_id in e.room_ids]
    people = {e.person for e in entries}
    exits = (
        session.scalars(
            select(AccessExit).where(
                AccessExit.site_id == site_id,
                AccessExit.at >= since,
                AccessExit.person.in_(people),
            )
        ).all()
        if people
        else []
    )
    found = _occupants(entries, exits, site_id, {room_id}, now, max_stay or LOOKBACK)
    return [o for o in found if room_id in o.room_ids]


def sites_with_long_stays(session: Session, now: datetime, max_stay: timedelta) -> list[int]:
    """Sites where someone went in more than ``max_stay`` ago (and may still be inside)."""
    return list(
        session.scalars(
            select(Door.site_id)
            .join(AccessDecision, AccessDecision.door_id == Door.id)
            .where(
                AccessDecision.allowed.is_(True),
                AccessDecision.at >= now - LOOKBACK,
                AccessDecision.at < now - max_stay,
            )
            .distinct()
        )
    )


def _site_of(session: Session, room_id: int) -> int | None:
    return session.scalar(
        select(Building.site_id)
        .join(Room, Room.building_id == Building.id)
        .where(Room.id == room_id)
    )


def names_inside(session: Session, room_id: int | None, now: datetime) -> list[str]:
    """The names of the people inside a room, in the order they went in."""
    if room_id is None:
        return []
    return [o.person for o in room_occupants(session, room_id, now)]


def _visible_site(session: Session, principal: Principal, site_id: int) -> Site:
    site = session.get(Site, site_id)
    visible = visible_organisations(session, principal)
    if site is None:
        raise NotFound("scope.not_found", field="site_id", id=site_id)
    # a tenant's rooms on a landlord's site: the tenant sees its own doors there
    hidden = visible is not None and site.organisation_id not in visible
    if hidden and not _tenant_on_site(session, visible, site_id):
        raise NotFound("scope.not_found", field="site_id", id=site_id)
    return site


def _tenant_on_site(session: Session, visible: frozenset[int] | None, site_id: int) -> bool:
    if visible is None:
        return True
    return bool(
        session.scalar(
            select(Door.id).where(Door.site_id == site_id, Door.organisation_id.in_(visible))
        )
    )


def muster_sites(session: Session, principal: Principal) -> dict[int, str]:
    """Sites whose muster list the principal may read: its own, and those where its doors
    are (a tenant on a landlord's site)."""
    visible = visible_organisations(session, principal)
    query = select(Site.id, Site.name).order_by(Site.id)
    if visible is not None:
        doors = select(Door.site_id).where(Door.organisation_id.in_(visible))
        query = query.where(Site.organisation_id.in_(visible) | Site.id.in_(doors))
    return dict(session.execute(query).all())


def muster(
    session: Session, principal: Principal, site_id: int, now: datetime, max_stay: timedelta
) -> list[Occupant]:
    """The site's muster list as the principal may see it (people who came in through the
    doors of organisations it sees)."""
    _visible_site(session, principal, site_id)
    visible = visible_organisations(session, principal)
    return [
        o
        for o in site_occupants(session, site_id, now, max_stay)
        if visible is None or o.organisation_id in visible
    ]


def record_exit(
    session: Session,
    *,
    door_id: int,
    person: str,
    at: datetime,
    recorded_by: str = "",
) -> AccessExit:
    """A reader's exit event: the person left the rooms its door guards."""
    door = session.get(Door, door_id)
    if door is None:
        raise NotFound("access.unknown_door", field="door", door=door_id)
    row = AccessExit(
        at=at,
        organisation_id=door.organisation_id,
        site_id=door.site_id,
        door_id=door.id,
        person=person,
        kind=READER,
        room_ids=list(door.guarded_room_ids),
        recorded_by=recorded_by,
    )
    session.add(row)
    session.flush()
    return row


def check_out(
    session: Session,
    principal: Principal,
    *,
    site_id: int,
    person: str,
    at: datetime,
    now: datetime,
    reason: str,
    room_ids: list[int] | None = None,
) -> AccessExit:
    """A manual check-out (someone confirmed the person is out): of the rooms named, else of
    the whole site. Only a person who is inside can be checked out."""
    tenancy = Tenancy(session, principal)
    site = _visible_site(session, principal, site_id)
    person = person.strip()
    if not person:
        raise InvalidInput("occupancy.person_required", field="person")
    if at > now:
        raise InvalidInput("occupancy.check_out_in_future", field="at")
    for room_id in room_ids or []:
        room = tenancy.writable_room(room_id)
        if _site_of(session, room.id) != site_id:
            raise InvalidInput("occupancy.room_not_on_site", field="room_ids", id=room_id)
    inside = [
        o
        for o in site_occupants(session, site_id, now, LOOKBACK)
        if o.person == person and (not room_ids or set(room_ids) & set(o.room_ids))
    ]
    if not inside:
        raise InvalidInput("occupancy.not_inside", field="person", person=person)
    owners = {o.organisation_id for o in inside} | {site.organisation_id}
    tenancy.ensure_writable(owners, "person")
    organisation_id = next(
        (o for o in owners if o is not None and tenancy.may_write(o)), site.organisation_id
    )
    row = AccessExit(
        at=at,
        organisation_id=organisation_id,
        site_id=site_id,
        door_id=None,
        person=person,
        kind=MANUAL,
        room_ids=list(room_ids or []),
        recorded_by=principal.username,
        reason=reason,
    )
    session.add(row)
    session.flush()
    return row


def lookup(sessions: sessionmaker[Session]) -> Callable[[int, datetime], list[str]]:
    """The engine's question "who is inside this room?", in a session of its own."""

    def find(room_id: int, at: datetime) -> list[str]:
        with sessions() as session:
            return names_inside(session, room_id, at)

    return find
