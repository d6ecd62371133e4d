"""Finding: a room with an asphyxiant or toxic gas source and no fixed detector.

GB/T 50493-2019 requires fixed detection where toxic gas can be released (§3.0.1), and
oxygen detection where inert gas can displace air; the 2·7 dry room had a nitrogen hose and
no O2 detector. A modelled O2 point does not count: it is a safeguard, not a detector.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.registry.choices import ATMOSPHERIC_HAZARDS, HazardKind
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule
from hazwatch.registry.models import HazardSource, Room

DETECTS = {
    HazardKind.INERT_GAS: {PointKind.O2.value},
    HazardKind.TOXIC_GAS: {PointKind.GAS_PPM.value},
}


@register_rule
def room_without_fixed_detector(
    session: Session, visible: Visible, as_of: AsOf
) -> Iterable[Finding]:
    kinds = [k.value for k in ATMOSPHERIC_HAZARDS]
    for source in session.scalars(select(HazardSource).where(HazardSource.kind.in_(kinds))):
        room = session.get(Room, source.room_id)
        if room is None or (visible is not None and room.organisation_id not in visible):
            continue
        wanted = DETECTS[HazardKind(source.kind)]
        fitted = session.scalar(
            select(MeasurementPoint.id).where(
                MeasurementPoint.room_id == room.id,
                MeasurementPoint.kind.in_(wanted),
                MeasurementPoint.out_of_service.is_(False),
            )
        )
        if fitted is None:
            yield Finding(
                "room_without_fixed_detector",
                Severity.MAJOR,
                room.organisation_id,
                "room",
                room.id,
                {"room": room.name, "substance": source.substance},
            )
