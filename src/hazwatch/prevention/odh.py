"""Per-room ODH assessment from the registry (issue #5, item 1).

Inputs: the room's free volume, the exhaust credited (air changes × volume, only for
mechanical exhaust or balanced ventilation: natural ventilation is not credited), each
inert-gas source's maximum release, and the safeguards (a working fixed O2 detector driving
an interlocked exhaust). Each source contributes a release event at ``RELEASE_RATE`` per
hour: with the safeguards working the room settles at the exhausted steady state; when they
fail on demand (FESHM 4240: ODH detection system 2e-3) it falls to the unventilated one.
Stored with its inputs; recomputed (and a new row stored) whenever the inputs change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.clock import utcnow
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.physics.odh import FAILURE_ON_DEMAND, FailureEvent, assess
from hazwatch.physics.room import exhaust
from hazwatch.prevention.models import OdhAssessment
from hazwatch.registry.choices import HazardKind, VentilationType
from hazwatch.registry.models import HazardSource, Room

#: A push-on hose or similar human-made connection failing, per hour of use (FESHM 4240
#: Table 1 gives 1e-3 to 3e-2 for human connections; the upper-middle value is used).
RELEASE_RATE = 1e-2
STEADY = 1e6  # hours: long enough for any room to reach its steady state


def inputs_of(session: Session, room: Room) -> dict[str, Any] | None:
    """What the assessment depends on; None when the room cannot be assessed yet."""
    sources = session.scalars(
        select(HazardSource).where(
            HazardSource.room_id == room.id, HazardSource.kind == HazardKind.INERT_GAS.value
        )
    ).all()
    if not sources or room.volume_m3 is None:
        return None
    if any(source.max_release_m3_h is None for source in sources):
        return None
    ventilated = room.ventilation_type in (VentilationType.EXHAUST, VentilationType.BALANCED)
    detector = session.scalar(
        select(MeasurementPoint.id).where(
            MeasurementPoint.room_id == room.id,
            MeasurementPoint.kind == PointKind.O2.value,
            MeasurementPoint.out_of_service.is_(False),
        )
    )
    return {
        "volume_m3": float(room.volume_m3),
        "exhaust_m3_h": float(room.air_changes_per_hour) * float(room.volume_m3)
        if ventilated
        else 0.0,
        "interlocked_exhaust": bool(room.ventilation_interlocked and ventilated),
        "fixed_o2_detector": detector is not None,
        "sources": [
            {"id": s.id, "substance": s.substance, "release_m3_h": float(s.max_release_m3_h or 0)}
            for s in sources
        ],
    }


def compute(inputs: dict[str, Any]) -> tuple[float, int, list[dict[str, Any]]]:
    volume, extract = inputs["volume_m3"], inputs["exhaust_m3_h"]
    guarded = inputs["interlocked_exhaust"] and inputs["fixed_o2_detector"]
    events = []
    for source in inputs["sources"]:
        release = source["release_m3_h"]
        unventilated = exhaust(STEADY, volume, release, 0.0)
        if guarded:
            demand = FAILURE_ON_DEMAND["odh_detection_system"]
            with_fan = exhaust(STEADY, volume, release, extract)
            events.append(
                FailureEvent(
                    f"{source['substance']}: release, exhaust runs",
                    RELEASE_RATE * (1 - demand),
                    with_fan,
                )
            )
            events.append(
                FailureEvent(
                    f"{source['substance']}: release, safeguards fail",
                    RELEASE_RATE,
                    unventilated,
                    (demand,),
                )
            )
        else:
            with_fan = exhaust(STEADY, volume, release, extract)
            events.append(FailureEvent(f"{source['substance']}: release", RELEASE_RATE, with_fan))
    result = assess(events)
    detail = [
        {
            "event": e.name,
            "probability_per_hour": e.probability,
            "o2": round(e.o2, 4),
            "fatality_rate": e.fatality_rate,
        }
        for e in result.events
    ]
    return result.phi, result.odh_class, detail


def current(session: Session, room: Room) -> OdhAssessment | None:
    """The room's assessment for its present inputs (stored anew if they changed)."""
    inputs = inputs_of(session, room)
    if inputs is None:
        return None
    latest = session.scalar(
        select(OdhAssessment)
        .where(OdhAssessment.room_id == room.id)
        .order_by(OdhAssessment.id.desc())
    )
    if latest is not None and latest.inputs == inputs:
        return latest
    phi, odh_class, events = compute(inputs)
    assessment = OdhAssessment(
        room_id=room.id,
        organisation_id=room.organisation_id,
        computed_at=utcnow(),
        inputs=inputs,
        phi_per_hour=phi,
        odh_class=odh_class,
        events=events,
    )
    session.add(assessment)
    session.flush()
    return assessment
