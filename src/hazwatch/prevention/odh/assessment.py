"""The ODH assessment of one room from its registry data (FESHM 4240 method, DOMAIN §3).

Inputs: the room's free volume; its exhaust (air changes × volume, credited only for
mechanical exhaust or balanced ventilation, never natural ventilation) and whether that
exhaust runs continuously or only when started by the O2 detection (interlocked); each
inert-gas source's maximum release; and the safeguards fitted. Each source releases at
``RELEASE_RATE`` per hour. With a continuous exhaust the room settles at the exhausted
steady state; an interlocked exhaust helps only when the detection system and the fan both
work on demand, otherwise the room falls to its unventilated steady state (no O2 at all for
a sealed room). Steady states are used because a release is assumed to last until found,
and perfect mixing is assumed (stratification never credited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.physics.odh import FailureEvent, assess
from hazwatch.physics.room import exhaust
from hazwatch.prevention.odh.choices import DEFAULTS, ReleaseCase, SafeguardKind
from hazwatch.prevention.odh.models import OdhSafeguard
from hazwatch.registry.choices import HazardKind, VentilationType
from hazwatch.registry.models import HazardSource, Room

#: A push-on hose or similar human-made connection failing, per hour of use (FESHM 4240
#: Table 1 gives 1e-3 to 3e-2 for human connections; the upper-middle value is used).
RELEASE_RATE = 1e-2
STEADY_HOURS = 1e6  # long enough for any room to reach its steady state

#: Ventilation types whose flow is credited (a fan that moves a known flow).
MECHANICAL = (VentilationType.EXHAUST, VentilationType.BALANCED)


@dataclass(frozen=True)
class Inputs:
    """What an assessment depends on, or why the room cannot be assessed yet."""

    values: dict[str, Any] | None
    reason: str | None = None


def gather(session: Session, room: Room) -> Inputs:
    sources = session.scalars(
        select(HazardSource)
        .where(HazardSource.room_id == room.id, HazardSource.kind == HazardKind.INERT_GAS.value)
        .order_by(HazardSource.id)
    ).all()
    if not sources:
        return Inputs(None, "odh.not_assessable.no_inert_source")
    if room.volume_m3 is None:
        return Inputs(None, "odh.not_assessable.volume_unknown")
    if any(source.max_release_m3_h is None for source in sources):
        return Inputs(None, "odh.not_assessable.release_unknown")
    volume = float(room.volume_m3)
    declared = {
        SafeguardKind(s.kind): s
        for s in session.scalars(
            select(OdhSafeguard).where(OdhSafeguard.room_id == room.id).order_by(OdhSafeguard.id)
        )
    }
    mechanical = room.ventilation_type in MECHANICAL
    interlocked = room.ventilation_interlocked or (
        SafeguardKind.INTERLOCKED_EXHAUST in declared
        and declared[SafeguardKind.INTERLOCKED_EXHAUST].in_service
    )
    return Inputs(
        {
            "volume_m3": volume,
            "ventilation": {
                "type": str(room.ventilation_type),
                "air_changes_per_hour": float(room.air_changes_per_hour),
                "exhaust_m3_h": float(room.air_changes_per_hour) * volume if mechanical else 0.0,
                "on_demand": bool(interlocked),
            },
            "release_rate_per_hour": RELEASE_RATE,
            "sources": [
                {
                    "id": s.id,
                    "substance": s.substance,
                    "release_m3_h": float(s.max_release_m3_h or 0),
                }
                for s in sources
            ],
            "safeguards": _safeguards(session, room, declared, bool(interlocked)),
        }
    )


def _safeguards(
    session: Session, room: Room, declared: dict[SafeguardKind, OdhSafeguard], interlocked: bool
) -> list[dict[str, Any]]:
    """Safeguards credited: declared ones in service win (a declared one out of service
    withdraws the credit); otherwise a fixed O2 point in service counts as the detection
    system and the registry's interlock flag as the interlocked exhaust."""
    credited: list[dict[str, Any]] = []
    for kind in SafeguardKind:
        row = declared.get(kind)
        if row is not None:
            if row.in_service:
                figure = row.failure_on_demand
                if figure is None:
                    figure = DEFAULTS[kind].failure_on_demand
                credited.append(_entry(kind, figure, "declared", row.id))
            continue
        if kind is SafeguardKind.DETECTION_SYSTEM and _has_fixed_detector(session, room):
            credited.append(_entry(kind, DEFAULTS[kind].failure_on_demand, "monitoring", None))
        if kind is SafeguardKind.INTERLOCKED_EXHAUST and interlocked:
            credited.append(_entry(kind, DEFAULTS[kind].failure_on_demand, "registry", None))
    return credited


def _entry(kind: SafeguardKind, figure: Any, origin: str, ident: int | None) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "failure_on_demand": None if figure is None else float(figure),
        "origin": origin,
        "id": ident,
    }


def _has_fixed_detector(session: Session, room: Room) -> bool:
    """A measured (not modelled) O2 point in service in the room."""
    return (
        session.scalar(
            select(MeasurementPoint.id).where(
                MeasurementPoint.room_id == room.id,
                MeasurementPoint.kind == PointKind.O2.value,
                MeasurementPoint.out_of_service.is_(False),
            )
        )
        is not None
    )


def steady_o2(volume: float, inflow: float, extract: float) -> float:
    return exhaust(STEADY_HOURS, volume, inflow, extract)


@dataclass(frozen=True)
class Outcome:
    phi_per_hour: float
    odh_class: int
    result: dict[str, Any]


def evaluate(inputs: dict[str, Any]) -> Outcome:
    """φ and class from stored inputs (pure: the same inputs always give the same outcome)."""
    volume = inputs["volume_m3"]
    extract = inputs["ventilation"]["exhaust_m3_h"]
    on_demand = inputs["ventilation"]["on_demand"]
    figures = {s["kind"]: s["failure_on_demand"] for s in inputs["safeguards"]}
    detection = figures.get(SafeguardKind.DETECTION_SYSTEM.value)
    fan = figures.get(SafeguardKind.INTERLOCKED_EXHAUST.value)
    rate = inputs["release_rate_per_hour"]
    events: list[FailureEvent] = []
    cases: list[tuple[str, ReleaseCase]] = []  # (substance, case) of each event, in order

    def add(name: str, case: ReleaseCase, probability: float, o2: float, *fod: float) -> None:
        events.append(FailureEvent(f"{name}: {case.value}", probability, o2, fod))
        cases.append((name, case))

    for source in inputs["sources"]:
        inflow, name = source["release_m3_h"], source["substance"]
        sealed = steady_o2(volume, inflow, 0.0)
        vented = steady_o2(volume, inflow, extract)
        if extract <= 0:
            add(name, ReleaseCase.NO_EXHAUST, rate, sealed)
        elif not on_demand:
            add(name, ReleaseCase.EXHAUST_RUNNING, rate, vented)
        elif detection is None or fan is None:
            add(name, ReleaseCase.EXHAUST_NEVER_STARTED, rate, sealed)
        else:
            add(name, ReleaseCase.EXHAUST_STARTED, rate * (1 - detection) * (1 - fan), vented)
            add(name, ReleaseCase.DETECTION_FAILS, rate, sealed, detection)
            add(name, ReleaseCase.EXHAUST_FAILS, rate * (1 - detection), sealed, fan)
    outcome = assess(events)
    kinds = set(figures)
    engineered = outcome.odh_class == 0 and kinds >= {k.value for k in SafeguardKind}
    return Outcome(
        outcome.phi,
        outcome.odh_class,
        {
            "events": [
                {
                    "event": e.name,
                    "substance": substance,
                    "case": case.value,
                    "probability_per_hour": e.probability,
                    "o2": round(e.o2, 4),
                    "fatality_rate": e.fatality_rate,
                }
                for e, (substance, case) in zip(outcome.events, cases, strict=True)
            ],
            "engineered_class_0": engineered,
        },
    )
