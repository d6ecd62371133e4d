"""A building's floor plan sketch (issue 13 item 5): its rooms as boxes with their
detectors, its doors and the rooms each guards, from the registry. A room is as deep as the
doors guarding it: the 2·7 suite reads entrance reader → changing room and dry room 2 →
inner door → dry room 1, as it was. A person may drag a box; the placement is kept
(``RoomPlacement``, audited), the rest stay laid out by depth."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import NotFound
from hazwatch.monitoring.models import MeasurementPoint as Point
from hazwatch.registry import service
from hazwatch.registry.models import Building, Door, DoorGuard, Room, RoomPlacement
from hazwatch.registry.resources import resource
from hazwatch.registry.schemas import PlacementIn, PlanDoorOut, PlanOut, PlanRoomOut
from hazwatch.registry.scope import Tenancy

#: A room's box and the gaps of the laid-out plan, plan units.
BOX_W, BOX_H = 180, 110
GAP_X, GAP_Y = 70, 30
MARGIN = 20


def building_plan(session: Session, who: Principal, building_id: int) -> PlanOut:
    """The rooms of the building that ``who`` sees, its doors guarding them, placed. A
    tenant sees the plan of its rooms in its landlord's building (not the building's name:
    the building is not its to see)."""
    rooms: list[Room] = service.list_objects(
        session, who, resource("rooms"), filters={"building_id": building_id}, limit=1000
    )
    building = session.get(Building, building_id)
    if building is None or not (rooms or Tenancy(session, who).may_see(building.organisation_id)):
        raise NotFound("scope.not_found")
    visible = Tenancy(session, who).may_see(building.organisation_id)
    ids = [room.id for room in rooms]
    guards = session.execute(
        select(DoorGuard.door_id, DoorGuard.room_id).where(DoorGuard.room_id.in_(ids))
    ).all()
    depth = dict.fromkeys(ids, 0)
    guarded: dict[int, list[int]] = {}
    for door_id, room_id in guards:
        depth[room_id] += 1
        guarded.setdefault(door_id, []).append(room_id)
    doors = session.scalars(select(Door).where(Door.id.in_(guarded)).order_by(Door.code)).all()
    placed = {
        p.room_id: p
        for p in session.scalars(select(RoomPlacement).where(RoomPlacement.room_id.in_(ids)))
    }
    points: dict[int | None, list[str]] = {}
    for point in session.scalars(select(Point).where(Point.room_id.in_(ids)).order_by(Point.code)):
        points.setdefault(point.room_id, []).append(point.code)
    row_of: dict[int, int] = {}
    shown = []
    for room in sorted(rooms, key=lambda r: (depth[r.id], r.name)):
        row = row_of[depth[room.id]] = row_of.get(depth[room.id], -1) + 1
        own = placed.get(room.id)
        shown.append(
            PlanRoomOut(
                id=room.id,
                name=room.name,
                x=own.x if own else MARGIN + depth[room.id] * (BOX_W + GAP_X),
                y=own.y if own else MARGIN + row * (BOX_H + GAP_Y),
                depth=depth[room.id],
                placed=own is not None,
                points=points.get(room.id, []),
            )
        )
    return PlanOut(
        building_id=building.id,
        building=building.name if visible else None,
        width=max((r.x for r in shown), default=0) + BOX_W + MARGIN,
        height=max((r.y for r in shown), default=0) + BOX_H + MARGIN,
        rooms=shown,
        doors=[
            PlanDoorOut(
                id=door.id,
                code=door.code,
                name=door.name,
                guards=sorted(guarded[door.id]),
                at_room=min(guarded[door.id], key=lambda r: (depth[r], r)),
            )
            for door in doors
        ],
    )


def place_room(session: Session, who: Principal, room_id: int, data: PlacementIn) -> None:
    """Keep where a person dragged the room's box (the room's occupant, or who may write
    for it)."""
    room = session.get(Room, room_id)
    tenancy = Tenancy(session, who)
    if room is None or not tenancy.may_see(room.organisation_id):
        raise NotFound("scope.not_found")
    tenancy.ensure_writable([room.organisation_id])
    placement = session.get(RoomPlacement, room_id)
    if placement is None:
        placement = RoomPlacement(room_id=room_id, organisation_id=room.organisation_id)
        session.add(placement)
    placement.x, placement.y = data.x, data.y
    session.flush()
