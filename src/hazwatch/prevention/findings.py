"""Findings from ODH assessments: a room at ODH class 2 or above, or an inert-gas room that
cannot be assessed (volume or release unknown) — FESHM 4240 classes, DOMAIN §3."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.prevention.odh import current
from hazwatch.registry.choices import HazardKind
from hazwatch.registry.findings import Finding, Severity, Visible, register_rule
from hazwatch.registry.models import HazardSource, Room


@register_rule
def odh_class_findings(session: Session, visible: Visible) -> Iterable[Finding]:
    room_ids = set(
        session.scalars(
            select(HazardSource.room_id).where(HazardSource.kind == HazardKind.INERT_GAS.value)
        )
    )
    for room in session.scalars(select(Room).where(Room.id.in_(room_ids)).order_by(Room.id)):
        if visible is not None and room.organisation_id not in visible:
            continue
        assessment = current(session, room)
        if assessment is None:
            yield Finding(
                "odh_not_assessed",
                Severity.SERIOUS,
                room.organisation_id,
                "room",
                room.id,
                {"room": room.name},
            )
        elif assessment.odh_class >= 2:
            severity = Severity.MAJOR if assessment.odh_class >= 3 else Severity.SERIOUS
            yield Finding(
                "odh_class",
                severity,
                room.organisation_id,
                "room",
                room.id,
                {
                    "room": room.name,
                    "odh_class": assessment.odh_class,
                    "phi": f"{assessment.phi_per_hour:.1e}",
                },
            )
