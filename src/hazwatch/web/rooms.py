"""What a room card shows, gathered from the domain services with the viewer's Principal.

Kept apart from the NiceGUI page so the rules that matter for safety are testable without a
browser: a point whose quality is not good has no value (shown as unknown, never as a
number); a room's colour is its worst alarm state, and grey when any point is unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import utcnow
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.access.service import DatabaseState, load_layout, room_reasons
from hazwatch.monitoring.choices import AlarmState
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.odh import service as odh
from hazwatch.registry import service as registry
from hazwatch.registry.models import Door
from hazwatch.registry.resources import resource

#: Worst first: the first state present among a room's alarms colours the room.
STATE_ORDER = (
    AlarmState.ACTIVE_UNACK,
    AlarmState.ACTIVE_ACK,
    AlarmState.RTN_UNACK,
    AlarmState.SHELVED,
    AlarmState.SUPPRESSED,
    AlarmState.OUT_OF_SERVICE,
)


@dataclass(frozen=True)
class PointView:
    point_id: int
    code: str
    name: str
    kind: str
    unit: str
    modelled: bool
    value: float | None
    at: datetime | None
    quality: str
    conditions: tuple[str, ...]
    #: The detector's calibration failed or ran out (``monitoring.calibration``).
    uncalibrated: bool = False

    @property
    def known(self) -> bool:
        return self.quality == "good" and self.value is not None


@dataclass(frozen=True)
class DoorView:
    code: str
    name: str
    entry_allowed: bool
    reasons: tuple[dict[str, Any], ...]


@dataclass
class RoomView:
    room_id: int
    name: str
    site: str
    building: str
    site_id: int
    building_id: int
    ventilation_type: str
    air_changes_per_hour: float
    ventilation_interlocked: bool
    points: list[PointView] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    doors: list[DoorView] = field(default_factory=list)
    #: The current ODH class; None without a current assessment.
    odh_class: int | None = None
    #: An inert-gas room without a current assessment (a registry finding too).
    odh_missing: bool = False

    @property
    def status(self) -> str:
        """``alarm:<state>`` for the worst alarm; ``unknown`` if a point is unknown;
        ``unmonitored`` without points (nothing says the air is safe); else ``normal``."""
        states = {alarm.state for alarm in self.alarms}
        for state in STATE_ORDER:
            if state.value in states:
                return f"alarm:{state.value}"
        if any(not point.known for point in self.points):
            return "unknown"
        return "normal" if self.points else "unmonitored"

    @property
    def colour(self) -> str:
        status = self.status
        if status.startswith("alarm:"):
            return AlarmState(status.removeprefix("alarm:")).colour
        return "green" if status == "normal" else "grey"


def room_views(
    session: Session,
    who: Principal,
    *,
    room_id: int | None = None,
    present: Callable[[int], PointPresent | None] | None = None,
) -> list[RoomView]:
    """Room cards for every room ``who`` may see (or just ``room_id``); ``present``: see
    ``monitoring.service.point_statuses``."""
    filters = {"id": room_id} if room_id is not None else None
    rooms = registry.list_objects(session, who, resource("rooms"), filters=filters, limit=5000)
    buildings = {
        b.id: b for b in registry.list_objects(session, who, resource("buildings"), limit=5000)
    }
    sites = {s.id: s for s in registry.list_objects(session, who, resource("sites"), limit=5000)}
    configured = {p.id: p for p in monitoring.list_points(session, who, room_id=room_id)}
    points: dict[int, list[PointView]] = {}
    for status in monitoring.point_statuses(session, who, room_id=room_id, present=present):
        point = configured[status["point_id"]]
        if point.room_id is None:
            continue
        points.setdefault(point.room_id, []).append(
            PointView(
                point_id=point.id,
                code=point.code,
                name=point.name or point.code,
                kind=str(status["kind"]),
                unit=str(status["unit"]),
                modelled=bool(status["modelled"]),
                value=status["value"],
                at=status["at"],
                quality=str(status["quality"]),
                conditions=tuple(status["conditions"]),
                uncalibrated=bool(status.get("uncalibrated")),
            )
        )
    alarms: dict[int, list[Alarm]] = {}
    for alarm in monitoring.list_alarms(session, who, room_id=room_id):
        if alarm.room_id is not None:
            alarms.setdefault(alarm.room_id, []).append(alarm)
    doors = _doors_by_room(session)
    shown = [room.id for room in rooms]
    assessed, inert = odh.latest_by_room(session, shown), odh.with_inert_gas(session, shown)
    views = []
    for room in rooms:
        building = buildings.get(room.building_id)
        site = sites.get(building.site_id) if building else None
        assessment = assessed.get(room.id)
        current = assessment if assessment is not None and not assessment.stale else None
        views.append(
            RoomView(
                room_id=room.id,
                name=room.name,
                site=site.name if site else "",
                building=building.name if building else "",  # not visible: lessor's building
                site_id=site.id if site else 0,
                building_id=room.building_id,
                ventilation_type=str(room.ventilation_type),
                air_changes_per_hour=float(room.air_changes_per_hour or 0),
                ventilation_interlocked=room.ventilation_interlocked,
                points=points.get(room.id, []),
                alarms=alarms.get(room.id, []),
                doors=doors.get(room.id, []),
                odh_class=current.odh_class if current is not None else None,
                odh_missing=current is None and room.id in inert,
            )
        )
    return sorted(views, key=lambda v: (v.site, v.building, v.name))


def _doors_by_room(session: Session) -> dict[int, list[DoorView]]:
    """Each room's doors and whether the access check would let a person in right now
    (the same rule the door reader asks: unknown or low O2 refuses entry)."""
    state = DatabaseState(session)
    out: dict[int, list[DoorView]] = {}
    for layout in load_layout(session).values():
        door = session.get(Door, layout.id)
        reasons = tuple(r for room in layout.rooms for r in room_reasons(room, state, utcnow()))
        view = DoorView(layout.code, door.name if door else layout.code, not reasons, reasons)
        for room in layout.rooms:
            out.setdefault(room.id, []).append(view)
    return out
