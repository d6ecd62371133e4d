"""Door access rules. Unknown is unsafe: a door opens only when every room behind it is
known to be safe.

Deny when, in any room the door guards: an O2 point (measured or modelled) is in alarm,
stale, faulty, out of service or has never reported; the room has an inert-gas source and no
working O2 point; any alarm is active on the room (a tank leak feeding it, say); or the room
is a confined space without an open permit and a passing gas test younger than 30 minutes.
A rescue entry into an unsafe room is allowed only with a breathing apparatus checked and
ready. Every decision is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.emergency.service import person_readiness
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm, MeasurementPoint, PointState
from hazwatch.prevention.service import confined_space_clearance
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.models import Door, DoorGuard, HazardSource, Room

O2_KINDS = (PointKind.O2.value, PointKind.O2_MODELLED.value)
PURPOSES = ("work", "visit", "maintenance", "rescue")


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


def _reason(code: str, room: Room | None = None, **params: Any) -> dict[str, Any]:
    return {
        "code": f"access.reason.{code}" if "." not in code else code,
        "room_id": room.id if room else None,
        "room": room.name if room else None,
        "params": params,
    }


def room_hazards(session: Session, room: Room, now: datetime) -> list[dict[str, Any]]:
    """Why entering ``room`` now is unsafe (empty when it is known to be safe)."""
    reasons: list[dict[str, Any]] = []
    points = session.scalars(
        select(MeasurementPoint).where(
            MeasurementPoint.room_id == room.id, MeasurementPoint.kind.in_(O2_KINDS)
        )
    ).all()
    states = {
        s.point_id: s
        for s in session.scalars(
            select(PointState).where(PointState.point_id.in_([p.id for p in points]))
        )
    }
    working = 0
    for point in points:
        state = states.get(point.id)
        quality = state.quality if state else "unknown"
        conditions = list(state.conditions) if state else []
        modelled = point.kind == PointKind.O2_MODELLED.value
        if quality != "good":
            reasons.append(
                _reason("o2_unknown", room, point=point.code, quality=quality, modelled=modelled)
            )
            continue
        working += 1
        if point.out_of_service:
            reasons.append(
                _reason(
                    "o2_unknown",
                    room,
                    point=point.code,
                    quality="out_of_service",
                    modelled=modelled,
                )
            )
        elif conditions:
            value = state.value if state else None
            reasons.append(
                _reason(
                    "o2_alarm",
                    room,
                    point=point.code,
                    value=value,
                    conditions=",".join(conditions),
                    modelled=modelled,
                )
            )
    inert = session.scalar(
        select(HazardSource.id).where(
            HazardSource.room_id == room.id, HazardSource.kind == HazardKind.INERT_GAS.value
        )
    )
    if inert is not None and working == 0:
        reasons.append(_reason("no_working_o2_point", room))
    active = session.scalars(
        select(Alarm).where(
            Alarm.room_id == room.id,
            Alarm.active.is_(True),
            Alarm.point_id.is_(None) | Alarm.point_id.not_in([p.id for p in points]),
        )
    ).all()
    for alarm in active:
        reasons.append(_reason("room_alarm", room, condition=alarm.condition, alarm=alarm.id))
    if room.confined_space:
        clearance = confined_space_clearance(session, room.id, now)
        if not clearance.cleared and clearance.reason:
            reasons.append(
                _reason(
                    clearance.reason,
                    room,
                    permit=clearance.permit or "-",
                    minutes=clearance.test_age_minutes,
                )
            )
    return reasons


def check(
    session: Session, *, door_code: str, person: str, purpose: str, now: datetime
) -> Decision:
    door = session.scalar(select(Door).where(Door.code == door_code))
    if door is None:
        decision = Decision(False, door_code, person, purpose, [_reason("unknown_door")])
        record(session, decision, now)
        return decision
    room_ids = list(session.scalars(select(DoorGuard.room_id).where(DoorGuard.door_id == door.id)))
    decision = Decision(
        True,
        door_code,
        person,
        purpose,
        room_ids=room_ids,
        organisation_id=door.organisation_id,
        door_id=door.id,
    )
    for room in session.scalars(select(Room).where(Room.id.in_(room_ids)).order_by(Room.id)):
        decision.reasons.extend(room_hazards(session, room, now))
    if decision.reasons:
        decision.allowed = False
        if purpose == "rescue":
            readiness = person_readiness(session, person, now)
            if readiness.ready:
                decision.allowed = True
                decision.reasons.append(
                    _reason(
                        "rescue_with_scba",
                        None,
                        scba=readiness.set_code or "-",
                        pressure=str(readiness.pressure_mpa),
                    )
                )
            else:
                decision.reasons.append(
                    _reason(
                        readiness.reason or "emergency.no_scba_for_person",
                        None,
                        scba=readiness.set_code or "-",
                        pressure=str(readiness.pressure_mpa),
                    )
                )
    record(session, decision, now)
    return decision


def record(session: Session, decision: Decision, now: datetime) -> AccessDecision:
    row = AccessDecision(
        at=now,
        door_id=decision.door_id,
        door_code=decision.door_code,
        organisation_id=decision.organisation_id,
        person=decision.person,
        purpose=decision.purpose,
        allowed=decision.allowed,
        reasons=decision.reasons,
        room_ids=decision.room_ids,
    )
    session.add(row)
    session.flush()
    return row
