"""The present of the points as a process without their engine knows it.

In one process the engine that takes a point's readings is its present
(:meth:`~hazwatch.monitoring.engine.MonitoringEngine.present`). In the partitioned mode the
points' engines run in the workers, and the API process (routes, console) reads the present
the workers persist instead: :class:`PersistedPresent` reads ``point_state`` and the active
alarms every :data:`REFRESH_S` into a snapshot in memory, and takes the newer values the
workers announce on their live subjects (:mod:`hazwatch.monitoring.workers.live`) as they come.
Routes and pages ask the runtime, which answers from one or the other (:class:`Present`).

Unknown is unsafe, so nothing here reads as good unless it is known to be:

* a point's conditions are those of its stored state *and* of its active alarms (an engine
  commits an alarm before its writer stores the point's state);
* a good point whose newest reading is older than its stale limit (1.5 expected intervals)
  reads ``stale``, though no engine marked it so (an engine that died marks nothing). The
  stored state moves only with the stored readings (storage by exception: a steady point's
  is up to the storage heartbeat behind), so a stored reading is given the heartbeat on top;
  a reading heard live is not;
* a snapshot older than :data:`MAX_AGE_S` (the database out of reach) reads every point
  ``unknown``, its conditions kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.context import Context
from hazwatch.monitoring.choices import Quality
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.models import Alarm, MeasurementPoint, PointState

log = logging.getLogger(__name__)

#: Seconds between reads of the persisted present.
REFRESH_S = 1.0
#: A snapshot older than this (seconds) is no longer trusted: every point reads unknown.
MAX_AGE_S = 5.0


class Present(Protocol):
    """Where a point's present comes from: its engine, or what the engines persisted."""

    def present(self, point_id: int) -> PointPresent | None: ...


@dataclass(frozen=True, slots=True)
class StoredPoint:
    """A point's stored state and how long its reading stays current."""

    quality: str
    value: float | None
    conditions: tuple[str, ...]
    at: datetime | None
    stale_after: timedelta

    def current(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        """Its reading is within its stale limit (plus ``grace``) at ``now``."""
        return self.at is not None and now <= self.at + self.stale_after + grace

    def stale(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        """Good as stored, but no reading since its stale limit (plus ``grace``)."""
        return (
            self.quality == Quality.GOOD.value
            and self.at is not None
            and not self.current(now, grace)
        )


def stored_points(session: Session, kinds: Collection[str] | None = None) -> dict[int, StoredPoint]:
    """Every point's stored state (of ``kinds`` only, when given)."""
    query = select(
        PointState.point_id,
        PointState.quality,
        PointState.value,
        PointState.conditions,
        PointState.at,
        MeasurementPoint.expected_interval_s,
    ).join(MeasurementPoint, MeasurementPoint.id == PointState.point_id)
    if kinds is not None:
        query = query.where(MeasurementPoint.kind.in_(kinds))
    return {
        point_id: StoredPoint(
            quality, value, tuple(conditions or ()), at, timedelta(seconds=interval * 1.5)
        )
        for point_id, quality, value, conditions, at, interval in session.execute(query)
    }


def active_alarms(session: Session) -> list[tuple[int, int | None, int | None, str]]:
    """(alarm id, room id, point id, condition) of every active alarm."""
    rows = session.execute(
        select(Alarm.id, Alarm.room_id, Alarm.point_id, Alarm.condition).where(
            Alarm.active.is_(True)
        )
    )
    return [
        (alarm_id, room_id, point_id, condition) for alarm_id, room_id, point_id, condition in rows
    ]


def conditions_by_point(
    alarms: list[tuple[int, int | None, int | None, str]],
) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for _alarm_id, _room_id, point_id, condition in alarms:
        if point_id is not None:
            found.setdefault(point_id, set()).add(condition)
    return {point_id: frozenset(conditions) for point_id, conditions in found.items()}


def alarms_by_room(
    alarms: list[tuple[int, int | None, int | None, str]],
) -> dict[int, list[tuple[int, str, int | None]]]:
    """(alarm id, condition, point id) of the active alarms, per room."""
    found: dict[int, list[tuple[int, str, int | None]]] = {}
    for alarm_id, room_id, point_id, condition in alarms:
        if room_id is not None:
            found.setdefault(room_id, []).append((alarm_id, condition, point_id))
    return found


@dataclass(frozen=True)
class Stored:
    """One read of the persisted present; replaced whole, never changed."""

    taken_at: float  # time.monotonic()
    points: dict[int, StoredPoint] = field(default_factory=dict)
    #: Conditions of the active alarms per point.
    alarmed: dict[int, frozenset[str]] = field(default_factory=dict)
    #: Active alarms per room: (alarm id, condition, point id).
    room_alarms: dict[int, list[tuple[int, str, int | None]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Heard:
    """A point's newest reading as its engine announced it live."""

    at: datetime
    value: float | None
    quality: str


class PersistedPresent:
    """The present of a process whose points' engines run elsewhere (see the module)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        #: The stored state lags the newest stored reading by up to the storage heartbeat.
        self.heartbeat = timedelta(seconds=context.settings.storage_max_interval_s)
        self.stored = Stored(taken_at=float("-inf"))
        self._heard: dict[int, Heard] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Read in the background from now on (until then, a read older than
        :data:`REFRESH_S` is renewed by the caller that finds it)."""
        try:
            self.refresh()
        except Exception:  # the database may come later; until then every point is unknown
            log.exception("reading the persisted present failed")
        self._thread = threading.Thread(target=self._run, name="persisted-present", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def refresh(self) -> None:
        with self.context.sessions() as session:
            points = stored_points(session)
            alarms = active_alarms(session)
        self.stored = Stored(
            time.monotonic(), points, conditions_by_point(alarms), alarms_by_room(alarms)
        )

    def _run(self) -> None:
        while not self._stop.wait(REFRESH_S):
            try:
                self.refresh()
            except Exception:  # keep reading; a snapshot that grows old reads unknown
                log.exception("reading the persisted present failed")

    def fresh(self) -> bool:
        return time.monotonic() - self.stored.taken_at <= MAX_AGE_S

    def heard(self, body: dict[str, Any]) -> None:
        """A point update a worker announced (``live.event_json`` of a ``PointUpdate``)."""
        at = datetime.fromisoformat(body["at"])
        point_id = int(body["point_id"])
        with self._lock:
            known = self._heard.get(point_id)
            if known is None or at >= known.at:
                self._heard[point_id] = Heard(at, body.get("value"), str(body["quality"]))

    def present(self, point_id: int) -> PointPresent | None:
        if self._thread is None and time.monotonic() - self.stored.taken_at > REFRESH_S:
            try:  # nothing reads in the background (API tests): read now
                self.refresh()
            except Exception as exc:  # what was read before grows old and reads unknown
                log.warning("reading the persisted present failed (%s)", exc)
        stored = self.stored
        point = stored.points.get(point_id)
        alarmed = stored.alarmed.get(point_id, frozenset())
        if point is None:
            return PointPresent(None, None, Quality.UNKNOWN.value, tuple(sorted(alarmed)))
        conditions = tuple(sorted(alarmed.union(point.conditions)))
        if time.monotonic() - stored.taken_at > MAX_AGE_S:
            return PointPresent(point.at, None, Quality.UNKNOWN.value, conditions)
        now = self.context.clock.now()
        with self._lock:
            heard = self._heard.get(point_id)
        newest: StoredPoint | Heard = point
        if heard is not None and (point.at is None or heard.at > point.at):
            newest = heard
        good = newest.quality == Quality.GOOD.value
        # stale when neither the stored reading (given the heartbeat) nor one heard since
        # is current
        if (
            good
            and not point.current(now, self.heartbeat)
            and (heard is None or now > heard.at + point.stale_after)
        ):
            return PointPresent(newest.at, None, Quality.STALE.value, conditions)
        return PointPresent(newest.at, newest.value if good else None, newest.quality, conditions)

    def point_facts(self, point_id: int) -> tuple[str, float | None, tuple[str, ...]]:
        """Quality, value (only when good) and conditions, as the door checks ask the engine."""
        now = self.present(point_id)
        return ("unknown", None, ()) if now is None else (now.quality, now.value, now.conditions)

    def active_room_alarms(self, room_id: int) -> list[tuple[int, str, int | None]]:
        """(alarm id, condition, point id) of every active alarm on a room, as stored."""
        return list(self.stored.room_alarms.get(room_id, ()))
