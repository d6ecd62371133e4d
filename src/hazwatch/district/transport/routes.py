"""Hazardous-goods transport over HTTP: carriers' staff, vehicles, zones, positions,
warnings, coverage."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.district.transport import ingest, service, views
from hazwatch.district.transport.models import TransportWarning, Vehicle
from hazwatch.district.transport.schemas import (
    PositionIn,
    PositionsBody,
    PositionsResult,
    ReportOut,
    StaffIn,
    TransportOverview,
    VehicleIn,
    VehicleOut,
    VehiclePatch,
    WarningOut,
    ZoneIn,
    ZoneOut,
    ZonePatch,
)
from hazwatch.monitoring.config import DeviceConfig
from hazwatch.monitoring.routes import Engine, authenticate_device
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/transport", tags=["district"])
ingest_router = Router(prefix="/api/ingest", tags=["ingest"])


def _overview(request: Request, db: DbSession, principal: CurrentPrincipal) -> TransportOverview:
    context = get_context(request)
    return views.overview(db, principal, service.today(Moment.of(context)), context.settings)


@router.get("/overview", response_model=TransportOverview)
def overview(request: Request, db: DbSession, principal: CurrentPrincipal) -> TransportOverview:
    """Liability-insurance coverage per district (target 100 %) and each carrier's
    monitoring staff against the rule (1 per 100 connected vehicles, at least 2)."""
    return _overview(request, db, principal)


@router.put("/carriers/{organisation_id}/staff", response_model=TransportOverview)
def set_staff(
    organisation_id: Id,
    body: StaffIn,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> TransportOverview:
    service.set_staff(db, principal, organisation_id, body.monitoring_staff)
    return _overview(request, db, principal)


def _vehicles(
    request: Request, db: DbSession, principal: CurrentPrincipal, found: list[Vehicle]
) -> list[VehicleOut]:
    return views.vehicle_outs(db, principal, found, service.today(Moment.of(get_context(request))))


@router.get("/vehicles", response_model=list[VehicleOut])
def list_vehicles(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[VehicleOut]:
    """Vehicles the caller sees, with insurance and the last position."""
    return _vehicles(request, db, principal, service.list_vehicles(db, principal))


@router.post("/vehicles", status_code=201, response_model=VehicleOut)
def add_vehicle(
    body: VehicleIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> VehicleOut:
    vehicle = service.add_vehicle(db, principal, **body.model_dump())
    return _vehicles(request, db, principal, [vehicle])[0]


@router.patch("/vehicles/{vehicle_id}", response_model=VehicleOut)
def update_vehicle(
    vehicle_id: Id,
    body: VehiclePatch,
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
) -> VehicleOut:
    vehicle = service.update_vehicle(db, principal, vehicle_id, body.model_dump(exclude_unset=True))
    return _vehicles(request, db, principal, [vehicle])[0]


@router.get("/zones", response_model=list[ZoneOut])
def list_zones(request: Request, db: DbSession, _principal: CurrentPrincipal) -> list[ZoneOut]:
    """Restricted segments and areas with their time windows, and speed zones."""
    return views.zone_outs(db, service.list_zones(db), language_of(request))


@router.post("/zones", status_code=201, response_model=ZoneOut)
def create_zone(
    body: ZoneIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ZoneOut:
    """A department adds a zone: WKT in WGS-84 lon/lat, a line with its half-width in metres;
    self-intersecting geometry is refused."""
    data = body.model_dump()
    zone = service.create_zone(db, principal, **data)
    return views.zone_outs(db, [zone], language_of(request))[0]


@router.patch("/zones/{zone_id}", response_model=ZoneOut)
def update_zone(
    zone_id: Id, body: ZonePatch, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ZoneOut:
    """Adjust a zone at run time; the next position is checked against it."""
    zone = service.update_zone(db, principal, zone_id, body.model_dump(exclude_unset=True))
    return views.zone_outs(db, [zone], language_of(request))[0]


@router.post("/positions", status_code=201, response_model=ReportOut)
def report(
    body: PositionIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ReportOut:
    """A vehicle's position (its carrier or the carrier's device reports it); answers the
    warnings it raised, each dispatched to the transport department."""
    position, warnings = service.report(
        db, principal, Moment.of(get_context(request)), service.PositionIn(**body.model_dump())
    )
    return ReportOut(
        position_id=position.id, warnings=views.warning_outs(db, warnings, language_of(request))
    )


@router.get("/warnings", response_model=list[WarningOut])
def list_warnings(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[WarningOut]:
    """Warnings of the caller's area, newest first, with their dispatch."""
    return views.warning_outs(db, service.list_warnings(db, principal), language_of(request))


@ingest_router.post("/positions", response_model=PositionsResult)
def ingest_positions(
    body: PositionsBody,
    request: Request,
    db: DbSession,
    engine: Engine,
    device: Annotated[DeviceConfig, Depends(authenticate_device)],
) -> PositionsResult:
    """Vehicle positions from a carrier's terminal or platform (device bearer token), as
    over MQTT: each checked against the zones and limits, the warnings answered."""
    taken = ingest.take(get_context(request), engine, device, body.positions, "http")
    ids = [w.id for w in taken.warnings]
    raised = [row for row in (db.get(TransportWarning, i) for i in ids) if row is not None]
    return PositionsResult(
        accepted=taken.accepted,
        warnings=views.warning_outs(db, raised, language_of(request)),
        rejected=[{"excerpt": e, "reason": r} for e, r in taken.rejected],
    )
