"""How the engine takes a batch: storage by exception with every reading still evaluated and
counted, and a point's readings taken together exactly as if they came one by one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import AlarmChange, Event, EventBus, PointUpdate
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import PointState, Reading, ReadingMinute
from hazwatch.monitoring.schemas import PointIn
from tests.monitoring.conftest import Plant, alarm_changes


def o2(code: str, ts: datetime, value: float | None, fault: str | None = None) -> ReadingIn:
    return ReadingIn(code, ts, value, "%vol", fault=fault)


def stored(context: Context, point_id: int) -> list[tuple[datetime, float | None, str | None]]:
    with context.sessions() as session:
        rows = session.execute(
            select(Reading.ts, Reading.value, Reading.status)
            .where(Reading.point_id == point_id)
            .order_by(Reading.ts)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def minutes(context: Context, point_id: int) -> list[tuple[Any, ...]]:
    with context.sessions() as session:
        rows = session.scalars(
            select(ReadingMinute)
            .where(ReadingMinute.point_id == point_id)
            .order_by(ReadingMinute.minute)
        ).all()
    return [(m.minute, m.count, m.minimum, m.maximum, round(m.total, 6), m.last) for m in rows]


def test_a_steady_detector_stores_its_moves_alarms_and_heartbeats_and_counts_everything(
    engine: MonitoringEngine, clock: ManualClock, context: Context, plant: Plant
) -> None:
    t = clock.now() - timedelta(minutes=5)
    steady = [o2("O2-DRY1", t + timedelta(seconds=s), 20.88 + 0.04 * (s % 2)) for s in range(150)]
    engine.submit(steady)
    drop = t + timedelta(seconds=150)
    engine.submit([o2("O2-DRY1", drop, 19.4)])  # below 19.5: raises the low alarm
    engine.flush()
    rows = stored(context, plant.o2_point)
    assert [ts - t for ts, _, _ in rows] == [
        timedelta(seconds=0),  # the first
        timedelta(seconds=60),  # heartbeats
        timedelta(seconds=120),
        timedelta(seconds=149),  # the reading before the alarm, then the alarm's own
        timedelta(seconds=150),
    ]
    assert rows[-1][1] == 19.4
    counted = minutes(context, plant.o2_point)
    assert sum(count for _, count, *_ in counted) == 151  # every reading, once
    assert min(low for _, _, low, *_ in counted) == 19.4
    with context.sessions() as session:
        state = session.get(PointState, plant.o2_point)
        assert state is not None and (state.at, state.value) == (drop, 19.4)


@pytest.fixture
def twin(context: Context, plant: Plant, engine: MonitoringEngine) -> int:
    """A second O2 detector in the dry room, configured like the first."""
    with context.unit_of_work() as session:
        point = service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=plant.demo["plant"],
                organisation_id=plant.demo["lab"],
                room_id=plant.demo["dry_room_1"],
                code="O2-TWIN",
                kind=PointKind.O2,
                expected_interval_s=10,
            ),
        )
    engine.reload()
    return point.id


def story(start: datetime, code: str) -> list[ReadingIn]:
    """Ten minutes at 1 s: noise, a dip through low and low-low and back, a fault, a
    missing value, a duplicate and a late reading, a slow drift."""
    rng = random.Random(7)
    readings = []
    for second in range(600):
        if 100 <= second < 160:
            value = 20.9 - (second - 100) * 0.05  # down to 17.95
        elif 160 <= second < 220:
            value = 17.95 + (second - 160) * 0.05
        elif second > 400:
            value = 20.9 - (second - 400) * 0.002
        else:
            value = 20.9
        reading = o2(code, start + timedelta(seconds=second), round(value + rng.gauss(0, 0.03), 2))
        if second == 300:
            reading = o2(code, reading.ts, None, "sensor_fault")
        if second == 305:
            reading = o2(code, reading.ts, None)
        readings.append(reading)
        if second == 350:
            readings.append(readings[-3])  # a duplicate
        if second == 360:
            readings.append(o2(code, start + timedelta(seconds=359, milliseconds=500), 20.9))
    return readings


def test_a_batch_is_taken_exactly_as_the_same_readings_one_by_one(
    engine: MonitoringEngine,
    clock: ManualClock,
    context: Context,
    plant: Plant,
    twin: int,
    events: list[Event],
) -> None:
    start = clock.now() - timedelta(minutes=15)
    for reading in story(start, "O2-DRY1"):
        engine.submit([reading])
    together = story(start, "O2-TWIN")
    rng = random.Random(3)
    while together:
        size = rng.randint(1, 40)
        engine.submit(together[:size])
        together = together[size:]
    engine.flush()

    def alarms(point_id: int) -> list[tuple[str, str, datetime]]:
        return [
            (c.condition, c.state, c.at) for c in alarm_changes(events) if c.point_id == point_id
        ]

    assert alarms(plant.o2_point) == alarms(twin)
    assert {condition for condition, _, _ in alarms(twin)} >= {"low", "low_low", "fault"}
    assert stored(context, plant.o2_point) == stored(context, twin)
    assert minutes(context, plant.o2_point) == minutes(context, twin)
    with context.sessions() as session:
        one, other = session.get(PointState, plant.o2_point), session.get(PointState, twin)
        assert one is not None and other is not None
        assert (one.at, one.value, one.quality, one.conditions) == (
            other.at,
            other.value,
            other.quality,
            other.conditions,
        )
    last = [e for e in events if isinstance(e, PointUpdate) and e.point_id == twin][-1]
    assert last.at == start + timedelta(seconds=599) and last.kind == "o2"


def test_status_shows_the_newest_reading_where_storage_holds_the_newest_kept(
    engine: MonitoringEngine, clock: ManualClock, context: Context, plant: Plant
) -> None:
    t = clock.now() - timedelta(seconds=30)
    engine.submit([o2("O2-DRY1", t + timedelta(seconds=s), 20.9) for s in range(30)])

    def status(**present: Any) -> dict[str, Any]:
        with context.sessions() as session:
            rows = service.point_statuses(session, SYSTEM, **present)
        return next(row for row in rows if row["point_id"] == plant.o2_point)

    assert status()["at"] == t  # the stored state: the first reading, nothing moved since
    live = status(present=engine.present)
    assert (live["at"], live["value"], live["quality"]) == (t + timedelta(seconds=29), 20.9, "good")


def test_the_bus_hands_each_listener_only_the_events_it_asked_for() -> None:
    bus = EventBus()
    everything: list[Event] = []
    updates: list[Event] = []
    bus.subscribe(everything.append)
    stop = bus.subscribe(updates.append, PointUpdate)
    levels: list[Event] = []
    bus.subscribe_kind(levels.append, "tank_level")
    update = PointUpdate(1, 1, 1, None, datetime(2025, 2, 7, tzinfo=UTC), 20.9, "good", "o2")
    level = update._replace(kind="tank_level", value=1500.0)
    change = AlarmChange(1, 1, 1, None, 1, "low", "high", "active_unack", "normal", update.at)
    bus.publish(update)
    bus.publish(change)
    bus.publish(level)
    stop()
    bus.publish(update)
    assert everything == [update, change, level, update]
    assert updates == [update, level]
    assert levels == [level]
