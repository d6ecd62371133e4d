"""Modelled O2: a virtual sensor for rooms with an inert-gas source (issue #5, item 2).

For each room that has an inert-gas source and an ``o2_modelled`` point, every engine tick
advances the well-mixed room model (:class:`hazwatch.physics.room.RoomState`) with the
room's current inflow estimate and its ventilation, and submits the result as an ordinary
reading of the modelled point, so alarms, escalation and the door check treat it like any
O2 point while every display labels it *modelled*. The inflow comes from a flow meter in
the room when it reports, else from the excess draw of the tank that feeds the room, shared
between the rooms it feeds. Without fresh inputs the model cannot know the room: it submits
a fault (``inputs_stale``), which makes the modelled value unknown, never "safe".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.context import Context
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.monitoring.tanks import TankWatch, fed_rooms, geometry
from hazwatch.physics.expansion import gas_volume_from_mass
from hazwatch.physics.room import RoomState
from hazwatch.registry.choices import HazardKind, VentilationType
from hazwatch.registry.models import HazardSource, Room, Tank

SUBSTANCE = "Nitrogen"  # CoolProp name of the inert gas the demo rooms are fed with


@dataclass(frozen=True)
class ModelledRoom:
    point_code: str
    room_id: int
    volume_m3: float
    extract_m3_h: float
    flow_point: int | None
    tank_point: int | None
    gas_m3_per_mm: float
    share: float


def load_rooms(session: Session) -> list[ModelledRoom]:
    """Every modelled O2 point in a room with an inert-gas source, with what feeds it."""
    rooms: list[ModelledRoom] = []
    modelled = session.scalars(
        select(MeasurementPoint).where(MeasurementPoint.kind == PointKind.O2_MODELLED.value)
    )
    for point in modelled:
        room = session.get(Room, point.room_id) if point.room_id else None
        if room is None or room.volume_m3 is None:
            continue
        inert = session.scalar(
            select(HazardSource.id).where(
                HazardSource.room_id == room.id, HazardSource.kind == HazardKind.INERT_GAS.value
            )
        )
        if inert is None:
            continue
        volume = float(room.volume_m3)
        ventilated = room.ventilation_type in (VentilationType.EXHAUST, VentilationType.BALANCED)
        extract = float(room.air_changes_per_hour) * volume if ventilated else 0.0
        flow = session.scalar(
            select(MeasurementPoint.id).where(
                MeasurementPoint.room_id == room.id, MeasurementPoint.kind == PointKind.FLOW.value
            )
        )
        tank_point, per_mm, share = None, 0.0, 1.0
        for tank in session.scalars(select(Tank)):
            feeds = fed_rooms(session, tank.id)
            if any(r.id == room.id for r in feeds):
                tank_point = session.scalar(
                    select(MeasurementPoint.id).where(
                        MeasurementPoint.tank_id == tank.id,
                        MeasurementPoint.kind == PointKind.TANK_LEVEL.value,
                    )
                )
                kg_per_mm = geometry(tank).mass_at(1.0, float(tank.liquid_density_kg_m3))
                per_mm = gas_volume_from_mass(kg_per_mm, SUBSTANCE)
                share = 1 / len(feeds)
                break
        rooms.append(
            ModelledRoom(point.code, room.id, volume, extract, flow, tank_point, per_mm, share)
        )
    return rooms


class VirtualOxygen:
    """Engine tick hook producing ``o2_modelled`` readings."""

    def __init__(self, context: Context, engine: MonitoringEngine, tanks: TankWatch) -> None:
        self.context = context
        self.engine = engine
        self.tanks = tanks
        self._rooms: list[ModelledRoom] = []
        self._revision: int | None = None
        self._states: dict[str, tuple[datetime, RoomState]] = {}

    def inflow(self, room: ModelledRoom, now: datetime) -> float | None:
        """Inert-gas inflow (m³/h at room conditions), or None when unknown."""
        if room.flow_point is not None:
            quality, value, _ = self.engine.point_facts(room.flow_point)
            if quality == "good" and value is not None:
                return value
        if room.tank_point is not None:
            excess = self.tanks.excess_draw_mm_h(room.tank_point, now)
            if excess is not None:
                return excess * room.gas_m3_per_mm * room.share
        return None

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision or not self._rooms:
            with self.context.sessions() as session:
                self._rooms = load_rooms(session)
            self._revision = audit_revision()
        readings = []
        for room in self._rooms:
            inflow = self.inflow(room, now)
            last_at, state = self._states.get(room.point_code, (now, RoomState(room.volume_m3)))
            if inflow is None:
                readings.append(ReadingIn(room.point_code, now, None, "%vol", fault="inputs_stale"))
                self._states[room.point_code] = (now, state)
                continue
            hours = max((now - last_at).total_seconds(), 0.0) / 3600
            state = state.step(hours, inflow, room.extract_m3_h)
            self._states[room.point_code] = (now, state)
            readings.append(ReadingIn(room.point_code, now, round(state.o2 * 100, 3), "%vol"))
        if readings:
            self.engine.submit(readings, source="model")
