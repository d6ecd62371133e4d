"""The alarm engine: the single owner of the alarm state of the sites it serves.

Every reading, tick and operator action for a site passes through one engine, under one
lock, so a site's alarm state is never written by two hands. The engine serves one
:class:`~hazwatch.monitoring.sharding.Partition` of the sites (by default all of them);
running several engines, each with its own partition, scales ingest out without sharing
state. Readings are persisted in batches by the writer; alarm transitions are
committed before they are published, so a listener never sees an alarm that is not stored.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.audit.follow import ChainFollower
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.auth.service import hash_secret
from hazwatch.core.context import Context
from hazwatch.core.errors import InvalidInput, NotFound, Unavailable
from hazwatch.monitoring import alarms as alarm_store
from hazwatch.monitoring.alarms import AlarmRecord, Transition
from hazwatch.monitoring.archive import StoredReading
from hazwatch.monitoring.choices import DEFAULT_PRIORITY, Condition, Priority, Quality
from hazwatch.monitoring.config import DeviceConfig, PointConfig, load_devices, load_points
from hazwatch.monitoring.evaluation import (
    PointPresent,
    PointRuntime,
    due_after_delay,
    is_stale,
    settled,
    wanted_changes,
)
from hazwatch.monitoring.events import EventBus, PointUpdate
from hazwatch.monitoring.ingest import Decoded, ReadingIn, Rejection, clean_text
from hazwatch.monitoring.kinds import PointKind, canonical_unit
from hazwatch.monitoring.models import Device, MeasurementPoint, PointState
from hazwatch.monitoring.retry import Retry, transient
from hazwatch.monitoring.sharding import WHOLE, Partition
from hazwatch.monitoring.writer import Batch, ReadingWriter

log = logging.getLogger(__name__)

#: Readings stamped further ahead than this are refused (a device clock gone wrong).
MAX_CLOCK_SKEW = timedelta(minutes=5)

#: Minimum seconds between configuration reloads triggered by unknown codes.
REFRESH_ON_MISS_S = 5.0
#: Seconds an operator's action waits for a database that is away before it is refused.
ACTION_WAIT_S = 5.0

TickHook = Callable[[datetime], None]
#: Raises when this engine may no longer store (its partition has another owner).
Fence = Callable[[Session], None]
#: Who is inside a room at an instant (names), for O2 alarms in occupied rooms.
OccupantsLookup = Callable[[int, datetime], list[str]]
O2_KINDS = frozenset({PointKind.O2, PointKind.O2_MODELLED})


@dataclass
class IngestReport:
    accepted: int = 0
    duplicates: int = 0
    late: int = 0
    rejected: list[Rejection] = field(default_factory=list)


@dataclass
class _Intake:
    """What one ``submit`` call gathers while it takes readings."""

    device_id: int | None
    received_at: datetime
    keep_every: timedelta
    report: IngestReport = field(default_factory=IngestReport)
    batch: Batch = field(default_factory=Batch)
    transitions: list[Transition] = field(default_factory=list)
    updates: list[PointUpdate] = field(default_factory=list)


class MonitoringEngine:
    def __init__(
        self,
        context: Context,
        bus: EventBus | None = None,
        *,
        partition: Partition = WHOLE,
        writer: ReadingWriter | None = None,
        fence: Fence | None = None,
    ) -> None:
        self.context = context
        self.bus = bus or EventBus()
        self.partition = partition
        #: Checked in every transaction that stores alarm transitions (a partitioned worker
        #: passes its lease check: a lost lease raises, and nothing is stored).
        self._fence = fence
        self._lock = threading.RLock()
        self._writer = writer or ReadingWriter(context.engine, threaded=False)
        self._stopping = threading.Event()
        #: Waits out the database for the engine's own work (alarm transitions, who is in a
        #: room), until stopping.
        self.retry = Retry(self._stopping)
        self._keep_every = timedelta(seconds=context.settings.storage_max_interval_s)
        self._hooks: list[TickHook] = []
        self._started = context.clock.now()
        self._points: dict[int, PointConfig] = {}
        self._by_code: dict[str, PointConfig] = {}
        self._devices: dict[str, DeviceConfig] = {}
        self._device_secrets: dict[str, DeviceConfig] = {}
        self._runtime: dict[int, PointRuntime] = {}
        self._alarms: dict[tuple[int, str, str], AlarmRecord] = {}
        self._alarms_by_id: dict[int, AlarmRecord] = {}
        self.counters: dict[str, int] = {}
        self._last_refresh = float("-inf")
        #: Where the engine is in the audit chain of its points and devices.
        self._config = ChainFollower((MeasurementPoint.__tablename__, Device.__tablename__))
        #: Times :meth:`follow_config` found a change and read rows again (tests, metrics).
        self.config_reloads = 0
        #: Set by the runtime: an O2 alarm raised in an occupied room is urgent and names
        #: the people inside (looked up only when such an alarm is raised).
        self.occupants: OccupantsLookup | None = None
        self.reload()

    # -- configuration -------------------------------------------------------------------

    def reload(self) -> None:
        """Everything from the database: points, devices, current states and alarms (when
        the engine starts; configuration changes are followed by :meth:`follow_config`)."""
        with self._lock, self.context.sessions() as session:
            self._config.start(session)
            owned = self.partition.owns
            self._points = {p.id: p for p in load_points(session) if owned(p.site_id)}
            self._by_code = {p.code: p for p in self._points.values()}
            self._set_devices(load_devices(session))
            self._resume(session, list(self._points))
            records = [r for r in alarm_store.load_records(session) if owned(r.site_id)]
            self._alarms = {r.key: r for r in records}
            self._alarms_by_id = {r.id: r for r in records if r.id is not None}
            for record in records:
                if record.point_id in self._runtime and record.active:
                    self._runtime[record.point_id].active.add(Condition(record.condition))

    def follow_config(self) -> bool:
        """Take in the points and devices changed since the engine last looked, by any
        process (their audit entries, :mod:`hazwatch.core.audit.follow`): on every tick, at
        once after a route of this process changed one, and on an unknown code. Only the
        changed rows are read; alarm state stays as it is and nothing is evaluated (a new
        limit applies from the next reading). Returns whether anything changed."""
        with self.context.sessions() as session:
            if not self._config.moved(session):  # the usual answer, given without the lock
                return False
            with self._lock:
                changed = self._config.poll(session)
                if changed is None:  # the chain went back: read every point and device again
                    points: set[int] | None = None
                    devices: set[int] | None = None
                elif changed:
                    points = {int(k) for k in changed.get(MeasurementPoint.__tablename__, ())}
                    devices = {int(k) for k in changed.get(Device.__tablename__, ())}
                else:
                    return False
                if points is None or points:
                    self._apply_points(session, points)
                if devices is None or devices:
                    self._apply_devices(session, devices)
                self.config_reloads += 1
        return True

    def _apply_points(self, session: Session, ids: set[int] | None) -> None:
        """Points changed (``ids``; None: all): the new settings replace the old, a point
        this engine no longer serves is forgotten, one it serves now resumes as stored."""
        found = {p.id: p for p in load_points(session, ids) if self.partition.owns(p.site_id)}
        for point_id in set(self._points) if ids is None else ids:
            old = self._points.pop(point_id, None)
            if old is not None:
                del self._by_code[old.code]
                if point_id not in found:
                    self._runtime.pop(point_id, None)
        fresh = [point_id for point_id in found if point_id not in self._runtime]
        for point_id, config in found.items():
            self._points[point_id] = config
            self._by_code[config.code] = config
        if fresh:
            self._resume(session, fresh)
            for record in alarm_store.load_records(session, fresh):
                if record.key not in self._alarms:
                    self._alarms[record.key] = record
                    if record.id is not None:
                        self._alarms_by_id[record.id] = record
                    if record.active and record.point_id is not None:
                        self._runtime[record.point_id].active.add(Condition(record.condition))

    def _apply_devices(self, session: Session, ids: set[int] | None) -> None:
        """Devices changed (``ids``; None: all), a revoked one included."""
        kept = [] if ids is None else [d for d in self._devices.values() if d.id not in ids]
        self._set_devices([*kept, *load_devices(session, ids)])

    def _set_devices(self, devices: list[DeviceConfig]) -> None:
        self._devices = {d.code: d for d in devices}
        self._device_secrets = {d.secret_hash: d for d in devices if d.secret_hash}

    def _resume(self, session: Session, point_ids: list[int]) -> None:
        """Points new to this engine take up where the stored state left them."""
        states = {
            s.point_id: s
            for s in session.scalars(select(PointState).where(PointState.point_id.in_(point_ids)))
        }
        fresh = [p for p in point_ids if p not in self._runtime]
        evaluated = alarm_store.last_evaluated(session, fresh) if fresh else {}
        for point_id in point_ids:
            runtime = self._runtime_of(point_id)
            state = states.get(point_id)
            if state is not None and runtime.last_ts is None:
                runtime.last_ts, runtime.last_value = state.at, state.value
                runtime.quality = Quality(state.quality)
            # An alarm stored ahead of its readings (a process killed between the two
            # commits) marks how far this point was evaluated: a redelivered older
            # reading is late, and cannot clear the alarm and raise it a second time.
            at = evaluated.get(point_id)
            if at is not None and (runtime.last_ts is None or at > runtime.last_ts):
                runtime.last_ts = at

    def _runtime_of(self, point_id: int) -> PointRuntime:
        runtime = self._runtime.get(point_id)
        if runtime is None:
            runtime = self._runtime[point_id] = PointRuntime()
        return runtime

    def add_tick_hook(self, hook: TickHook) -> None:
        self._hooks.append(hook)

    def point(self, point_id: int) -> PointConfig | None:
        return self._points.get(point_id)

    def points(self) -> list[PointConfig]:
        return list(self._points.values())

    def device_for_secret(self, secret: str) -> DeviceConfig | None:
        digest = hash_secret(secret)
        if digest not in self._device_secrets:
            self._refresh_on_miss()
        device = self._device_secrets.get(digest)
        return device if device is not None and device.revoked_at is None else None

    def device(self, code: str) -> DeviceConfig | None:
        if code not in self._devices:
            self._refresh_on_miss()
        return self._devices.get(code)

    def _refresh_on_miss(self) -> None:
        """Pick up points and devices added by another process before the next tick would,
        at most every few seconds (a flood of unknown codes stays a trickle of queries)."""
        now = time.monotonic()
        if now - self._last_refresh >= REFRESH_ON_MISS_S:
            self._last_refresh = now
            self.follow_config()

    # -- ingest --------------------------------------------------------------------------

    def submit_decoded(
        self,
        decoded: Decoded,
        *,
        device: DeviceConfig | None,
        source: str,
        after_commit: Callable[[], None] | None = None,
    ) -> IngestReport:
        report = self.submit(
            decoded.readings, device=device, source=source, after_commit=after_commit
        )
        if decoded.rejections:
            self._record_rejections(decoded.rejections, device, source)
            self._count(IngestReport(rejected=decoded.rejections))
            report.rejected[:0] = decoded.rejections
        return report

    def submit(
        self,
        readings: Iterable[ReadingIn],
        *,
        device: DeviceConfig | None = None,
        source: str = "http",
        after_commit: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Validate, de-duplicate, evaluate and queue readings for storage.

        Readings are validated in the order they came, then taken point by point (each
        point's in their order). A point whose readings cannot change its alarms or its
        quality takes them in one step (:meth:`_take_quietly`); the outcome is the same as
        taking them one by one, which is what happens otherwise."""
        intake = _Intake(
            device_id=device.id if device else None,
            received_at=self.context.clock.now(),
            keep_every=self._keep_every,
        )
        with self._lock:
            latest = intake.received_at + MAX_CLOCK_SKEW
            groups: dict[int, tuple[PointConfig, list[ReadingIn]]] = {}
            for reading in readings:
                config = self._by_code.get(reading.point)
                if config is None:
                    self._refresh_on_miss()
                    config = self._by_code.get(reading.point)
                problem = self._check(reading, config, device, latest)
                if problem is not None or config is None:
                    intake.report.rejected.append(
                        Rejection(problem or "unknown_point", reading.point)
                    )
                    continue
                known = groups.get(config.id)
                if known is None:
                    groups[config.id] = (config, [reading])
                else:
                    known[1].append(reading)
            for config, group in groups.values():
                runtime = self._runtime_of(config.id)
                last_ts = runtime.last_ts
                if self.bus.follows_kind(config.kind):
                    self._take_each_told(intake, config, runtime, group)
                    continue
                if not self._take_quietly(intake, config, runtime, group):
                    for reading in group:
                        self._take(intake, config, runtime, reading)
                if runtime.last_ts is not None and runtime.last_ts != last_ts:
                    intake.updates.append(_update(config, runtime, runtime.last_ts))  # it moved
            batch = intake.batch
            batch.taken = intake.report.accepted
            self._commit(intake.transitions)
            if after_commit is not None:  # acknowledged means stored: aggregates included
                for point_id in groups:
                    self._close_minute(point_id, batch)
                batch.after_commit.append(after_commit)
            self._writer.submit(batch)
        report = intake.report
        if report.rejected:
            self._record_rejections(report.rejected, device, source)
        self._count(report)
        for update in intake.updates:
            self.bus.publish(update)
        self._publish(intake.transitions)
        return report

    def _take_each_told(
        self, intake: _Intake, config: PointConfig, runtime: PointRuntime, group: list[ReadingIn]
    ) -> None:
        """Readings of a kind whose listeners follow every one (a tank's leak detector sums
        each level): taken one by one, and each that moves the present is published, so an
        hourly upload of 5-minute levels is heard as twelve levels, not one."""
        for reading in group:
            before = runtime.last_ts
            self._take(intake, config, runtime, reading)
            if runtime.last_ts is not None and runtime.last_ts != before:
                intake.updates.append(_update(config, runtime, runtime.last_ts))

    def _take(
        self, intake: _Intake, config: PointConfig, runtime: PointRuntime, reading: ReadingIn
    ) -> None:
        """One reading: evaluated, offered to the archive, counted in its minute."""
        report, batch = intake.report, intake.batch
        ts, value = reading.ts, reading.value
        if runtime.seen(ts):
            report.duplicates += 1
            return
        report.accepted += 1
        stored = StoredReading(
            config.id, ts, value, reading.fault, reading.seq, intake.device_id, intake.received_at
        )
        if runtime.last_ts is not None and ts <= runtime.last_ts:
            report.late += 1  # stored for history; the present is already known
            batch.late.append(stored)
            return
        quality = runtime.quality
        changed = self._evaluate(config, runtime, reading)
        intake.transitions.extend(changed)
        archive = runtime.archive
        kept = archive.offer(
            stored,
            config.storage_deviation,
            intake.keep_every,
            bool(changed) or runtime.quality is not quality,
        )
        if value is not None and (closed := archive.count(ts, value)) is not None:
            batch.minutes.append(closed.row(config.id))
        runtime.last_ts = ts
        runtime.last_value = value
        if kept:
            self._keep(batch, config, runtime, kept)

    def _take_quietly(
        self, intake: _Intake, config: PointConfig, runtime: PointRuntime, group: list[ReadingIn]
    ) -> bool:
        """Take a point's readings in one step when none of them can change anything but
        the value: the point is good with no alarm active or pending and no rate-of-change
        limit, and every reading is new, in order, good and inside all limits. Returns
        False (having done nothing) otherwise."""
        if (
            runtime.quality is not Quality.GOOD
            or config.out_of_service
            or not settled(config, runtime)
        ):
            return False
        newest = runtime.last_ts
        if runtime.recent and (newest is None or runtime.recent[-1] > newest):
            newest = runtime.recent[-1]
        values: list[float] = []
        times: list[datetime] = []
        for reading in group:
            value = reading.value
            if (
                value is None
                or reading.fault is not None
                or (newest is not None and reading.ts <= newest)
                or not config.quiet_low <= value <= config.quiet_high
            ):
                return False
            newest = reading.ts
            values.append(value)
            times.append(newest)
        runtime.recent.extend(times)
        runtime.forget_old()
        intake.report.accepted += len(group)
        archive, last = runtime.archive, group[-1]
        low, high = min(values), max(values)
        if not archive.steady(low, high, last.ts, config.storage_deviation, intake.keep_every):
            for reading in group:  # something to keep: the archive decides reading by reading
                kept = archive.offer(
                    StoredReading(
                        config.id,
                        reading.ts,
                        reading.value,
                        None,
                        reading.seq,
                        intake.device_id,
                        intake.received_at,
                    ),
                    config.storage_deviation,
                    intake.keep_every,
                    False,
                )
                if kept:
                    runtime.last_ts, runtime.last_value = reading.ts, reading.value
                    self._keep(intake.batch, config, runtime, kept)
        else:
            archive.held = StoredReading(
                config.id,
                last.ts,
                values[-1],
                None,
                last.seq,
                intake.device_id,
                intake.received_at,
            )
        if not archive.count_within(last.ts, values, low, high):
            for reading, value in zip(group, values, strict=True):
                if (closed := archive.count(reading.ts, value)) is not None:
                    intake.batch.minutes.append(closed.row(config.id))
        runtime.last_ts, runtime.last_value = last.ts, values[-1]
        return True

    def _check(
        self,
        reading: ReadingIn,
        config: PointConfig | None,
        device: DeviceConfig | None,
        latest: datetime,
    ) -> str | None:
        """Why a reading is refused, if it is (``latest``: the newest acceptable time)."""
        if config is None:
            return "unknown_point"
        if device is not None and device.organisation_id != config.organisation_id:
            return "point_of_other_organisation"
        if reading.unit != config.unit and canonical_unit(reading.unit) != config.unit:
            return "wrong_unit"
        if reading.ts > latest:
            return "future_timestamp"
        if reading.value is not None and not config.minimum <= reading.value <= config.maximum:
            return "impossible_value"
        return None

    def _evaluate(
        self, config: PointConfig, runtime: PointRuntime, reading: ReadingIn
    ) -> list[Transition]:
        if config.out_of_service:
            runtime.quality = Quality.OUT_OF_SERVICE
            return []
        if reading.fault is not None or reading.value is None:
            runtime.quality = Quality.FAULT
            changes = {Condition.FAULT: True}
            if Condition.STALE in runtime.active:
                changes[Condition.STALE] = False
            return self._apply(
                config,
                runtime,
                changes,
                reading.ts,
                reading.value,
                {"fault": reading.fault or "no value"},
            )
        runtime.quality = Quality.GOOD
        if settled(config, runtime) and config.quiet_low <= reading.value <= config.quiet_high:
            return []  # the common case: a normal value on a quiet point
        changes = wanted_changes(config, runtime, reading.ts, reading.value)
        return self._apply(config, runtime, changes, reading.ts, reading.value, {})

    def _apply(
        self,
        config: PointConfig,
        runtime: PointRuntime,
        changes: dict[Condition, bool],
        at: datetime,
        value: float | None,
        params: dict[str, Any],
    ) -> list[Transition]:
        transitions = []
        inside: list[str] | None = None
        for condition, active in changes.items():
            if active:
                runtime.active.add(condition)
            else:
                runtime.active.discard(condition)
            priority, extra = DEFAULT_PRIORITY[condition], params
            room_id = config.room_id if config.kind in O2_KINDS else None
            if active and self.occupants is not None and room_id is not None:
                if inside is None:  # the database away mid-evaluation: wait, as for a commit
                    find = partial(self.occupants, room_id, at)
                    inside = self.retry(find, "finding who is inside")
                if inside:
                    priority, extra = Priority.URGENT, {**params, "occupants": inside}
            transition = self._set(
                site_id=config.site_id,
                source=config.source,
                condition=condition.value,
                active=active,
                at=at,
                organisation_id=config.organisation_id,
                room_id=config.room_id,
                point_id=config.id,
                priority=priority.value,
                value=value,
                message_key=f"monitoring.alarm.{condition.value}",
                params={"point": config.code, **extra},
                suppressed=config.suppressed,
            )
            if transition is not None:
                transitions.append(transition)
        return transitions

    def _set(
        self,
        *,
        site_id: int,
        source: str,
        condition: str,
        active: bool,
        at: datetime,
        organisation_id: int,
        room_id: int | None,
        point_id: int | None,
        priority: str,
        value: float | None,
        message_key: str,
        params: dict[str, Any],
        suppressed: bool = False,
    ) -> Transition | None:
        if not self.partition.owns(site_id):
            raise ValueError(f"site {site_id} is owned by another engine partition")
        key = (site_id, source, condition)
        record = self._alarms.get(key)
        if record is None:
            if not active:
                return None
            record = AlarmRecord(
                site_id,
                source,
                condition,
                organisation_id,
                priority,
                room_id=room_id,
                point_id=point_id,
            )
            self._alarms[key] = record
        if record.active == active:
            return None
        previous = record.state
        record.active = active
        record.value = value
        record.suppressed = suppressed
        if active or not record.message_key:
            # A clearing reading says nothing about the cause (a fault clears with no code):
            # the alarm keeps the message it was raised with.
            record.message_key = message_key
            record.params = params
        if active:
            record.priority = priority
            record.acked = False
            record.acked_by = record.acked_at = None
            record.raised_at = at
            record.activations += 1
        record.state = record.derive(at)
        return Transition(record, "raise" if active else "clear", previous, at)

    def set_condition(
        self,
        *,
        site_id: int,
        source: str,
        condition: str,
        active: bool,
        at: datetime,
        organisation_id: int,
        room_id: int | None = None,
        point_id: int | None = None,
        priority: str | None = None,
        value: float | None = None,
        message_key: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        """Raise or clear a condition evaluated elsewhere (tank leak, unconfirmed interlock);
        it then follows the same lifecycle as a limit alarm."""
        with self._lock:
            transition = self._set(
                site_id=site_id,
                source=source,
                condition=condition,
                active=active,
                at=at,
                organisation_id=organisation_id,
                room_id=room_id,
                point_id=point_id,
                priority=priority or DEFAULT_PRIORITY[Condition(condition)].value,
                value=value,
                message_key=message_key or f"monitoring.alarm.{condition}",
                params=params or {},
            )
            transitions = [transition] if transition else []
            self._commit(transitions)
        self._publish(transitions)

    # -- time ----------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> None:
        """Configuration changed elsewhere, then time-driven work: stale points, delays that
        ran out, shelving expiry, hooks."""
        try:
            self.follow_config()
        except Exception as exc:  # followed at a later tick; time-driven work goes on
            if transient(exc):
                log.warning("following configuration changes failed: %s", exc)
            else:
                log.exception("following configuration changes failed")
        now = now or self.context.clock.now()
        transitions: list[Transition] = []
        batch = Batch()
        with self._lock:
            for config in self._points.values():
                runtime = self._runtime_of(config.id)
                closed = runtime.archive.close_minute(now)
                if closed is not None:
                    batch.minutes.append(closed.row(config.id))
                if config.out_of_service:
                    continue
                if Condition.STALE not in runtime.active and is_stale(
                    config, runtime, now, self._started
                ):
                    runtime.quality = Quality.STALE
                    transitions += self._apply(
                        config,
                        runtime,
                        {Condition.STALE: True},
                        now,
                        None,
                        {"since": str(runtime.last_ts or "-")},
                    )
                    batch.states[config.id] = self._state_row(config, runtime)
                elif runtime.quality is Quality.GOOD and runtime.pending:
                    changes = due_after_delay(config, runtime, now)
                    transitions += self._apply(
                        config, runtime, changes, now, runtime.last_value, {}
                    )
                    if changes:
                        batch.states[config.id] = self._state_row(config, runtime)
            for record in self._alarms.values():
                if record.shelved_until is not None and record.shelved_until <= now:
                    previous = record.state
                    record.shelved_until = None
                    record.state = record.derive(now)
                    transitions.append(
                        Transition(
                            record, "unshelve", previous, now, "system", "monitoring.shelve_expired"
                        )
                    )
            self._commit(transitions)
            self._writer.submit(batch)
        self._publish(transitions)
        for hook in list(self._hooks):
            try:
                hook(now)
            except Exception:  # a failing hook must not stop the engine
                log.exception("tick hook %r failed", hook)

    # -- operator actions ----------------------------------------------------------------

    def alarm(self, alarm_id: int) -> AlarmRecord:
        record = self._alarms_by_id.get(alarm_id)
        if record is None:
            raise NotFound("monitoring.alarm_not_found", id=alarm_id)
        return record

    def acknowledge(self, alarm_id: int, principal: Principal, comment: str | None = None) -> None:
        def acknowledge_it(record: AlarmRecord, now: datetime) -> None:
            if not record.acked:
                record.acked, record.acked_by, record.acked_at = True, principal.username, now

        self._act(alarm_id, principal, "ack", comment, acknowledge_it)

    def shelve(self, alarm_id: int, principal: Principal, reason: str, until: datetime) -> None:
        now = self.context.clock.now()
        if not reason.strip():
            raise InvalidInput("monitoring.shelve_reason_required", field="reason")
        if until <= now:
            raise InvalidInput("monitoring.shelve_until_past", field="until")
        if until - now > timedelta(hours=24):
            raise InvalidInput("monitoring.shelve_too_long", field="until", hours=24)

        def shelve_it(record: AlarmRecord, _now: datetime) -> None:
            record.shelved_until = until
            record.shelved_by = principal.username
            record.shelve_reason = reason

        self._act(alarm_id, principal, "shelve", reason, shelve_it)

    def unshelve(self, alarm_id: int, principal: Principal) -> None:
        def unshelve_it(record: AlarmRecord, _now: datetime) -> None:
            record.shelved_until = None

        self._act(alarm_id, principal, "unshelve", None, unshelve_it)

    def comment(self, alarm_id: int, principal: Principal, text: str) -> None:
        if not text.strip():
            raise InvalidInput("monitoring.comment_required", field="comment")
        self._act(alarm_id, principal, "comment", text, lambda r, now: None)

    def set_out_of_service(
        self, point_id: int, principal: Principal, reason: str, out_of_service: bool
    ) -> None:
        """Take a point (and its alarms) out of service, or back; its value is then unknown.
        The change is worked out on copies and takes effect in memory only once it is stored:
        a failed write leaves the engine as the database is."""
        if not reason.strip():
            raise InvalidInput("monitoring.reason_required", field="reason")
        with self._lock:
            config = self._points.get(point_id)
            if config is None:
                raise NotFound("monitoring.point_not_found", id=point_id)
            now = self.context.clock.now()
            event = "out_of_service" if out_of_service else "return_to_service"
            transitions = []
            for record in self._alarms.values():
                if record.point_id == point_id:
                    changed = replace(record, out_of_service=out_of_service)
                    changed.state = changed.derive(now)
                    transitions.append(
                        Transition(changed, event, record.state, now, principal.username, reason)
                    )
            runtime = self._runtime_of(point_id)
            quality = Quality.OUT_OF_SERVICE if out_of_service else Quality.UNKNOWN
            state = self._state_row(config, runtime) | {"quality": quality.value, "value": None}
            with self.context.unit_of_work(principal) as session:
                if self._fence is not None:  # a partition's owner, while its lease holds
                    self._fence(session)
                point = session.get(MeasurementPoint, point_id)
                assert point is not None
                point.out_of_service = out_of_service
                point.settings_reason = reason
                alarm_store.persist(session, transitions)
                session.merge(PointState(**state))
            runtime.quality = quality
            for transition in transitions:
                changed = transition.record
                self._alarms[changed.key] = changed
                if changed.id is not None:
                    self._alarms_by_id[changed.id] = changed
            self._points[point_id] = PointConfig.of(point)
            self._by_code[config.code] = self._points[point_id]
        self._publish(transitions)

    def _act(
        self,
        alarm_id: int,
        principal: Principal,
        event: str,
        comment: str | None,
        change: Callable[[AlarmRecord, datetime], None],
    ) -> None:
        """An operator's action, worked out on a copy that takes effect once stored. The
        database away, the wait is bounded (:data:`ACTION_WAIT_S`): the person gets an
        answer (:class:`~hazwatch.core.errors.Unavailable`, nothing changed) and ingest is
        not held behind the engine's lock for the length of an outage."""
        with self._lock:
            record = self.alarm(alarm_id)
            now = self.context.clock.now()
            changed = replace(record)
            change(changed, now)
            changed.state = changed.derive(now)
            transitions = [
                Transition(changed, event, record.state, now, principal.username, comment)
            ]
            try:
                self._commit(transitions, principal, within=ACTION_WAIT_S)
            except Exception as exc:
                if transient(exc):
                    raise Unavailable("monitoring.database_unavailable") from exc
                raise
            self._alarms[changed.key] = changed
        self._publish(transitions)

    # -- plumbing ------------------------------------------------------------------------

    def _keep(
        self,
        batch: Batch,
        config: PointConfig,
        runtime: PointRuntime,
        kept: tuple[StoredReading, ...],
    ) -> None:
        """Store readings the archive kept, and the point's state as the newest of them
        left it: the stored state moves with the stored readings (and on a stale tick)."""
        batch.readings.extend(kept)
        batch.states[config.id] = self._state_row(config, runtime)

    def _state_row(self, config: PointConfig, runtime: PointRuntime) -> dict[str, Any]:
        known = runtime.quality is Quality.GOOD
        return {
            "point_id": config.id,
            "value": runtime.last_value if known else None,
            "at": runtime.last_ts,
            "quality": runtime.quality.value,
            "conditions": sorted(c.value for c in runtime.active),
        }

    def _commit(
        self,
        transitions: list[Transition],
        principal: Principal | None = None,
        *,
        within: float | None = None,
    ) -> None:
        """Store alarm transitions before anything else sees them. While the database is away
        the engine waits and retries (:mod:`hazwatch.monitoring.retry`): its memory already
        holds the transitions and the readings as taken, so giving up here would lose them
        for good (a redelivered reading would be a duplicate); waiting holds the broker's
        messages unacknowledged until the database is back. A stop ends the wait
        (:class:`~hazwatch.monitoring.retry.Stopped` is raised, nothing acknowledged)."""
        if not transitions:
            return

        def persist() -> None:
            with self.context.unit_of_work(principal or _ENGINE) as session:
                if self._fence is not None:
                    self._fence(session)
                alarm_store.persist(session, transitions)

        self.retry(persist, f"storing {len(transitions)} alarm transitions", within=within)
        for transition in transitions:
            record = transition.record
            assert record.id is not None
            self._alarms_by_id[record.id] = record

    def _publish(self, transitions: list[Transition]) -> None:
        for transition in transitions:
            self.bus.publish(alarm_store.change_event(transition))

    def _record_rejections(
        self, rejections: list[Rejection], device: DeviceConfig | None, source: str
    ) -> None:
        now = self.context.clock.now()
        self._writer.submit(
            Batch(
                rejections=[
                    {
                        "at": now,
                        "source": source,
                        "device_code": device.code if device else None,
                        "point_code": None if r.point is None else clean_text(r.point, 64),
                        "organisation_id": device.organisation_id if device else None,
                        "reason": r.reason,
                        "excerpt": clean_text(r.excerpt, 300),
                    }
                    for r in rejections
                ]
            )
        )

    def reject_payload(
        self, reason: str, device: DeviceConfig | None, source: str, excerpt: str = ""
    ) -> None:
        """Count and keep a payload refused before it yielded readings."""
        self._record_rejections([Rejection(reason, None, excerpt[:300])], device, source)
        self.counters[f"rejected.{reason}"] = self.counters.get(f"rejected.{reason}", 0) + 1

    def _count(self, report: IngestReport) -> None:
        counters = self.counters
        counters["accepted"] = counters.get("accepted", 0) + report.accepted
        counters["duplicates"] = counters.get("duplicates", 0) + report.duplicates
        counters["late"] = counters.get("late", 0) + report.late
        for rejection in report.rejected:
            key = f"rejected.{rejection.reason}"
            counters[key] = counters.get(key, 0) + 1

    def _close_minute(self, point_id: int, batch: Batch) -> None:
        """Hand a point's open minute aggregate, ended or not, to ``batch``."""
        runtime = self._runtime.get(point_id)
        closed = runtime.archive.close_minute() if runtime is not None else None
        if closed is not None:
            batch.minutes.append(closed.row(point_id))

    def flush(self) -> None:
        """Return once everything submitted so far is written, open minutes included."""
        batch = Batch()
        with self._lock:
            for point_id in self._runtime:
                self._close_minute(point_id, batch)
            self._writer.submit(batch)
        self._writer.flush()

    def present(self, point_id: int) -> PointPresent | None:
        """The point as this engine took it last; None for a point it does not serve."""
        with self._lock:
            config = self._points.get(point_id)
            runtime = self._runtime.get(point_id)
            if config is None or runtime is None:
                return None
            if config.out_of_service:
                return PointPresent(runtime.last_ts, None, Quality.OUT_OF_SERVICE.value, ())
            good = runtime.quality is Quality.GOOD
            return PointPresent(
                runtime.last_ts,
                runtime.last_value if good else None,
                runtime.quality.value,
                tuple(sorted(c.value for c in runtime.active)),
            )

    def point_facts(self, point_id: int) -> tuple[str, float | None, tuple[str, ...]]:
        """Quality, value (only when good) and active conditions of a point, from memory."""
        now = self.present(point_id)
        return ("unknown", None, ()) if now is None else (now.quality, now.value, now.conditions)

    def active_room_alarms(self, room_id: int) -> list[tuple[int, str, int | None]]:
        """(alarm id, condition, point id) of every active alarm on a room."""
        with self._lock:
            return [
                (record.id, record.condition, record.point_id)
                for record in self._alarms.values()
                if record.room_id == room_id and record.active and record.id is not None
            ]

    def record_decisions(self, rows: Iterable[dict[str, Any]]) -> None:
        """Access decisions go through the batched writer, off the reader's path."""
        self._writer.submit(Batch(decisions=list(rows)))

    def writer_count(self) -> int:
        """Readings taken and committed so far, stored or not (benchmarks watch it)."""
        return self._writer.written

    def stop(self) -> None:
        """Stop waiting for the database (the engine's commits and its writer's), so that a
        stop during an outage returns at once: the thread that waited gets
        :class:`~hazwatch.monitoring.retry.Stopped` and leaves its message unacknowledged."""
        self._stopping.set()
        self._writer.stop()

    def close(self) -> None:
        """Stop, write what is left (one try each if the database is away), close."""
        self.stop()
        self.flush()
        self._writer.close()


#: The identity alarm transitions are written under.
_ENGINE = Principal(user_id=None, username="engine", role=Role.PLATFORM_ADMIN)


def _update(config: PointConfig, runtime: PointRuntime, at: datetime) -> PointUpdate:
    """The point's present as listeners hear it: no value unless its quality is good."""
    return PointUpdate(
        config.id,
        config.site_id,
        config.organisation_id,
        config.room_id,
        at,
        runtime.last_value if runtime.quality is Quality.GOOD else None,
        runtime.quality.value,
        config.kind,
    )
