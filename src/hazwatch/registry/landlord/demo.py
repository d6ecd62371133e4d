"""The demo landlord's duty, done as it should have been: an inspection of its tenants'
lab planned for next week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.landlord import service


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    service.plan(
        session,
        SYSTEM,
        moment,
        landlord_id=demo["landlord"],
        tenant_id=demo["sublessor"],
        planned_for=moment.now + timedelta(days=7),
    )
