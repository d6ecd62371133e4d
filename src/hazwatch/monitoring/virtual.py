"""Modelled O2: a virtual sensor for rooms with an inert-gas source (issue #5, item 2).

Each ``o2_modelled`` point in a room with an inert-gas source holds the room's modelled O2
fraction. Every engine tick advances the well-mixed room model
(:class:`hazwatch.physics.room.RoomState`, exact over each step) with the room's current
inert-gas inflow and its current exhaust, and submits the result as an ordinary reading of
the modelled point (``source="model"``), so alarms, escalation and the door check treat it
like any O2 point while every display labels it *modelled*.

Inflow: a flow meter in the room when it reports good values, else the excess drop of the
tank that feeds the room as the leak detector attributes it (level drop beyond the expected
draw, as gas at room conditions; see :mod:`hazwatch.monitoring.tanks.attribution`).
The whole excess is attributed to every room the tank feeds: nobody knows which one the gas
is escaping into, and the safe assumption is that it could be any of them.

Exhaust: a continuously running mechanical exhaust counts at the registered air changes; an
interlocked one only while its last confirmed fan command is ``start_fan``.

Without fresh inputs the model cannot know the room: it submits a fault (``inputs_stale``),
so the modelled value is unknown, never "safe". A reading is submitted at half the point's
expected interval, or sooner when the value moved by ``REPORT_CHANGE`` (a falling room is
reported at once, a steady one does not flood the reading store).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.context import Context
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint, Reading
from hazwatch.monitoring.tanks.feeds import fed_rooms, kg_per_mm
from hazwatch.monitoring.tanks.watch import TankWatch
from hazwatch.physics.expansion import gas_volume_from_mass
from hazwatch.physics.room import C0, RoomState
from hazwatch.registry.choices import HazardKind, VentilationType
from hazwatch.registry.models import HazardSource, Room, Tank

#: CoolProp names of the inert fluids a tank may hold, by the names the registry uses.
COOLPROP_FLUID = {
    **dict.fromkeys(("n2", "ln2", "nitrogen", "氮", "氮气", "液氮"), "Nitrogen"),
    **dict.fromkeys(("ar", "lar", "argon", "氩", "氩气", "液氩"), "Argon"),
    **dict.fromkeys(("co2", "lco2", "carbon dioxide", "二氧化碳", "液态二氧化碳"), "CarbonDioxide"),
    **dict.fromkeys(("he", "lhe", "helium", "氦", "氦气", "液氦"), "Helium"),
}
#: Submit at once when the modelled O2 moved by this much (% vol) since the last reading.
REPORT_CHANGE = 0.1
FAN_ACTIONS = ("start_fan", "stop_fan")
MECHANICAL = (VentilationType.EXHAUST, VentilationType.BALANCED)


@dataclass(frozen=True)
class ModelledRoom:
    point_id: int
    point_code: str
    report_every: timedelta
    room_id: int
    volume_m3: float
    extract_m3_h: float  # the exhaust's flow when it runs
    interlocked: bool  # runs only when started by an interlock
    flow_point: int | None
    tank_id: int | None
    gas_m3_per_mm: float  # gas at room conditions per mm of the feeding tank's level


def coolprop_fluid(fluid: str) -> str | None:
    return COOLPROP_FLUID.get(fluid.strip().lower())


def load_rooms(session: Session) -> list[ModelledRoom]:
    """Every modelled O2 point in a room with an inert-gas source, with what feeds it."""
    rooms: list[ModelledRoom] = []
    tanks = session.scalars(select(Tank).order_by(Tank.id)).all()
    feeds = {tank.id: {room.id for room in fed_rooms(session, tank.id)} for tank in tanks}
    modelled = session.scalars(
        select(MeasurementPoint).where(MeasurementPoint.kind == PointKind.O2_MODELLED.value)
    )
    for point in modelled:
        room = session.get(Room, point.room_id) if point.room_id else None
        if room is None or room.volume_m3 is None or not _has_inert_source(session, room.id):
            continue
        volume = float(room.volume_m3)
        mechanical = room.ventilation_type in MECHANICAL
        flow = session.scalar(
            select(MeasurementPoint.id).where(
                MeasurementPoint.room_id == room.id, MeasurementPoint.kind == PointKind.FLOW.value
            )
        )
        tank = next((t for t in tanks if room.id in feeds[t.id]), None)
        fluid = coolprop_fluid(tank.fluid) if tank is not None else None
        per_mm = (
            gas_volume_from_mass(kg_per_mm(tank), fluid)
            if tank is not None and fluid is not None
            else 0.0
        )
        rooms.append(
            ModelledRoom(
                point.id,
                point.code,
                timedelta(seconds=point.expected_interval_s / 2),
                room.id,
                volume,
                float(room.air_changes_per_hour) * volume if mechanical else 0.0,
                room.ventilation_interlocked,
                flow,
                tank.id if tank is not None and fluid is not None else None,
                per_mm,
            )
        )
    return rooms


def _has_inert_source(session: Session, room_id: int) -> bool:
    found = session.scalar(
        select(HazardSource.id).where(
            HazardSource.room_id == room_id, HazardSource.kind == HazardKind.INERT_GAS.value
        )
    )
    return found is not None


def running_fans(session: Session, room_ids: list[int]) -> set[int]:
    """Rooms whose last confirmed fan command was ``start_fan`` (unconfirmed: off)."""
    rows = session.execute(
        select(InterlockRule.room_id, InterlockCommand.action)
        .join(InterlockRule, InterlockRule.id == InterlockCommand.rule_id)
        .where(
            InterlockRule.room_id.in_(room_ids),
            InterlockCommand.status == "confirmed",
            InterlockCommand.action.in_(FAN_ACTIONS),
        )
        .order_by(InterlockCommand.confirmed_at, InterlockCommand.id)
    )
    running: dict[int, bool] = {}
    for room_id, action in rows:
        if room_id is not None:
            running[room_id] = action == "start_fan"
    return {room_id for room_id, on in running.items() if on}


@dataclass
class Modelled:
    """A room's model as of its last step, and what was last reported."""

    at: datetime
    state: RoomState
    reported_at: datetime | None = None
    reported: float | None = None
    seen_mm: float | None = None  # the tank's attributed excess already put into the room


class VirtualOxygen:
    """Engine tick hook producing ``o2_modelled`` readings."""

    def __init__(self, context: Context, engine: MonitoringEngine, tanks: TankWatch) -> None:
        self.context = context
        self.engine = engine
        self.tanks = tanks
        self._rooms: list[ModelledRoom] = []
        self._revision: int | None = None
        self._models: dict[int, Modelled] = {}

    def inflow(
        self, room: ModelledRoom, model: Modelled, now: datetime, hours: float
    ) -> float | None:
        """Inert-gas inflow over the step (m³/h at room conditions), or None when unknown.

        A flow meter gives the rate itself; a tank gives the excess drop attributed since
        the last step (:mod:`hazwatch.monitoring.tanks.attribution`), spread over the step.
        """
        if room.flow_point is not None:
            quality, value, _ = self.engine.point_facts(room.flow_point)
            if quality == "good" and value is not None:
                return max(value, 0.0)
        if room.tank_id is None:
            return None
        attributed = self.tanks.attributed_excess_mm(room.tank_id, now)
        if attributed is None:
            return None
        if model.seen_mm is None:  # first sight: what came before is in the resumed value
            model.seen_mm = attributed
        if hours <= 0:
            return 0.0
        fresh, model.seen_mm = max(attributed - model.seen_mm, 0.0), max(attributed, model.seen_mm)
        return fresh * room.gas_m3_per_mm / hours

    def _start(self, room: ModelledRoom, now: datetime) -> Modelled:
        """Resume from the point's last modelled value, stepping the downtime with the
        inflow seen now (a restart must not forget a falling room); a new point starts from
        fresh air."""
        with self.context.sessions() as session:
            last = session.execute(
                select(Reading.ts, Reading.value)
                .where(Reading.point_id == room.point_id, Reading.value.is_not(None))
                .order_by(Reading.ts.desc())
                .limit(1)
            ).first()
        if last is None or last.value is None:
            return Modelled(now, RoomState(room.volume_m3, C0))
        return Modelled(min(last.ts, now), RoomState(room.volume_m3, last.value / 100))

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:
            self._revision = audit_revision()
            with self.context.sessions() as session:
                # a partition's engine models the rooms of its own sites (their points are
                # the ones it serves), not every engine every room
                self._rooms = [
                    room
                    for room in load_rooms(session)
                    if self.engine.point(room.point_id) is not None
                ]
        if not self._rooms:
            return
        interlocked = [r.room_id for r in self._rooms if r.interlocked]
        fans: set[int] = set()
        if interlocked:
            with self.context.sessions() as session:
                fans = running_fans(session, interlocked)
        readings = []
        for room in self._rooms:
            model = self._models.get(room.point_id) or self._start(room, now)
            self._models[room.point_id] = model
            hours = max((now - model.at).total_seconds(), 0.0) / 3600
            inflow = self.inflow(room, model, now, hours)
            if inflow is None:  # the gap is stepped with the inflow seen when inputs return
                if self._due(model, room, None, now):
                    readings.append(
                        ReadingIn(room.point_code, now, None, "%vol", fault="inputs_stale")
                    )
                    model.reported, model.reported_at = None, now
                continue
            running = not room.interlocked or room.room_id in fans
            extract = room.extract_m3_h if running else 0.0
            model.state, model.at = model.state.step(hours, inflow, extract), now
            value = round(model.state.o2 * 100, 3)
            if self._due(model, room, value, now):
                readings.append(ReadingIn(room.point_code, now, value, "%vol"))
                model.reported, model.reported_at = value, now
        if readings:
            self.engine.submit(readings, source="model")

    @staticmethod
    def _due(model: Modelled, room: ModelledRoom, value: float | None, now: datetime) -> bool:
        if model.reported_at is None or now - model.reported_at >= room.report_every:
            return True
        if value is None or model.reported is None:
            return value != model.reported
        return abs(value - model.reported) >= REPORT_CHANGE
