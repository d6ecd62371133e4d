"""Door access rules. Unknown is unsafe: a door opens only when every room behind it is
known to be safe.

Deny when, in any room the door guards: an O2 point (measured or modelled) is in alarm,
stale, faulty, out of service or has never reported; the room has an inert-gas source and no
working O2 point; any other alarm is active on the room (a tank leak feeding it, say); or the
room is a confined space without an open permit and a passing gas test younger than 30
minutes (the ``gas_test_max_age_minutes`` setting, up to 60). A rescue entry into an unsafe
room is allowed only with a breathing apparatus checked and ready. Every decision is stored.

The rules (:func:`room_reasons`) work on plain facts about each room. The facts come from
the database (:func:`check`, any process) or, for door readers on the hot path, from the
engine that owns the site's state (:class:`FastAccess`), with the door/room layout cached
until the audit chain shows a change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.i18n import translate
from hazwatch.core.settings import Settings
from hazwatch.emergency.service import person_readiness
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.calibration.service import FAILED, statuses
from hazwatch.monitoring.choices import Condition
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm, MeasurementPoint, PointState
from hazwatch.prevention.models import WorkPermit
from hazwatch.prevention.service import (
    GAS_TEST_MAX_AGE,
    HOT_WORK,
    confined_space_clearance,
    hot_work_clearance,
)
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.models import Door, DoorGuard, HazardSource, Room

O2_KINDS = (PointKind.O2.value, PointKind.O2_MODELLED.value)
#: Seconds a cached door/room layout is trusted without an in-process change signal.
LAYOUT_TTL = 30.0
PURPOSES = ("work", "visit", "maintenance", "rescue")


@dataclass(frozen=True)
class AccessPolicy:
    """The configurable limits of the rules (defaults: the regulatory values)."""

    gas_test_max_age: timedelta = GAS_TEST_MAX_AGE

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(gas_test_max_age=timedelta(minutes=settings.gas_test_max_age_minutes))


@dataclass
class Decision:
    allowed: bool
    door_code: str
    person: str
    purpose: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    room_ids: list[int] = field(default_factory=list)
    organisation_id: int | None = None
    door_id: int | None = None


@dataclass(frozen=True)
class O2Point:
    id: int
    code: str
    modelled: bool
    #: The detector's last calibration or bump test failed (``monitoring.calibration``).
    calibration_failed: bool = False
    #: Its calibration holds until then (None: never calibrated, or modelled).
    calibration_due: datetime | None = None

    def uncalibrated(self, now: datetime | None) -> bool:
        if self.calibration_failed:
            return True
        due = self.calibration_due
        return now is not None and due is not None and now > due


@dataclass(frozen=True)
class RoomLayout:
    id: int
    name: str
    inert_source: bool
    confined_space: bool
    o2_points: tuple[O2Point, ...]
    #: A hot-work permit is open for the room (its gas test then decides entry too).
    hot_work: bool = False


@dataclass(frozen=True)
class DoorLayout:
    id: int
    code: str
    organisation_id: int
    rooms: tuple[RoomLayout, ...]
    #: The reader device whose token may ask for this door (None: users only).
    reader_device_id: int | None = None

    def needs_database(self, purpose: str) -> bool:
        """Whether a check reads more than the present: a permit, a rescuer's SCBA."""
        return purpose == "rescue" or any(r.confined_space or r.hot_work for r in self.rooms)


@dataclass(frozen=True)
class PointFacts:
    quality: str
    value: float | None
    conditions: tuple[str, ...]


class StateSource(Protocol):
    """Where the current state of points and room alarms comes from."""

    def point(self, point_id: int) -> PointFacts: ...

    def room_alarms(self, room_id: int, exclude_points: set[int]) -> list[tuple[int, str]]: ...


def load_layout(session: Session) -> dict[str, DoorLayout]:
    """Every door with the rooms it guards and what matters in them, in four queries."""
    points: dict[int, list[O2Point]] = {}
    rows = session.scalars(
        select(MeasurementPoint).where(MeasurementPoint.kind.in_(O2_KINDS))
    ).all()
    # the time-independent part of each status (failed or not, valid until when)
    calibration = statuses(session, [p.id for p in rows], datetime.min.replace(tzinfo=UTC))
    for point in rows:
        if point.room_id is not None:
            modelled = point.kind == PointKind.O2_MODELLED.value
            status = calibration[point.id]
            points.setdefault(point.room_id, []).append(
                O2Point(point.id, point.code, modelled, status.status == FAILED, status.due_at)
            )
    inert = set(
        session.scalars(
            select(HazardSource.room_id).where(HazardSource.kind == HazardKind.INERT_GAS.value)
        )
    )
    hot_work = set(
        session.scalars(
            select(WorkPermit.room_id).where(
                WorkPermit.kind == HOT_WORK, WorkPermit.closed.is_(False)
            )
        )
    )
    rooms = {
        room.id: RoomLayout(
            room.id,
            room.name,
            room.id in inert,
            room.confined_space,
            tuple(points.get(room.id, ())),
            room.id in hot_work,
        )
        for room in session.scalars(select(Room))
    }
    guards: dict[int, list[int]] = {}
    for guard in session.scalars(select(DoorGuard).order_by(DoorGuard.room_id)):
        guards.setdefault(guard.door_id, []).append(guard.room_id)
    return {
        door.code: DoorLayout(
            door.id,
            door.code,
            door.organisation_id,
            tuple(rooms[r] for r in guards.get(door.id, ()) if r in rooms),
            door.reader_device_id,
        )
        for door in session.scalars(select(Door))
    }


class DatabaseState:
    """Facts from ``point_state`` and ``alarm``: right in any process."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def point(self, point_id: int) -> PointFacts:
        state = self.session.get(PointState, point_id)
        if state is None:
            return PointFacts("unknown", None, ())
        return PointFacts(state.quality, state.value, tuple(state.conditions))

    def room_alarms(self, room_id: int, exclude_points: set[int]) -> list[tuple[int, str]]:
        rows = self.session.scalars(
            select(Alarm).where(Alarm.room_id == room_id, Alarm.active.is_(True))
        )
        return [(a.id, a.condition) for a in rows if a.point_id not in exclude_points]


def describe(reason: Mapping[str, Any], language: str | None = None) -> str:
    """A stored reason in the reader's language; alarm conditions named, not coded."""
    params = dict(reason.get("params") or {})
    params["room"] = reason.get("room") or ""
    if params.get("conditions"):
        names = (Condition(code).label(language) for code in str(params["conditions"]).split(","))
        params["conditions"] = translate("access.list_separator", language).join(names)
    if params.get("condition") in {c.value for c in Condition}:
        params["condition"] = Condition(params["condition"]).label(language)
    return translate(str(reason.get("code", "")), language, **params)


def _reason(code: str, room: RoomLayout | None = None, **params: Any) -> dict[str, Any]:
    return {
        "code": f"access.reason.{code}" if "." not in code else code,
        "room_id": room.id if room else None,
        "room": room.name if room else None,
        "params": params,
    }


def room_reasons(
    room: RoomLayout, state: StateSource, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Why entering ``room`` now is unsafe, from its O2 points and alarms (empty: safe).

    An uncalibrated fixed detector tells nothing: when no calibrated fixed detector of the
    room works, the room's O2 is unknown (``o2_uncalibrated``)."""
    reasons: list[dict[str, Any]] = []
    working = 0
    calibrated = 0
    uncalibrated: list[O2Point] = []
    for point in room.o2_points:
        facts = state.point(point.id)
        if facts.quality != "good":
            reasons.append(
                _reason(
                    "o2_unknown",
                    room,
                    point=point.code,
                    quality=facts.quality,
                    modelled=point.modelled,
                )
            )
            continue
        if point.uncalibrated(now):
            uncalibrated.append(point)
        else:
            working += 1
            calibrated += 0 if point.modelled else 1
        if facts.conditions:
            reasons.append(
                _reason(
                    "o2_alarm",
                    room,
                    point=point.code,
                    value=facts.value,
                    conditions=",".join(facts.conditions),
                    modelled=point.modelled,
                )
            )
    if uncalibrated and calibrated == 0:
        reasons.extend(_reason("o2_uncalibrated", room, point=p.code) for p in uncalibrated)
    elif room.inert_source and working == 0:
        reasons.append(_reason("no_working_o2_point", room))
    exclude = {p.id for p in room.o2_points}
    for alarm_id, condition in state.room_alarms(room.id, exclude):
        reasons.append(_reason("room_alarm", room, condition=condition, alarm=alarm_id))
    return reasons


def _confined_reasons(
    session: Session, room: RoomLayout, now: datetime, max_age: timedelta
) -> list[dict[str, Any]]:
    clearance = confined_space_clearance(session, room.id, now, max_age)
    if clearance.cleared or clearance.reason is None:
        return []
    return [
        _reason(
            clearance.reason,
            room,
            permit=clearance.permit or "-",
            minutes=clearance.test_age_minutes,
            limit=int(max_age.total_seconds() // 60),
        )
    ]


def _hot_work_reasons(
    session: Session, room: RoomLayout, now: datetime, policy: AccessPolicy
) -> list[dict[str, Any]]:
    """Hot work under way: entry only while its permit's gas test is fresh and passing."""
    clearance = hot_work_clearance(session, room.id, now, policy.gas_test_max_age)
    if clearance is None or clearance.cleared:
        return []
    cause = str(clearance.reason or "").rsplit(".", 1)[-1]
    return [
        _reason(
            f"access.reason.hot_work_{cause}",
            room,
            permit=clearance.permit or "-",
            minutes=clearance.test_age_minutes,
            limit=int(policy.gas_test_max_age.total_seconds() // 60),
        )
    ]


def decide(
    session: Callable[[], Session],
    door: DoorLayout | None,
    state: StateSource,
    *,
    door_code: str,
    person: str,
    purpose: str,
    now: datetime,
    policy: AccessPolicy,
) -> Decision:
    """Apply the rules to a door. ``session`` opens the database only when a confined space's
    permit or a rescuer's SCBA must be looked up; everything else comes from ``state``."""
    if door is None:
        return Decision(False, door_code, person, purpose, [_reason("unknown_door")])
    decision = Decision(
        True,
        door_code,
        person,
        purpose,
        room_ids=[room.id for room in door.rooms],
        organisation_id=door.organisation_id,
        door_id=door.id,
    )
    for room in door.rooms:
        decision.reasons.extend(room_reasons(room, state, now))
        if room.confined_space:
            decision.reasons.extend(
                _confined_reasons(session(), room, now, policy.gas_test_max_age)
            )
        if room.hot_work:
            decision.reasons.extend(_hot_work_reasons(session(), room, now, policy))
    if decision.reasons:
        decision.allowed = False
        if purpose == "rescue":
            readiness = person_readiness(session(), person, now)
            code = (
                "rescue_with_scba"
                if readiness.ready
                else (readiness.reason or "emergency.no_scba_for_person")
            )
            decision.allowed = readiness.ready
            decision.reasons.append(
                _reason(
                    code, None, scba=readiness.set_code or "-", pressure=str(readiness.pressure_mpa)
                )
            )
    return decision


def denied(
    door: DoorLayout | None, door_code: str, person: str, purpose: str, code: str
) -> Decision:
    """A deny for the whole door, with one reason (``access.reason.<code>``) and no room."""
    return Decision(
        False,
        door_code,
        person,
        purpose,
        [_reason(code)],
        [room.id for room in door.rooms] if door else [],
        door.organisation_id if door else None,
        door.id if door else None,
    )


def check(
    session: Session,
    *,
    door_code: str,
    person: str,
    purpose: str,
    now: datetime,
    policy: AccessPolicy | None = None,
) -> Decision:
    """Decide from the database and record the decision (CLI, replay, other processes)."""
    door = load_layout(session).get(door_code)
    decision = decide(
        lambda: session,
        door,
        DatabaseState(session),
        door_code=door_code,
        person=person,
        purpose=purpose,
        now=now,
        policy=policy or AccessPolicy(),
    )
    record(session, decision, now)
    return decision


def decision_row(decision: Decision, now: datetime) -> dict[str, Any]:
    return {
        "at": now,
        "door_id": decision.door_id,
        "door_code": decision.door_code,
        "organisation_id": decision.organisation_id,
        "person": decision.person,
        "purpose": decision.purpose,
        "allowed": decision.allowed,
        "reasons": decision.reasons,
        "room_ids": decision.room_ids,
    }


def record(session: Session, decision: Decision, now: datetime) -> AccessDecision:
    row = AccessDecision(**decision_row(decision, now))
    session.add(row)
    session.flush()
    return row


class DecisionSink(Protocol):
    def __call__(self, rows: Iterable[dict[str, Any]]) -> None: ...


class FastAccess:
    """The door readers' path: layout cached in memory (reloaded when an audited change is
    committed in this process, and at least every ``LAYOUT_TTL`` for changes made
    elsewhere), states from the owning engine, decisions logged through its batched writer.
    The database is opened only for permits and SCBA checks.

    The layout may be reloaded on any call: callers on an event loop call it in a thread
    (``in_memory`` False; :class:`~hazwatch.monitoring.access.fleet.PersistedAccess`, which
    reloads in the background, answers from memory)."""

    in_memory = False

    def __init__(
        self,
        sessions: sessionmaker[Session],
        state: StateSource,
        sink: DecisionSink,
        policy: AccessPolicy | None = None,
        *,
        readers: Callable[[str], int | None] = lambda _secret: None,
    ) -> None:
        self.sessions = sessions
        self.policy = policy or AccessPolicy()
        self.state = state
        self.sink = sink
        #: The reader device a token belongs to (None: not a reader's).
        self.reader = readers
        self._lock = threading.Lock()
        self._layout: dict[str, DoorLayout] = {}
        self._revision: int | None = None
        self._loaded_at = 0.0

    def door(self, door_code: str) -> DoorLayout | None:
        """The door as the hot path knows it (callers check who may ask about it)."""
        return self._door(door_code)

    def _door(self, door_code: str) -> DoorLayout | None:
        with self._lock:
            revision = audit_revision()
            if revision != self._revision or time.monotonic() - self._loaded_at > LAYOUT_TTL:
                with self.sessions() as session:
                    self._layout = load_layout(session)
                self._revision, self._loaded_at = revision, time.monotonic()
            return self._layout.get(door_code)

    def check(
        self,
        *,
        door_code: str,
        person: str,
        purpose: str,
        now: datetime,
        policy: AccessPolicy | None = None,
    ) -> Decision:
        door = self._door(door_code)
        with ExitStack() as stack:
            opened: list[Session] = []

            def session() -> Session:
                if not opened:
                    opened.append(stack.enter_context(self.sessions()))
                return opened[0]

            decision = decide(
                session,
                door,
                self.state,
                door_code=door_code,
                person=person,
                purpose=purpose,
                now=now,
                policy=policy or self.policy,
            )
        self.sink([decision_row(decision, now)])
        return decision


class DoorChecker(Protocol):
    """What ``POST /api/access/check`` asks: :class:`FastAccess` beside the engine, or
    :class:`~hazwatch.monitoring.access.fleet.PersistedAccess` in an access service."""

    in_memory: bool

    def reader(self, secret: str) -> int | None: ...

    def door(self, door_code: str) -> DoorLayout | None: ...

    def sink(self, rows: Iterable[dict[str, Any]]) -> None: ...

    def check(
        self,
        *,
        door_code: str,
        person: str,
        purpose: str,
        now: datetime,
        policy: AccessPolicy | None = None,
    ) -> Decision: ...


class PresentFacts(Protocol):
    """The engine that owns the sites' alarm state, or in the partitioned mode's API
    process what the owners persisted (:class:`~hazwatch.monitoring.present.PersistedPresent`)."""

    def point_facts(self, point_id: int) -> tuple[str, float | None, tuple[str, ...]]: ...

    def active_room_alarms(self, room_id: int) -> list[tuple[int, str, int | None]]: ...


class EngineState:
    """Facts from the present of this process, in memory (no database)."""

    def __init__(self, engine: PresentFacts) -> None:
        self.engine = engine

    def point(self, point_id: int) -> PointFacts:
        quality, value, conditions = self.engine.point_facts(point_id)
        return PointFacts(quality, value, conditions)

    def room_alarms(self, room_id: int, exclude_points: set[int]) -> list[tuple[int, str]]:
        return [
            (alarm_id, condition)
            for alarm_id, condition, point_id in self.engine.active_room_alarms(room_id)
            if point_id not in exclude_points
        ]
