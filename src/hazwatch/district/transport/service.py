"""Hazardous-goods transport (seed 001 measure 6: "督促危险货物运输企业按要求配备实时监控
管理人员，…实现安责险100%投保 … 建立禁限行线路动态调整机制").

* Carriers keep real-time monitoring staff: at least one per
  ``transport_staff_per_vehicles`` connected vehicles and at least
  ``transport_staff_minimum`` (settings; 1 per 100, minimum 2 by default).
* Liability-insurance coverage per district: vehicles insured today / vehicles (target 100 %).
* Positions (lat, lon, speed, heading) are checked as they arrive against the zones as they
  stand then (zones are adjusted at run time): inside an active restricted zone in one of
  its time windows, or above the limit (the lowest speed zone containing the position, else
  ``transport_speed_limit_kmh``, 60 km/h), raises a warning dispatched to the transport
  department of the carrier's district (派单核查), one per passage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import restrict
from hazwatch.district.transport import geometry
from hazwatch.district.transport.choices import WarningKind, ZoneKind
from hazwatch.district.transport.models import (
    TransportCarrier,
    TransportWarning,
    TransportZone,
    Vehicle,
    VehiclePosition,
)
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import DepartmentFunction, OrganisationKind
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import district_of
from hazwatch.supervision import dispatch
from hazwatch.supervision.choices import DispatchSource

#: A vehicle still in the same zone (or still speeding) within this time is the same
#: passage: one warning, not one per position.
PASSAGE = timedelta(minutes=30)
#: Dispatch level by warning kind (restricted zones guard tunnels and drinking water).
LEVELS = {WarningKind.RESTRICTED: "high", WarningKind.SPEEDING: "medium"}
#: A position older than this, or ahead of the clock by more than the skew, is refused.
MAX_AGE = timedelta(days=7)
MAX_SKEW = timedelta(minutes=5)


# -- carriers and vehicles --------------------------------------------------------------------


def required_staff(connected: int, per_vehicles: int, minimum: int) -> int:
    """At least one per ``per_vehicles`` connected vehicles (rounded up), and ``minimum``;
    a carrier with no connected vehicle needs none."""
    if connected == 0:
        return 0
    return max(minimum, math.ceil(connected / per_vehicles))


def set_staff(
    session: Session, principal: Principal, organisation_id: int, monitoring_staff: int
) -> TransportCarrier:
    Tenancy(session, principal).writable_organisation(organisation_id)
    if not 0 <= monitoring_staff <= 100_000:
        raise InvalidInput("district.transport.bad_staff", field="monitoring_staff")
    row = session.get(TransportCarrier, organisation_id)
    if row is None:
        row = TransportCarrier(organisation_id=organisation_id, monitoring_staff=monitoring_staff)
        session.add(row)
    else:
        row.monitoring_staff = monitoring_staff
    session.flush()
    return row


def add_vehicle(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    plate: str,
    connected: bool = True,
    insurer: str = "",
    insured_until: date | None = None,
) -> Vehicle:
    Tenancy(session, principal).writable_organisation(organisation_id)
    plate = plate.strip().upper()
    if not plate:
        raise InvalidInput("district.waste.plate_required", field="plate")
    if session.scalar(select(Vehicle.id).where(Vehicle.plate == plate)) is not None:
        raise Conflict("district.transport.plate_taken", field="plate")
    vehicle = Vehicle(
        organisation_id=organisation_id,
        plate=plate,
        connected=connected,
        insurer=insurer,
        insured_until=insured_until,
    )
    session.add(vehicle)
    session.flush()
    return vehicle


def update_vehicle(
    session: Session, principal: Principal, vehicle_id: int, changes: dict[str, Any]
) -> Vehicle:
    """Connection and insurance change; plate and carrier do not (a new vehicle is new)."""
    vehicle = Tenancy(session, principal).writable_row(Vehicle, vehicle_id, "vehicle_id")
    for name in ("connected", "insurer", "insured_until"):
        if name in changes:
            setattr(vehicle, name, changes[name])
    session.flush()
    return vehicle


def list_vehicles(session: Session, principal: Principal) -> list[Vehicle]:
    query = select(Vehicle).order_by(Vehicle.organisation_id, Vehicle.plate)
    return list(session.scalars(restrict(query, Vehicle.organisation_id, session, principal)))


def insured(vehicle: Vehicle, today: date) -> bool:
    return vehicle.insured_until is not None and vehicle.insured_until >= today


@dataclass(frozen=True)
class CarrierStaff:
    organisation_id: int
    connected: int
    required: int
    monitoring_staff: int

    @property
    def short(self) -> bool:
        return self.monitoring_staff < self.required


def staffing(
    session: Session, visible: frozenset[int] | None, per_vehicles: int, minimum: int
) -> list[CarrierStaff]:
    """Each carrier with vehicles (that ``visible`` holds): connected vehicles, the staff
    the rule requires, the staff it keeps."""
    counts: dict[int, int] = {}
    for vehicle in session.scalars(select(Vehicle)):
        counts.setdefault(vehicle.organisation_id, 0)
        counts[vehicle.organisation_id] += int(vehicle.connected)
    shown: list[CarrierStaff] = []
    for organisation_id, connected in sorted(counts.items()):
        if visible is not None and organisation_id not in visible:
            continue
        row = session.get(TransportCarrier, organisation_id)
        shown.append(
            CarrierStaff(
                organisation_id,
                connected,
                required_staff(connected, per_vehicles, minimum),
                row.monitoring_staff if row else 0,
            )
        )
    return shown


@dataclass(frozen=True)
class Coverage:
    """Liability-insurance coverage of one district's vehicles (target 100 %)."""

    district_id: int | None
    vehicles: int
    insured: int
    uninsured_plates: list[str]

    @property
    def rate(self) -> Decimal:
        return Decimal(self.insured * 100) / self.vehicles if self.vehicles else Decimal(100)


def coverage(session: Session, principal: Principal, today: date) -> list[Coverage]:
    by_district: dict[int | None, list[Vehicle]] = {}
    for vehicle in list_vehicles(session, principal):
        carrier = session.get(Organisation, vehicle.organisation_id)
        district = district_of(session, carrier.jurisdiction_id) if carrier else None
        by_district.setdefault(district.id if district else None, []).append(vehicle)
    return [
        Coverage(
            district_id,
            len(vehicles),
            sum(insured(v, today) for v in vehicles),
            [v.plate for v in vehicles if not insured(v, today)],
        )
        for district_id, vehicles in sorted(by_district.items(), key=lambda i: i[0] or 0)
    ]


def district_name(session: Session, district_id: int | None) -> str:
    district = session.get(Jurisdiction, district_id) if district_id else None
    return district.name if district else "-"


# -- zones ------------------------------------------------------------------------------------


def check_windows(windows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Time windows: ISO weekdays 1–7 and local ``HH:MM`` start before end (``24:00`` ends a
    day); refused naming ``windows``."""
    checked: list[dict[str, Any]] = []
    for window in windows:
        days = sorted(set(window.get("days") or range(1, 8)))
        start, end = str(window.get("start", "00:00")), str(window.get("end", "24:00"))
        if not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
            raise InvalidInput("district.transport.bad_window", field="windows")
        if _minutes(start) is None or _minutes(end) is None or _minutes(start) >= _minutes(end):  # type: ignore[operator]
            raise InvalidInput("district.transport.bad_window", field="windows")
        checked.append({"days": days, "start": start, "end": end})
    return checked


def _minutes(text: str) -> int | None:
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        return None
    hours, minutes = int(parts[0]), int(parts[1])
    if (hours, minutes) == (24, 0):
        return 24 * 60
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def in_window(windows: list[dict[str, Any]], local: datetime) -> bool:
    if not windows:
        return True
    minute = local.hour * 60 + local.minute
    return any(
        local.isoweekday() in w["days"]
        and (_minutes(w["start"]) or 0) <= minute < (_minutes(w["end"]) or 0)
        for w in windows
    )


def _department(session: Session, principal: Principal, organisation_id: int) -> None:
    """Zones are set by a government department (a regulator of that area)."""
    Tenancy(session, principal).writable_organisation(organisation_id)
    department = session.get(Organisation, organisation_id)
    if department is None or department.kind != OrganisationKind.REGULATOR:
        raise InvalidInput("district.transport.zone_by_department", field="organisation_id")
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only", field="organisation_id")


def _check_zone(zone: TransportZone) -> None:
    geometry.parse(zone.geometry, zone.buffer_m)
    if zone.kind == ZoneKind.SPEED and not zone.speed_limit_kmh:
        raise InvalidInput("district.transport.limit_needed", field="speed_limit_kmh")
    if not zone.name.strip():
        raise InvalidInput("district.transport.name_required", field="name")


def create_zone(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    name: str,
    kind: ZoneKind,
    geometry_wkt: str,
    buffer_m: Decimal = Decimal(0),
    speed_limit_kmh: int | None = None,
    windows: list[dict[str, Any]] | None = None,
    basis: str = "",
) -> TransportZone:
    _department(session, principal, organisation_id)
    zone = TransportZone(
        organisation_id=organisation_id,
        name=name.strip(),
        kind=kind,
        geometry=geometry_wkt.strip(),
        buffer_m=buffer_m,
        speed_limit_kmh=speed_limit_kmh,
        windows=check_windows(windows or []),
        active=True,
        basis=basis,
    )
    _check_zone(zone)
    session.add(zone)
    session.flush()
    return zone


def update_zone(
    session: Session, principal: Principal, zone_id: int, changes: dict[str, Any]
) -> TransportZone:
    """Adjust a zone at run time (geometry, windows, limit, active); checked as a whole
    before anything is stored."""
    zone = Tenancy(session, principal).writable_row(TransportZone, zone_id, "zone_id")
    _department(session, principal, zone.organisation_id)
    wanted = {
        "name": changes.get("name", zone.name),
        "geometry": changes.get("geometry_wkt", zone.geometry),
        "buffer_m": changes.get("buffer_m", zone.buffer_m),
        "speed_limit_kmh": changes.get("speed_limit_kmh", zone.speed_limit_kmh),
        "windows": check_windows(changes["windows"]) if "windows" in changes else zone.windows,
        "active": changes.get("active", zone.active),
        "basis": changes.get("basis", zone.basis),
    }
    probe = TransportZone(kind=zone.kind, **wanted)
    _check_zone(probe)
    for name, value in wanted.items():
        if getattr(zone, name) != value:
            setattr(zone, name, value)
    session.flush()
    return zone


def list_zones(session: Session, active_only: bool = False) -> list[TransportZone]:
    """Zones are public road rules: every caller reads them."""
    query = select(TransportZone).order_by(TransportZone.kind, TransportZone.id)
    if active_only:
        query = query.where(TransportZone.active.is_(True))
    return list(session.scalars(query))


# -- positions and warnings -------------------------------------------------------------------


@dataclass(frozen=True)
class PositionIn:
    plate: str
    at: datetime
    lat: Decimal
    lon: Decimal
    speed_kmh: Decimal
    heading: Decimal


def _check_position(position: PositionIn, now: datetime) -> None:
    """Ranges the API refuses first; the CLI and MQTT paths rely on this."""
    for field, value, low, high in (
        ("lat", position.lat, Decimal(-90), Decimal(90)),
        ("lon", position.lon, Decimal(-180), Decimal(180)),
        ("speed_kmh", position.speed_kmh, Decimal(0), Decimal(300)),
        ("heading", position.heading, Decimal(0), Decimal(360)),
    ):
        if (
            not value.is_finite()
            or not low <= value <= high
            or (field == "heading" and value == high)
        ):
            raise InvalidInput("district.transport.out_of_range", field=field, low=low, high=high)
    at = as_utc(position.at)
    if at > now + MAX_SKEW or at < now - MAX_AGE:
        raise InvalidInput("district.transport.position_time", field="at")


def report(
    session: Session, principal: Principal, moment: Moment, position: PositionIn
) -> tuple[VehiclePosition, list[TransportWarning]]:
    """Store a position of a vehicle the caller reports for (its carrier, or the carrier's
    device) and raise the warnings it earns."""
    _check_position(position, moment.now)
    vehicle_id = session.scalar(
        select(Vehicle.id).where(Vehicle.plate == position.plate.strip().upper())
    )
    vehicle = Tenancy(session, principal).writable_row(Vehicle, vehicle_id, "plate")
    return _store(session, moment, vehicle, position)


def record(
    session: Session, moment: Moment, organisation_id: int, position: PositionIn, field: str
) -> tuple[VehiclePosition, list[TransportWarning]]:
    """A position a device of carrier ``organisation_id`` sent over the ingest (MQTT or
    HTTP, :mod:`.ingest`): a device reports its own carrier's vehicles only, as a detector
    reports its own organisation's points."""
    _check_position(position, moment.now)
    vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == position.plate.strip().upper()))
    if vehicle is None or vehicle.organisation_id != organisation_id:
        raise NotFound("district.transport.unknown_vehicle", field=field)
    return _store(session, moment, vehicle, position)


def _store(
    session: Session, moment: Moment, vehicle: Vehicle, position: PositionIn
) -> tuple[VehiclePosition, list[TransportWarning]]:
    row = VehiclePosition(
        vehicle_id=vehicle.id,
        organisation_id=vehicle.organisation_id,
        at=as_utc(position.at),
        lat=position.lat,
        lon=position.lon,
        speed_kmh=position.speed_kmh,
        heading=position.heading,
        received_at=moment.now,
    )
    session.add(row)
    session.flush()
    return row, evaluate(session, moment, vehicle, row)


def evaluate(
    session: Session, moment: Moment, vehicle: Vehicle, position: VehiclePosition
) -> list[TransportWarning]:
    local = as_utc(position.at).astimezone(ZoneInfo(moment.settings.timezone))
    limit = moment.settings.transport_speed_limit_kmh
    speed_zone: TransportZone | None = None
    raised: list[TransportWarning] = []
    for zone in list_zones(session, active_only=True):
        area = geometry.parse(zone.geometry, zone.buffer_m)
        if not geometry.covers(area, position.lon, position.lat):
            continue
        if zone.kind == ZoneKind.SPEED and zone.speed_limit_kmh is not None:
            if speed_zone is None or zone.speed_limit_kmh < limit:
                limit, speed_zone = zone.speed_limit_kmh, zone
        elif zone.kind == ZoneKind.RESTRICTED and in_window(zone.windows, local):
            raised += _warn(session, moment, vehicle, position, WarningKind.RESTRICTED, zone, None)
    if position.speed_kmh > limit:
        raised += _warn(session, moment, vehicle, position, WarningKind.SPEEDING, speed_zone, limit)
    return raised


def _warn(
    session: Session,
    moment: Moment,
    vehicle: Vehicle,
    position: VehiclePosition,
    kind: WarningKind,
    zone: TransportZone | None,
    limit: int | None,
) -> list[TransportWarning]:
    """A warning and its dispatch, unless this passage already has one."""
    zone_id = zone.id if zone is not None and kind is WarningKind.RESTRICTED else None
    recent = session.scalar(
        select(TransportWarning.id).where(
            TransportWarning.vehicle_id == vehicle.id,
            TransportWarning.kind == kind,
            TransportWarning.zone_id.is_(None)
            if zone_id is None
            else TransportWarning.zone_id == zone_id,
            TransportWarning.at >= as_utc(position.at) - PASSAGE,
        )
    )
    if recent is not None:
        return []
    warning = TransportWarning(
        vehicle_id=vehicle.id,
        organisation_id=vehicle.organisation_id,
        zone_id=zone_id,
        kind=kind,
        at=as_utc(position.at),
        lat=position.lat,
        lon=position.lon,
        speed_kmh=position.speed_kmh,
        limit_kmh=limit,
    )
    session.add(warning)
    session.flush()
    order = dispatch.dispatch(
        session,
        moment.now,
        moment.settings,
        organisation_id=vehicle.organisation_id,
        department_id=transport_department(session, vehicle.organisation_id),
        source_type=DispatchSource.TRANSPORT,
        source_key=f"vehicle:{vehicle.id}:{kind.value}:{zone_id or 0}",
        level=LEVELS[kind],
        title_key=f"district.transport.warning.{kind.value}",
        params={
            "plate": vehicle.plate,
            "zone": zone.name if zone is not None else "-",
            "speed": kmh(position.speed_kmh),
            "limit": str(limit or "-"),
        },
    )
    warning.dispatch_id = order.id if order is not None else None
    session.flush()
    return [warning]


def transport_department(session: Session, organisation_id: int) -> int | None:
    """The transport bureau of the carrier's district (seed 001 §18: 交通运输 supervises
    transport); None: the usual routing (matrix, else the fallback owner)."""
    carrier = session.get(Organisation, organisation_id)
    district = district_of(session, carrier.jurisdiction_id) if carrier else None
    if district is None:
        return None
    return session.scalar(
        select(Organisation.id)
        .where(
            Organisation.kind == OrganisationKind.REGULATOR,
            Organisation.department_function == DepartmentFunction.TRANSPORT,
            Organisation.jurisdiction_id == district.id,
        )
        .order_by(Organisation.id)
        .limit(1)
    )


def list_warnings(session: Session, principal: Principal) -> list[TransportWarning]:
    query = select(TransportWarning).order_by(
        TransportWarning.at.desc(), TransportWarning.id.desc()
    )
    return list(
        session.scalars(
            restrict(query, TransportWarning.organisation_id, session, principal).limit(500)
        )
    )


def latest_positions(session: Session, principal: Principal) -> dict[int, VehiclePosition]:
    """The last position of each vehicle the caller sees."""
    latest: dict[int, VehiclePosition] = {}
    for vehicle in list_vehicles(session, principal):
        found = session.scalar(
            select(VehiclePosition)
            .where(VehiclePosition.vehicle_id == vehicle.id)
            .order_by(VehiclePosition.at.desc())
            .limit(1)
        )
        if found is not None:
            latest[vehicle.id] = found
    return latest


def kmh(value: Decimal) -> str:
    """A speed as people write it (``45``, ``80.5``)."""
    return format(value.normalize(), "f")


def today(moment: Moment) -> date:
    return local_date(moment.now, moment.settings.timezone)


def window_text(windows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{','.join(map(str, w['days']))} {w['start']}–{w['end']}" for w in windows)
