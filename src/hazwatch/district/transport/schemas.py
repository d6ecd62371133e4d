"""Transport bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.district.transport.choices import WarningKind, ZoneKind


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_EXACT: dict[str, Any] = {"allow_inf_nan": False, "max_digits": 16, "decimal_places": 7}
Latitude = Annotated[Decimal, Field(ge=-90, le=90, **_EXACT)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, **_EXACT)]
Speed = Annotated[Decimal, Field(ge=0, le=300, **_EXACT)]
#: Degrees clockwise from north: 360 is 0.
Heading = Annotated[Decimal, Field(ge=0, lt=360, **_EXACT)]


class StaffIn(_In):
    monitoring_staff: int = Field(ge=0, le=100_000)


class StaffOut(BaseModel):
    organisation_id: int
    carrier: str
    connected_vehicles: int
    required_staff: int
    monitoring_staff: int
    short: bool


class VehicleIn(_In):
    organisation_id: Id
    plate: str = Field(min_length=1, max_length=16, pattern=NO_NUL)
    connected: bool = True
    insurer: str = Field(default="", max_length=120, pattern=NO_NUL)
    insured_until: date | None = None


class VehiclePatch(_In):
    connected: bool | None = None
    insurer: str | None = Field(default=None, max_length=120, pattern=NO_NUL)
    insured_until: date | None = None


class PositionOut(BaseModel):
    at: datetime
    lat: Decimal
    lon: Decimal
    speed_kmh: Decimal
    heading: Decimal


class VehicleOut(BaseModel):
    id: int
    organisation_id: int
    carrier: str
    plate: str
    connected: bool
    insurer: str
    insured_until: date | None
    insured: bool
    last_position: PositionOut | None


class WindowIn(_In):
    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=[1, 2, 3, 4, 5, 6, 7], max_length=7
    )
    start: str = Field(default="00:00", max_length=5, pattern=r"^\d\d:\d\d$")
    end: str = Field(default="24:00", max_length=5, pattern=r"^\d\d:\d\d$")


class ZoneIn(_In):
    organisation_id: Id
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    kind: ZoneKind
    geometry_wkt: str = Field(min_length=1, max_length=200_000, pattern=NO_NUL)
    buffer_m: Decimal = Field(
        default=Decimal(0), ge=0, le=1000, allow_inf_nan=False, max_digits=16, decimal_places=3
    )
    speed_limit_kmh: int | None = Field(default=None, ge=1, le=200)
    windows: list[WindowIn] = Field(default_factory=list, max_length=20)
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)


class ZonePatch(_In):
    name: str | None = Field(default=None, min_length=1, max_length=120, pattern=NO_NUL)
    geometry_wkt: str | None = Field(default=None, min_length=1, max_length=200_000, pattern=NO_NUL)
    buffer_m: Decimal | None = Field(
        default=None, ge=0, le=1000, allow_inf_nan=False, max_digits=16, decimal_places=3
    )
    speed_limit_kmh: int | None = Field(default=None, ge=1, le=200)
    windows: list[WindowIn] | None = Field(default=None, max_length=20)
    active: bool | None = None
    basis: str | None = Field(default=None, max_length=300, pattern=NO_NUL)


class ZoneOut(BaseModel):
    id: int
    organisation_id: int
    department: str
    name: str
    kind: ZoneKind
    kind_label: str
    geometry_wkt: str
    buffer_m: Decimal
    speed_limit_kmh: int | None
    windows: list[dict[str, Any]]
    active: bool
    basis: str


class PositionIn(_In):
    plate: str = Field(min_length=1, max_length=16, pattern=NO_NUL)
    at: Instant
    lat: Latitude
    lon: Longitude
    speed_kmh: Speed
    heading: Heading


class WarningOut(BaseModel):
    id: int
    vehicle_id: int
    plate: str
    organisation_id: int
    carrier: str
    zone_id: int | None
    zone: str | None
    kind: WarningKind
    kind_label: str
    at: datetime
    lat: Decimal
    lon: Decimal
    speed_kmh: Decimal
    limit_kmh: int | None
    dispatch_id: int | None
    dispatch_state: str | None
    department: str | None


class ReportOut(BaseModel):
    position_id: int
    warnings: list[WarningOut]


class CoverageOut(BaseModel):
    district_id: int | None
    district: str
    vehicles: int
    insured: int
    rate_percent: Decimal
    target_percent: Decimal
    uninsured_plates: list[str]


class TransportOverview(BaseModel):
    coverage: list[CoverageOut]
    staffing: list[StaffOut]


class PositionsBody(BaseModel):
    """A terminal's or platform's positions (decoded as over MQTT, docs/ingest.md)."""

    model_config = ConfigDict(extra="forbid")
    positions: list[dict[str, Any]] = Field(max_length=1000)


class PositionsResult(BaseModel):
    accepted: int
    warnings: list[WarningOut]
    #: ``{"excerpt", "reason"}`` of each position refused (also kept as ingest rejections).
    rejected: list[dict[str, Any]]
