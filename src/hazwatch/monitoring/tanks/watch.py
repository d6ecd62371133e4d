"""The tank watch: one :class:`LeakDetector` per tank, fed by the engine's level updates.

A bus listener feeds each tank-level update to its tank's detector; a tick hook persists
the detectors that moved (one small write per tick, off the ingest path) and picks up
changed settings. The expected draw comes from the tank's supply agreements until a full
week of level history gives a weekly profile, learned again every
``tank_profile_relearn_hours`` from the last four weeks less the spans of suspected and
alarmed leaks (a leak learnt as the usual draw would never be found again). A detected leak
raises, through the engine, an urgent ``leak`` alarm on every room the tank feeds (source
``tank:<id>:room:<room>``, one per room so that each room's door refuses entry, even where no
detector is fitted). The alarm latches: it stays active until a person resets the tank after
finding the cause.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.auth.roles import Principal
from hazwatch.core.context import Context
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import Event, PointUpdate
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Reading
from hazwatch.monitoring.tanks.attribution import ExcessAttribution
from hazwatch.monitoring.tanks.detector import from_state, retune, to_state
from hazwatch.monitoring.tanks.feeds import contracted_draw_mm_h, fed_rooms
from hazwatch.monitoring.tanks.models import TankState
from hazwatch.monitoring.tanks.service import tuning_for
from hazwatch.monitoring.writer import Batch, write_batch
from hazwatch.physics.leak import DrawProfile, LeakDetector
from hazwatch.registry.models import Tank

log = logging.getLogger(__name__)

#: Level history the weekly draw profile is learned from.
HISTORY = timedelta(days=28)
#: Hour-of-week slots a profile needs before it replaces the contracted draw.
FULL_WEEK = 24 * 7
#: Level telemetry older than this cannot tell the current draw.
STALE_AFTER = timedelta(minutes=15)
#: Detector state is saved at most this often on ticks (a raised or reset alarm is saved at
#: once): a restart replays at most this much level history into a fresh CUSUM, while a
#: write per tick would contend with the reading writer for the database.
PERSIST_EVERY = timedelta(minutes=1)


@dataclass
class LiveTank:
    tank_id: int
    name: str
    point_id: int
    site_id: int
    organisation_id: int
    interval_s: int
    detector: LeakDetector
    attribution: ExcessAttribution
    alarm_rooms: list[list[int | None]] = field(default_factory=list)
    #: When the profile was last learned (None: never, learn at the next tick).
    profile_learned_at: datetime | None = None
    #: Spans (start, end or None while open) of leaks found, left out of the next learning.
    leak_spans: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    def extras(self) -> dict[str, Any]:
        """What the watch keeps about the tank besides the detector, for ``tank_state``."""
        return {
            "profile_learned_at": _stamp(self.profile_learned_at),
            "leak_spans": [[_stamp(start), _stamp(end)] for start, end in self.leak_spans],
        }

    def resume_extras(self, state: dict[str, Any]) -> None:
        self.profile_learned_at = _moment(state.get("profile_learned_at"))
        spans = [(_moment(start), _moment(end)) for start, end in state.get("leak_spans", [])]
        self.leak_spans = [(start, end) for start, end in spans if start is not None]


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class TankWatch:
    """Bus listener and tick hook owning every tank's leak detector in this process."""

    def __init__(self, context: Context, engine: MonitoringEngine) -> None:
        self.context = context
        self.engine = engine
        self._lock = threading.RLock()
        self._tanks: dict[int, LiveTank] = {}
        self._by_point: dict[int, int] = {}
        self._dirty: set[int] = set()
        self._persisted_at: datetime | None = None
        self._revision = audit_revision()

    # -- feeding -----------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if not isinstance(event, PointUpdate) or event.value is None:
            return  # subscribed to tank-level updates only (EventBus.subscribe_kind)
        config = self.engine.point(event.point_id)
        if config is None or config.tank_id is None:
            return
        with self._lock:
            live = self._live(config.tank_id, before=event.at)
            if live is None or live.point_id != event.point_id:
                return
            previous = live.detector.last
            alarmed = live.detector.update(event.at, event.value)
            if live.detector.last is previous:  # not taken: too soon after the last one
                return
            live.attribution.record(live.detector)
            self._dirty.add(live.tank_id)
            if alarmed:
                self._raise_leak(live, event.at, event.value)

    def _live(self, tank_id: int, before: datetime | None = None) -> LiveTank | None:
        """The tank's detector: resumed from ``tank_state``, else built from the history
        before ``before`` (default now): the level it is about to be fed may already be
        stored, and a leak learnt as the usual draw is never found."""
        if tank_id in self._tanks:
            return self._tanks[tank_id]
        with self.context.sessions() as session:
            tank = session.get(Tank, tank_id)
            point = next(
                (
                    p
                    for p in sorted(self.engine.points(), key=lambda p: p.id)
                    if p.tank_id == tank_id and p.kind is PointKind.TANK_LEVEL
                ),
                None,
            )
            if tank is None or point is None:
                return None
            tuned = tuning_for(session, tank_id, point.expected_interval_s)
            stored = session.get(TankState, tank_id)
            learned_at: datetime | None
            if stored is not None and stored.point_id == point.id:
                detector = from_state(stored.detector, tuned)
                attribution = ExcessAttribution.from_state(stored.detector)
                alarm_rooms = list(stored.alarm_rooms)
                learned_at = None  # the first format did not say: learn at the next tick
            else:
                until = before or self.context.clock.now()
                detector = tuned.detector(self._profile(session, tank, point.id, until, []))
                attribution, alarm_rooms, learned_at = ExcessAttribution(), [], until
        live = LiveTank(
            tank.id,
            tank.name,
            point.id,
            point.site_id,
            tank.organisation_id,
            point.expected_interval_s,
            detector,
            attribution,
            alarm_rooms,
            learned_at,
        )
        if stored is not None and stored.point_id == point.id:
            live.resume_extras(stored.detector)
        self._tanks[tank_id] = live
        self._by_point[point.id] = tank_id
        return live

    def _profile(
        self,
        session: Session,
        tank: Tank,
        point_id: int,
        until: datetime,
        leaks: list[tuple[datetime, datetime | None]],
    ) -> DrawProfile:
        """The weekly profile from the history before ``until`` less the leak spans."""
        history = session.execute(
            select(Reading.ts, Reading.value)
            .where(
                Reading.point_id == point_id,
                Reading.ts >= until - HISTORY,
                Reading.ts < until,
                Reading.value.is_not(None),
            )
            .order_by(Reading.ts)
        ).all()
        profile = DrawProfile.learn(
            [
                (ts, v)
                for ts, v in history
                if v is not None
                and not any(start <= ts and (end is None or ts <= end) for start, end in leaks)
            ]
        )
        if len(profile.by_hour) < FULL_WEEK:  # not a full week yet: trust the contract
            return replace(profile, default=contracted_draw_mm_h(session, tank))
        return profile

    # -- alarms ------------------------------------------------------------------------------

    def _raise_leak(self, live: LiveTank, at: datetime, level: float) -> None:
        with self.context.sessions() as session:
            rooms = fed_rooms(session, live.tank_id)
        names = "、".join(room.name for room in rooms) or "-"
        log.warning("leak suspected on tank %s feeding %s", live.tank_id, names)
        live.leak_spans.append((live.detector.onset_at or at, None))
        targets: list[list[int | None]] = [[room.id, room.organisation_id] for room in rooms]
        live.alarm_rooms = targets or [[None, live.organisation_id]]
        for room_id, organisation_id in live.alarm_rooms:
            assert organisation_id is not None
            self.engine.set_condition(
                site_id=live.site_id,
                source=f"tank:{live.tank_id}:room:{room_id}",
                condition="leak",
                active=True,
                at=at,
                organisation_id=organisation_id,
                room_id=room_id,
                value=level,
                message_key="monitoring.alarm.tank_leak",
                params={"tank": live.name, "rooms": names},
            )
        self._persist(at)

    def reset(self, tank_id: int, principal: Principal, reason: str, at: datetime) -> int:
        """Clear a latched leak alarm once a person has found and fixed the cause; the
        detector restarts from zero. Returns how many room alarms were cleared."""
        with self._lock:
            live = self._live(tank_id)
            if live is None:
                return 0
            cleared = live.alarm_rooms
            for room_id, organisation_id in cleared:
                assert organisation_id is not None
                if room_id is not None:
                    for alarm_id, condition, point_id in self.engine.active_room_alarms(room_id):
                        if condition == "leak" and point_id is None:
                            self.engine.comment(alarm_id, principal, reason)
                self.engine.set_condition(
                    site_id=live.site_id,
                    source=f"tank:{tank_id}:room:{room_id}",
                    condition="leak",
                    active=False,
                    at=at,
                    organisation_id=organisation_id,
                    room_id=room_id,
                    message_key="monitoring.alarm.tank_leak",
                    params={"tank": live.name},
                )
            live.alarm_rooms = []
            live.detector.reset()
            live.leak_spans = [(start, end or at) for start, end in live.leak_spans]
            self._dirty.add(tank_id)
            self._persist(at)
            return len(cleared)

    # -- time --------------------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        with self._lock:
            if audit_revision() != self._revision:
                self._revision = audit_revision()
                self._refresh_tuning()
            self._relearn(now)
            if self._persisted_at is None or now - self._persisted_at >= PERSIST_EVERY:
                self._persist(now)

    def _refresh_tuning(self) -> None:
        """Settings are audited, so a changed budget shows as a new audit revision."""
        with self.context.sessions() as session:
            for live in self._tanks.values():
                retune(live.detector, tuning_for(session, live.tank_id, live.interval_s))

    def _relearn(self, now: datetime) -> None:
        """Learn each tank's profile again once ``tank_profile_relearn_hours`` have passed
        since the last time, from the history less leaks found and the excursion the CUSUM
        is in (a leak may be starting). Tanks that started without history get their
        weekly profile this way once a week of levels is stored."""
        every = timedelta(hours=self.context.settings.tank_profile_relearn_hours)
        due = [
            live
            for live in self._tanks.values()
            if live.profile_learned_at is None or now - live.profile_learned_at >= every
        ]
        if not due:
            return
        with self.context.sessions() as session:
            for live in due:
                tank = session.get(Tank, live.tank_id)
                if tank is None:
                    continue
                leaks = [(s, e) for s, e in live.leak_spans if e is None or now - e < HISTORY]
                if live.detector.cusum > 0 and live.detector.onset_at is not None:
                    leaks.append((live.detector.onset_at, None))
                live.leak_spans = [span for span in live.leak_spans if span in leaks]
                profile = self._profile(session, tank, live.point_id, now, leaks)
                live.detector.profile = profile
                retune(live.detector, tuning_for(session, live.tank_id, live.interval_s))
                live.profile_learned_at = now
                self._dirty.add(live.tank_id)

    def _persist(self, now: datetime) -> None:
        """Save changed detectors (a plain upsert: this runs every minute on the tick)."""
        if not self._dirty:
            return
        rows = []
        for tank_id in sorted(self._dirty):
            live = self._tanks[tank_id]
            rows.append(
                {
                    "tank_id": tank_id,
                    "organisation_id": live.organisation_id,
                    "point_id": live.point_id,
                    "detector": to_state(live.detector)
                    | live.attribution.to_state()
                    | live.extras(),
                    "alarm_rooms": live.alarm_rooms,
                    "updated_at": now,
                }
            )
        write_batch(self.context.engine, Batch(tank_states=rows))
        self._dirty.clear()
        self._persisted_at = now

    # -- for the modelled O2 ---------------------------------------------------------------

    def attributed_excess_mm(self, tank_id: int, now: datetime) -> float | None:
        """Excess level drop attributed to a leak so far (mm, see :mod:`.attribution`);
        None when the tank's telemetry is too old to say (the modelled O2 is then unknown)."""
        with self._lock:
            live = self._live(tank_id)
            last = live.detector.last if live is not None else None
            if live is None or last is None or now - last[0] > STALE_AFTER:
                return None
            return live.attribution.total_mm
