"""Replays a scenario on a simulated clock through the live pipeline.

The world (:mod:`.world`) produces sensor readings; they go through
``MonitoringEngine.submit`` exactly as MQTT readings do, and the engine's tick, the
escalation ladder, the interlocks (whose commands reach the world's fans through a command
transport), the tank leak detector, the modelled-O2 virtual sensor and the door access check
are the :class:`~hazwatch.monitoring.runtime.EngineRuntime` a live server runs. Only the
clock (a :class:`~hazwatch.core.clock.ManualClock`) and the database (a throw-away SQLite
file) differ.

Readings are submitted in windows no longer than the engine tick and no longer than the
shortest fan start delay: a command raised by a reading inside a window can then only take
effect after that window, so batching never lets the world run ahead of HazWatch's answer.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import build_context
from hazwatch.core.db import Base
from hazwatch.core.settings import Settings
from hazwatch.emergency import service as emergency
from hazwatch.emergency.models import ScbaSet
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.events import AlarmChange, Event
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.interlocks.models import InterlockCommand
from hazwatch.monitoring.kinds import KINDS, PointKind
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.writer import ReadingWriter
from hazwatch.scenarios.build import Built, build
from hazwatch.scenarios.format import (
    DoorEvent,
    FanEvent,
    ReleaseEvent,
    ScbaCheckEvent,
    SensorSpec,
)
from hazwatch.scenarios.loader import LoadedScenario
from hazwatch.scenarios.world import World

Progress = Callable[[int], None]
#: Rows the replay's writer gathers before a transaction (nothing reads them meanwhile).
HELD_ROWS = 20_000
#: The replay's throw-away database lives in memory-backed storage where the system has it.
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None
UNIT = {kind.value: spec.unit for kind, spec in KINDS.items()}


class Actuators:
    """The interlock command transport of a replay: commands are held until the runner
    hands them to the world's fans at the instant they were sent."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, str, str]] = []

    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None:
        self.pending.append((device_code, str(message["action"]), str(message["command_id"])))


@dataclass
class Run:
    """Everything a replay observed, in the order it happened (raw, before assembly)."""

    built: Built
    world: World
    times: list[datetime] = field(default_factory=list)
    series: dict[str, list[float | None]] = field(default_factory=dict)
    alarms: list[AlarmChange] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    access: list[dict[str, Any]] = field(default_factory=list)
    scba_checks: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    readings: int = 0
    wall_seconds: float = 0.0


def window_seconds(loaded: LoadedScenario) -> int:
    spec = loaded.spec
    delays = [fan.start_delay_s for fan in spec.fans if fan.interlock is not None]
    return max(min([spec.tick_s, *delays]), 1)


def run(loaded: LoadedScenario, progress: Progress | None = None) -> Run:
    with (
        tempfile.TemporaryDirectory(prefix="hazwatch-replay-", dir=SCRATCH) as folder,
        _simulated_plant_is_quiet(),
    ):
        return _run(loaded, Path(folder), progress)


@contextmanager
def _simulated_plant_is_quiet() -> Iterator[None]:
    """The replayed pipeline's warnings (a suspected leak, a step with no contact) are the
    story the timeline tells in the reader's language, not log lines in the middle of it."""
    logger = logging.getLogger("hazwatch")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def _run(loaded: LoadedScenario, folder: Path, progress: Progress | None) -> Run:
    spec = loaded.spec
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'replay.db'}",
        ingest_enabled=False,
        timezone=spec.timezone,
    )
    clock = ManualClock(loaded.start)
    context = build_context(settings, clock)
    Base.metadata.create_all(context.engine)
    with context.unit_of_work() as session:
        built = build(session, spec, loaded.local(loaded.start).date())
    actuators = Actuators()
    writer = ReadingWriter(context.engine, threaded=False, hold=HELD_ROWS)
    runtime = EngineRuntime(context, transport=actuators, writer=writer)
    record = Run(built, World(spec))
    runtime.bus.subscribe(lambda event: _on_event(record, event), AlarmChange)
    started = time.perf_counter()
    try:
        _Loop(loaded, runtime, actuators, record, clock, progress).run()
        runtime.engine.flush()
        _collect(context, record)
    finally:
        runtime.stop()
        context.dispose()
    record.wall_seconds = time.perf_counter() - started
    return record


def _on_event(record: Run, event: Event) -> None:
    if isinstance(event, AlarmChange):
        record.alarms.append(event)


def _collect(context: Any, record: Run) -> None:
    with context.sessions() as session:
        for notification in session.scalars(select(Notification).order_by(Notification.id)):
            record.notifications.append(
                {
                    "at": notification.created_at,
                    "alarm_id": notification.alarm_id,
                    "step": notification.step,
                    "round": notification.round,
                    "target": notification.target,
                    "channel": notification.channel,
                    "status": notification.status,
                }
            )
        for command in session.scalars(select(InterlockCommand).order_by(InterlockCommand.id)):
            record.commands.append(
                {
                    "sent_at": command.sent_at,
                    "alarm_id": command.alarm_id,
                    "action": command.action,
                    "device": command.device_code,
                    "status": command.status,
                    "confirmed_at": command.confirmed_at,
                }
            )


class _Loop:
    def __init__(
        self,
        loaded: LoadedScenario,
        runtime: EngineRuntime,
        actuators: Actuators,
        record: Run,
        clock: ManualClock,
        progress: Progress | None,
    ) -> None:
        self.loaded = loaded
        self.spec = loaded.spec
        self.runtime = runtime
        self.actuators = actuators
        self.record = record
        self.world = record.world
        self.clock = clock
        self.progress = progress
        sampled = [s for s in self.spec.sensors if s.kind != "o2_modelled"]
        #: Sensors read together: those sharing a sampling interval.
        self.samplers = [
            (interval, self.world.sampler(group), [(s.code, UNIT[s.kind]) for s in group])
            for interval in sorted({s.interval_s for s in sampled})
            if (group := [s for s in sampled if s.interval_s == interval])
        ]
        #: Each sampler's latest values, and where a sensor's value sits among them.
        self.last_sample: dict[int, list[float]] = {}
        self.sample_slot = {
            code: (index, position)
            for index, (_interval, _sampler, points) in enumerate(self.samplers)
            for position, (code, _unit) in enumerate(points)
        }
        self.events = list(zip(loaded.event_times, self.spec.events, strict=True))
        self._series_keys()

    def _series_keys(self) -> None:
        spec = self.spec
        watched = {s.room for s in spec.sources} | {s.room for s in spec.sensors if s.room}
        self.truth_rooms = [room.id for room in spec.rooms if room.id in watched]
        keys = [f"o2:{room}" for room in self.truth_rooms]
        if spec.tank is not None:
            keys.append(f"level:{spec.tank.id}")
        keys += [f"point:{sensor.code}" for sensor in spec.sensors]
        keys += [f"fan:{fan.code}" for fan in spec.fans]
        self.record.series = {key: [] for key in keys}

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        start, end = self.loaded.start, self.loaded.end
        total = int((end - start).total_seconds())
        window, tick = window_seconds(self.loaded), self.spec.tick_s
        offset, next_tick, next_record = 0, tick, 0
        self._submit(self._sample(0))
        self._apply_events(start)
        self._keep(start)
        next_record = self.spec.record_s
        while offset < total:
            stop = min(offset + window, next_tick, total, self._next_event_offset(offset))
            readings = self._advance(offset, stop)
            offset = stop
            now = start + timedelta(seconds=offset)
            self.clock.set(now)
            self._submit(readings)
            if offset >= next_tick:
                self.runtime.engine.tick(now)
                self.runtime.dispatcher.run_once(now)
                next_tick += tick
            self._hand_over_commands()
            self._apply_events(now)
            if offset >= next_record:
                self._keep(now)
                next_record += self.spec.record_s
            if self.progress is not None:
                self.progress(offset)

    def _next_event_offset(self, after: int) -> int:
        start = self.loaded.start
        for at, _event in self.events:
            offset = int((at - start).total_seconds())
            if offset > after:
                return offset
        return 1 << 62

    def _advance(self, begin: int, stop: int) -> list[ReadingIn]:
        """Step the world from ``begin`` to ``stop`` (offsets in seconds), sampling sensors."""
        readings: list[ReadingIn] = []
        resolution = self.spec.resolution_s
        second = begin
        while second < stop:
            step = min(resolution, stop - second)
            self.world.advance(step)
            second += step
            readings.extend(self._sample(second))
            for confirmation in self.world.start_due(self.loaded.start + timedelta(seconds=second)):
                self.runtime.interlocks.confirm(confirmation.command_id, True, confirmation.at)
        return readings

    def _sample(self, offset: int) -> list[ReadingIn]:
        at = self.loaded.start + timedelta(seconds=offset)
        readings = []
        for index, (interval, sampler, points) in enumerate(self.samplers):
            if offset % interval == 0:
                values = self.last_sample[index] = sampler.read()
                readings += [
                    ReadingIn(code, at, value, unit)
                    for (code, unit), value in zip(points, values, strict=True)
                ]
        return readings

    def _submit(self, readings: list[ReadingIn]) -> None:
        if readings:
            self.runtime.engine.submit(readings, source="replay")
            self.record.readings += len(readings)

    def _hand_over_commands(self) -> None:
        """Commands the interlocks sent during the last window reach the fans at the
        instant they were sent (stored with the command)."""
        if not self.actuators.pending:
            return
        pending, self.actuators.pending = self.actuators.pending, []
        with self.runtime.context.sessions() as session:
            for device, action, command_id in pending:
                sent_at = session.scalar(
                    select(InterlockCommand.sent_at).where(
                        InterlockCommand.command_id == command_id
                    )
                )
                self.world.command(device, action, command_id, sent_at or self.clock.now())

    # -- scenario events -------------------------------------------------------------

    def _apply_events(self, now: datetime) -> None:
        while self.events and self.events[0][0] <= now:
            at, event = self.events.pop(0)
            entry: dict[str, Any] = {"at": at, **event.model_dump(exclude={"at"})}
            if isinstance(event, ReleaseEvent):
                self.world.release(event.source, event.type == "release_start")
            elif isinstance(event, FanEvent):
                self.world.fan_fails(event.fan, event.type == "fan_fail", at)
            elif isinstance(event, DoorEvent):
                entry.update(self._door(event, at))
            elif isinstance(event, ScbaCheckEvent):
                entry.update(self._scba(event, at))
            self.record.events.append(entry)

    def _door(self, event: DoorEvent, at: datetime) -> dict[str, Any]:
        decision = self.runtime.access.check(
            door_code=event.door, person=event.person, purpose=event.purpose, now=at
        )
        outcome = {"allowed": decision.allowed, "reasons": decision.reasons}
        self.record.access.append(
            {
                "at": at,
                "door": event.door,
                "person": event.person,
                "purpose": event.purpose,
                **outcome,
            }
        )
        return outcome

    def _scba(self, event: ScbaCheckEvent, at: datetime) -> dict[str, Any]:
        with self.runtime.context.unit_of_work(SYSTEM) as session:
            emergency.record_check(
                session,
                SYSTEM,
                set_code=event.set,
                at=at,
                cylinder_pressure_mpa=Decimal(repr(event.pressure_mpa)),
            )
            scba = session.scalar(select(ScbaSet).where(ScbaSet.code == event.set))
            assert scba is not None
            readiness = emergency.set_readiness(session, scba, at)
        outcome = {"ready": readiness.ready, "reason": readiness.reason}
        self.record.scba_checks.append(
            {"at": at, "set": event.set, "pressure_mpa": event.pressure_mpa, **outcome}
        )
        return outcome

    # -- series ----------------------------------------------------------------------

    def _keep(self, now: datetime) -> None:
        series = self.record.series
        self.record.times.append(now)
        for room in self.truth_rooms:
            series[f"o2:{room}"].append(round(self.world.o2_percent(room), 3))
        if self.spec.tank is not None:
            series[f"level:{self.spec.tank.id}"].append(round(self.world.level_mm(), 1))
        for sensor in self.spec.sensors:
            series[f"point:{sensor.code}"].append(self._point_value(sensor))
        for code, fan in self.world.fans.items():
            running = fan.running and not fan.failed
            series[f"fan:{code}"].append(fan.flow_m3_h if running else 0.0)

    def _last_sampled(self, code: str) -> float | None:
        index, position = self.sample_slot[code]
        values = self.last_sample.get(index)
        return values[position] if values is not None else None

    def _point_value(self, sensor: SensorSpec) -> float | None:
        if sensor.kind != PointKind.O2_MODELLED.value:
            return self._last_sampled(sensor.code)
        point = self.record.built.points[sensor.code]
        quality, value, _conditions = self.runtime.engine.point_facts(point)
        return value if quality == "good" else None
