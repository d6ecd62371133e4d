"""Findings of transport (registry finding rules): a carrier short of real-time monitoring
staff, a vehicle without valid liability insurance."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.settings import get_settings
from hazwatch.district.transport import service
from hazwatch.district.transport.models import Vehicle
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule


@register_rule
def transport(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    settings = get_settings()
    for staff in service.staffing(
        session, visible, settings.transport_staff_per_vehicles, settings.transport_staff_minimum
    ):
        if staff.short:
            yield Finding(
                "transport_staff_short",
                Severity.SERIOUS,
                staff.organisation_id,
                "organisation",
                staff.organisation_id,
                {
                    "connected": staff.connected,
                    "required": staff.required,
                    "staff": staff.monitoring_staff,
                },
            )
    for vehicle in session.scalars(select(Vehicle).order_by(Vehicle.id)):
        if visible is not None and vehicle.organisation_id not in visible:
            continue
        if not service.insured(vehicle, as_of.today):
            yield Finding(
                "vehicle_uninsured",
                Severity.GENERAL,
                vehicle.organisation_id,
                "vehicle",
                vehicle.id,
                {"plate": vehicle.plate},
            )
