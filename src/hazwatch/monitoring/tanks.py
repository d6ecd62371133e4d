"""Tank leak alarms in the live engine: one :class:`LeakDetector` per tank-level point.

The expected draw comes from the tank's supply agreement (monthly quantity → mm/h through
the tank's geometry and density) until a weekly profile is learned from stored history.
A detected leak raises, for every room the tank feeds (supplies with this tank and a room,
and hazard sources fed by those supplies), an urgent ``leak`` alarm on that room: the door
check then refuses entry to those rooms even where no detector is fitted.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.context import Context
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import Event, PointUpdate
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint, Reading
from hazwatch.physics.leak import DrawProfile, LeakDetector, tune_threshold
from hazwatch.physics.tank import TankGeometry
from hazwatch.registry.models import HazardSource, Room, Supply, Tank

log = logging.getLogger(__name__)

#: Level noise assumed until measured, mm (a good radar or DP gauge).
DEFAULT_NOISE_MM = 3.0
FALSE_ALARMS_PER_YEAR = 1.0
HISTORY = timedelta(days=28)
#: Window over which the current draw rate is estimated for the modelled O2.
RATE_WINDOW = timedelta(minutes=30)
STALE_AFTER = timedelta(minutes=15)


def geometry(tank: Tank) -> TankGeometry:
    return TankGeometry(
        float(tank.volume_m3), float(tank.diameter_m), horizontal=tank.orientation == "horizontal"
    )


def fed_rooms(session: Session, tank_id: int) -> list[Room]:
    supplies = session.scalars(select(Supply).where(Supply.tank_id == tank_id)).all()
    room_ids = {s.room_id for s in supplies if s.room_id is not None}
    supply_ids = [s.id for s in supplies]
    room_ids |= set(
        session.scalars(select(HazardSource.room_id).where(HazardSource.supply_id.in_(supply_ids)))
    )
    return list(session.scalars(select(Room).where(Room.id.in_(room_ids)).order_by(Room.id)))


def contracted_draw_mm_h(session: Session, tank: Tank) -> float:
    """Expected draw from the supply agreement (kg/month → mm/h)."""
    monthly = session.scalars(
        select(Supply.monthly_quantity_kg).where(
            Supply.tank_id == tank.id, Supply.monthly_quantity_kg.is_not(None)
        )
    ).all()
    kg_per_hour = float(sum((m for m in monthly if m is not None), Decimal(0))) / (30 * 24)
    kg_per_mm = geometry(tank).mass_at(1.0, float(tank.liquid_density_kg_m3))
    return kg_per_hour / kg_per_mm if kg_per_mm else 0.0


@cache
def tuning(noise_mm: float, interval: timedelta, budget: float) -> tuple[float, float]:
    """(allowance, threshold) for a noise level and budget; simulated once per process."""
    return tune_threshold(noise_mm, interval, budget, years=5)


class TankWatch:
    """Bus listener: feeds tank-level updates to the tank's detector; raises leak alarms."""

    def __init__(
        self, context: Context, engine: MonitoringEngine, interval: timedelta = timedelta(minutes=5)
    ) -> None:
        self.context = context
        self.engine = engine
        self.interval = interval
        self._detectors: dict[int, LeakDetector] = {}
        self._tank_of_point: dict[int, int] = {}
        self._recent: dict[int, deque[tuple[datetime, float]]] = {}

    def _detector(self, point_id: int) -> LeakDetector | None:
        if point_id in self._detectors:
            return self._detectors[point_id]
        with self.context.sessions() as session:
            point = session.get(MeasurementPoint, point_id)
            if point is None or point.kind != PointKind.TANK_LEVEL.value or point.tank_id is None:
                return None
            tank = session.get(Tank, point.tank_id)
            if tank is None:
                return None
            since = self.context.clock.now() - HISTORY
            history = session.execute(
                select(Reading.ts, Reading.value)
                .where(
                    Reading.point_id == point_id, Reading.ts >= since, Reading.value.is_not(None)
                )
                .order_by(Reading.ts)
            ).all()
            profile = DrawProfile.learn([(ts, v) for ts, v in history if v is not None])
            if len(profile.by_hour) < 24 * 7:  # not a full week yet: use the contract
                profile = DrawProfile(profile.by_hour, contracted_draw_mm_h(session, tank))
        allowance, threshold = tuning(DEFAULT_NOISE_MM, self.interval, FALSE_ALARMS_PER_YEAR)
        detector = LeakDetector(profile, threshold, allowance)
        self._detectors[point_id] = detector
        self._tank_of_point[point_id] = tank.id
        return detector

    def on_event(self, event: Event) -> None:
        if not isinstance(event, PointUpdate) or event.value is None:
            return
        config = self.engine.point(event.point_id)
        if config is None or config.kind is not PointKind.TANK_LEVEL:
            return
        detector = self._detector(event.point_id)
        if detector is None:
            return
        recent = self._recent.setdefault(event.point_id, deque())
        recent.append((event.at, event.value))
        while recent and event.at - recent[0][0] > RATE_WINDOW:
            recent.popleft()
        if not detector.update(event.at, event.value):
            return
        self._raise_leak(event, self._tank_of_point[event.point_id])

    def excess_draw_mm_h(self, point_id: int, now: datetime) -> float | None:
        """Level drop beyond the expected draw over the last half hour (mm/h); None when the
        telemetry is too old or too thin to say (then the modelled O2 is unknown)."""
        recent = self._recent.get(point_id)
        detector = self._detectors.get(point_id)
        if not recent or detector is None or now - recent[-1][0] > STALE_AFTER:
            return None
        (first_at, first), (last_at, last) = recent[0], recent[-1]
        hours = (last_at - first_at).total_seconds() / 3600
        if hours <= 0:
            return 0.0 if len(recent) == 1 else None
        rate = (first - last) / hours
        return max(0.0, rate - detector.profile.expected(last_at))

    def _raise_leak(self, event: PointUpdate, tank_id: int) -> None:
        with self.context.sessions() as session:
            rooms = fed_rooms(session, tank_id)
            tank = session.get(Tank, tank_id)
        names = "、".join(room.name for room in rooms) or "-"
        log.warning("leak suspected on tank %s feeding %s", tank_id, names)
        targets: list[tuple[int | None, int]] = [(room.id, room.organisation_id) for room in rooms]
        if not targets:
            targets = [(None, event.organisation_id)]
        for room_id, organisation_id in targets:
            self.engine.set_condition(
                site_id=event.site_id,
                source=f"tank:{tank_id}:room:{room_id}",
                condition="leak",
                active=True,
                at=event.at,
                organisation_id=organisation_id,
                room_id=room_id,
                point_id=None,
                value=event.value,
                message_key="monitoring.alarm.tank_leak",
                params={"tank": tank.name if tank else str(tank_id), "rooms": names},
            )
