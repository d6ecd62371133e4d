"""Emergency-resource bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition, LineState, TeamKind
from hazwatch.emergency.readiness.choices import EquipmentKind


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_EXACT: dict[str, Any] = {"allow_inf_nan": False, "max_digits": 16, "decimal_places": 7}
Latitude = Annotated[Decimal, Field(ge=-90, le=90, **_EXACT)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, **_EXACT)]
Quantity = Annotated[
    Decimal, Field(ge=0, le=10**9, allow_inf_nan=False, max_digits=16, decimal_places=3)
]


def _text(max_length: int, min_length: int = 0) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)


class ItemIn(_In):
    organisation_id: Id
    kind: EquipmentKind
    code: str = _text(64, 1)
    name: str = Field(default="", max_length=200, pattern=NO_NUL)
    site_id: Id | None = None
    location: str = Field(default="", max_length=200, pattern=NO_NUL)
    lat: Latitude
    lon: Longitude
    quantity: Quantity
    unit: str = Field(default="", max_length=16, pattern=NO_NUL)
    condition: ItemCondition = ItemCondition.GOOD
    shared: bool = True
    check_interval_days: int = Field(default=30, ge=1, le=366)


_QUANTITY: dict[str, Any] = {"allow_inf_nan": False, "max_digits": 16, "decimal_places": 3}


class ItemPatch(_In):
    lat: Decimal | None = Field(default=None, ge=-90, le=90, **_EXACT)
    lon: Decimal | None = Field(default=None, ge=-180, le=180, **_EXACT)
    quantity: Decimal | None = Field(default=None, ge=0, le=10**9, **_QUANTITY)
    unit: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    condition: ItemCondition | None = None
    shared: bool | None = None


class ItemOut(BaseModel):
    equipment_id: int
    code: str
    kind: EquipmentKind
    kind_label: str
    name: str
    organisation_id: int
    owner: str
    site_id: int | None
    location: str
    lat: Decimal
    lon: Decimal
    quantity: Decimal
    unit: str
    condition: ItemCondition
    condition_label: str
    shared: bool
    ready: bool
    not_ready_reason: str | None
    last_check: datetime | None
    out: Decimal
    lendable: bool


class TeamIn(_In):
    organisation_id: Id
    name: str = _text(120, 1)
    kind: TeamKind
    lat: Latitude
    lon: Longitude
    site_id: Id | None = None
    phone: str = Field(default="", max_length=40, pattern=NO_NUL)


class TeamPatch(_In):
    lat: Decimal | None = Field(default=None, ge=-90, le=90, **_EXACT)
    lon: Decimal | None = Field(default=None, ge=-180, le=180, **_EXACT)
    phone: str | None = Field(default=None, max_length=40, pattern=NO_NUL)
    available: bool | None = None


class MemberIn(_In):
    person: str = _text(80, 1)
    role: str = Field(default="", max_length=40, pattern=NO_NUL)


class MemberOut(BaseModel):
    id: int
    person: str
    role: str
    qualifications: list[str]
    qualified: bool


class TeamOut(BaseModel):
    id: int
    organisation_id: int
    owner: str
    name: str
    kind: TeamKind
    kind_label: str
    site_id: int | None
    lat: Decimal
    lon: Decimal
    phone: str
    available: bool
    busy: bool
    members: list[MemberOut]
    qualified_members: int


class RulesIn(_In):
    max_distance_km: Decimal = Field(gt=0, le=1000, allow_inf_nan=False, max_digits=10)
    reserve_percent: Decimal = Field(ge=0, lt=100, allow_inf_nan=False, max_digits=10)
    speed_kmh: Decimal = Field(gt=0, le=200, allow_inf_nan=False, max_digits=10)
    teams: int = Field(ge=0, le=20)
    team_min_qualified: int = Field(ge=0, le=20)
    professional_first: bool = True
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)


class RulesOut(BaseModel):
    jurisdiction_id: int
    max_distance_km: Decimal
    reserve_percent: Decimal
    speed_kmh: Decimal
    teams: int
    team_min_qualified: int
    professional_first: bool
    basis: str
    default: bool


class TravelTimeIn(_In):
    jurisdiction_id: Id
    from_site_id: Id
    to_site_id: Id
    minutes: int = Field(ge=1, le=1440)


class TravelTimeOut(BaseModel):
    id: int
    jurisdiction_id: int
    from_site_id: int
    to_site_id: int
    minutes: int


class CandidateOut(BaseModel):
    equipment_id: int | None
    team_id: int | None
    organisation_id: int
    owner: str
    label: str
    distance_km: Decimal
    minutes: Decimal
    by_table: bool
    available: Decimal | None


class NeedIn(_In):
    kind: EquipmentKind
    quantity: Annotated[
        Decimal, Field(gt=0, le=10**9, allow_inf_nan=False, max_digits=16, decimal_places=3)
    ]


class DispatchIn(_In):
    purpose: DispatchPurpose
    incident_id: Id | None = None
    drill_id: Id | None = None
    site_id: Id | None = None
    lat: Latitude
    lon: Longitude
    needs: list[NeedIn] = Field(default_factory=list, max_length=20)
    teams: int | None = Field(default=None, ge=0, le=20)
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class ArrivalIn(_In):
    at: Instant | None = None


class ReturnIn(_In):
    at: Instant | None = None
    returned_quantity: Decimal | None = Field(default=None, ge=0, le=10**9, **_QUANTITY)
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class LineOut(BaseModel):
    id: int
    dispatch_id: int
    organisation_id: int
    owner: str
    equipment_id: int | None
    team_id: int | None
    what: str
    kind_label: str
    quantity: Decimal
    unit: str
    distance_km: Decimal
    minutes: Decimal
    by_table: bool
    state: LineState
    state_label: str
    sent_at: datetime
    arrived_at: datetime | None
    returned_at: datetime | None
    returned_quantity: Decimal | None
    note: str


class ShortfallOut(BaseModel):
    kind: str
    kind_label: str
    missing: Decimal


class DispatchOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    purpose: DispatchPurpose
    purpose_label: str
    incident_id: int | None
    drill_id: int | None
    subject: str
    site_id: int | None
    lat: Decimal
    lon: Decimal
    requested_at: datetime
    requested_by: str
    note: str
    rules: dict[str, str]
    shortfalls: list[ShortfallOut]
    closed_at: datetime | None
    lines: list[LineOut]


class MapPointOut(BaseModel):
    lat: Decimal
    lon: Decimal
    label: str
    kind: str
