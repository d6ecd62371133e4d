"""Transport answers for the API, the command line and the console."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.scope import visible_organisations
from hazwatch.core.settings import Settings
from hazwatch.district.transport import service
from hazwatch.district.transport.choices import WarningKind, ZoneKind
from hazwatch.district.transport.models import TransportWarning, TransportZone, Vehicle
from hazwatch.district.transport.schemas import (
    CoverageOut,
    PositionOut,
    StaffOut,
    TransportOverview,
    VehicleOut,
    WarningOut,
    ZoneOut,
)
from hazwatch.registry.service import organisation_names
from hazwatch.supervision.models import DispatchOrder


def vehicle_outs(
    session: Session, principal: Principal, vehicles: list[Vehicle], today: date
) -> list[VehicleOut]:
    names = organisation_names(session, [v.organisation_id for v in vehicles])
    latest = service.latest_positions(session, principal)
    shown: list[VehicleOut] = []
    for v in vehicles:
        last = latest.get(v.id)
        shown.append(
            VehicleOut(
                id=v.id,
                organisation_id=v.organisation_id,
                carrier=names.get(v.organisation_id, ""),
                plate=v.plate,
                connected=v.connected,
                insurer=v.insurer,
                insured_until=v.insured_until,
                insured=service.insured(v, today),
                last_position=PositionOut(
                    at=last.at,
                    lat=last.lat,
                    lon=last.lon,
                    speed_kmh=last.speed_kmh,
                    heading=last.heading,
                )
                if last is not None
                else None,
            )
        )
    return shown


def zone_outs(session: Session, zones: list[TransportZone], language: str) -> list[ZoneOut]:
    names = organisation_names(session, [z.organisation_id for z in zones])
    return [
        ZoneOut(
            id=z.id,
            organisation_id=z.organisation_id,
            department=names.get(z.organisation_id, ""),
            name=z.name,
            kind=z.kind,
            kind_label=ZoneKind(z.kind).label(language),
            geometry_wkt=z.geometry,
            buffer_m=z.buffer_m,
            speed_limit_kmh=z.speed_limit_kmh,
            windows=list(z.windows),
            active=z.active,
            basis=z.basis,
        )
        for z in zones
    ]


def warning_outs(
    session: Session, warnings: list[TransportWarning], language: str
) -> list[WarningOut]:
    shown: list[WarningOut] = []
    for w in warnings:
        vehicle = session.get(Vehicle, w.vehicle_id)
        zone = session.get(TransportZone, w.zone_id) if w.zone_id else None
        order = session.get(DispatchOrder, w.dispatch_id) if w.dispatch_id else None
        names = organisation_names(
            session, [w.organisation_id] + ([order.department_id] if order else [])
        )
        shown.append(
            WarningOut(
                id=w.id,
                vehicle_id=w.vehicle_id,
                plate=vehicle.plate if vehicle else "",
                organisation_id=w.organisation_id,
                carrier=names.get(w.organisation_id, ""),
                zone_id=w.zone_id,
                zone=zone.name if zone else None,
                kind=w.kind,
                kind_label=WarningKind(w.kind).label(language),
                at=w.at,
                lat=w.lat,
                lon=w.lon,
                speed_kmh=w.speed_kmh,
                limit_kmh=w.limit_kmh,
                dispatch_id=w.dispatch_id,
                dispatch_state=order.state if order else None,
                department=names.get(order.department_id) if order else None,
            )
        )
    return shown


def overview(
    session: Session, principal: Principal, today: date, settings: Settings
) -> TransportOverview:
    visible = visible_organisations(session, principal)
    staff = service.staffing(
        session, visible, settings.transport_staff_per_vehicles, settings.transport_staff_minimum
    )
    names = organisation_names(session, [s.organisation_id for s in staff])
    return TransportOverview(
        coverage=[
            CoverageOut(
                district_id=c.district_id,
                district=service.district_name(session, c.district_id),
                vehicles=c.vehicles,
                insured=c.insured,
                rate_percent=c.rate.quantize(Decimal("0.1")),
                target_percent=Decimal(100),
                uninsured_plates=c.uninsured_plates,
            )
            for c in service.coverage(session, principal, today)
        ],
        staffing=[
            StaffOut(
                organisation_id=s.organisation_id,
                carrier=names.get(s.organisation_id, ""),
                connected_vehicles=s.connected,
                required_staff=s.required,
                monitoring_staff=s.monitoring_staff,
                short=s.short,
            )
            for s in staff
        ],
    )
