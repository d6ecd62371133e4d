"""Waste-transfer bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.district.waste.choices import (
    HandoverStep,
    ManifestState,
    StorePointRole,
    WasteLicenceKind,
)

#: A quantity in kilograms: positive, finite, at most 1e9 (a vehicle carries some tonnes).
Quantity = Annotated[
    Decimal, Field(gt=0, le=Decimal("1e9"), allow_inf_nan=False, max_digits=16, decimal_places=3)
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LicenceIn(_In):
    organisation_id: Id
    kind: WasteLicenceKind
    number: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    issuer: str = Field(default="", max_length=200, pattern=NO_NUL)
    waste_codes: list[Annotated[str, Field(max_length=20, pattern=NO_NUL)]] = Field(
        min_length=1, max_length=200
    )
    valid_from: date
    valid_until: date


class LicenceOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    kind: WasteLicenceKind
    kind_label: str
    number: str
    issuer: str
    waste_codes: list[str]
    valid_from: date
    valid_until: date
    revoked: bool
    valid_today: bool


class ManifestIn(_In):
    organisation_id: Id
    carrier_id: Id
    receiver_id: Id
    vehicle_plate: str = Field(min_length=1, max_length=16, pattern=NO_NUL)
    waste_code: str = Field(min_length=1, max_length=20, pattern=NO_NUL)
    waste_name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    quantity_kg: Quantity
    paper_number: str = Field(default="", max_length=40, pattern=NO_NUL)
    completed_on: date | None = None
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class HandoverIn(_In):
    step: HandoverStep
    quantity_kg: Quantity
    at: Instant | None = None


class ManifestOut(BaseModel):
    id: int
    number: str
    organisation_id: int
    producer: str
    carrier_id: int
    carrier: str
    receiver_id: int
    receiver: str
    vehicle_plate: str
    waste_code: str
    waste_name: str
    quantity_kg: Decimal
    state: ManifestState
    state_label: str
    paper: bool
    paper_number: str
    completed_on: date | None
    issued_at: datetime
    issued_by: str
    picked_up_at: datetime | None
    pickup_quantity_kg: Decimal | None
    received_at: datetime | None
    receipt_recorded_at: datetime | None
    received_quantity_kg: Decimal | None
    due_at: datetime | None
    #: Hand-over steps whose quantity is off the declared one beyond the tolerance.
    mismatches: dict[str, Decimal]
    overdue: bool
    late: bool
    fails_reconciliation: bool
    note: str


class StoreIn(_In):
    organisation_id: Id
    site_id: Id
    room_id: Id | None = None
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)


class StorePointIn(_In):
    point_id: Id
    role: StorePointRole


class StorePointOut(BaseModel):
    point_id: int
    role: StorePointRole
    role_label: str


class StoreOut(BaseModel):
    id: int
    organisation_id: int
    site_id: int
    room_id: int | None
    name: str
    points: list[StorePointOut]
    thermal_imaging: bool
    #: Ids of its points' alarms that are not back to normal.
    alarm_ids: list[int]
