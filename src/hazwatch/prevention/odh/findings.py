"""Registry findings from ODH assessments (FESHM 4240 classes, DOMAIN §3): a room at ODH
class 2 or above, and an inert-gas room without a current assessment (its volume or a
release rate is unknown, so nobody knows how dangerous it is)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from hazwatch.prevention.odh.service import inert_gas_rooms, latest_by_room
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule

#: Class 2 and above need controls beyond signage and training (FESHM 4240 Table 2).
FINDING_CLASS = 2


@register_rule
def odh_class_findings(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    rooms = inert_gas_rooms(session, visible)
    current = latest_by_room(session, [room.id for room in rooms])
    for room in rooms:
        assessment = current.get(room.id)
        if assessment is None or assessment.stale:
            yield Finding(
                "odh_not_assessed",
                Severity.SERIOUS,
                room.organisation_id,
                "room",
                room.id,
                {"room": room.name},
            )
        elif assessment.odh_class >= FINDING_CLASS:
            yield Finding(
                "odh_class",
                Severity.MAJOR if assessment.odh_class >= 3 else Severity.SERIOUS,
                room.organisation_id,
                "room",
                room.id,
                {
                    "room": room.name,
                    "odh_class": assessment.odh_class,
                    "phi": f"{assessment.phi_per_hour:.1e}",
                },
            )
