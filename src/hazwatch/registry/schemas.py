"""Request and response bodies of the registry.

Each resource has one input schema (``…In``): a create validates it; an update merges the
patch into the stored record and validates the result against the same schema, so the two
paths cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hazwatch.api.inputs import INT32_MAX, NO_NUL, Id
from hazwatch.physics.tank import HeadShape, TankGeometry
from hazwatch.registry import credit_code
from hazwatch.registry.choices import (
    GOVERNMENT_KINDS,
    Consent,
    DepartmentFunction,
    HazardKind,
    JurisdictionKind,
    LicenceType,
    OrganisationKind,
    SupervisionStage,
    SupplyForm,
    TankHeads,
    TankOrientation,
    VentilationType,
)

Name = Field(min_length=1, max_length=200, pattern=NO_NUL)


def positive(default: Any = ...) -> Any:
    """A strictly positive measure (length, volume, density)."""
    return Field(default=default, gt=0, max_digits=16, decimal_places=6)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int


class JurisdictionIn(Input):
    name: str = Name
    kind: JurisdictionKind
    parent_id: Id | None = None
    code: str | None = Field(default=None, max_length=32, pattern=NO_NUL)


class JurisdictionOut(JurisdictionIn, Output):
    pass


class Contact(Input):
    name: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    role: str = Field(default="", max_length=80, pattern=NO_NUL)
    phone: str = Field(default="", max_length=40, pattern=NO_NUL)
    email: str = Field(default="", max_length=200, pattern=NO_NUL)


class OrganisationIn(Input):
    kind: OrganisationKind
    name: str = Name
    credit_code: str = Field(min_length=18, max_length=18, pattern=NO_NUL)
    jurisdiction_id: Id | None = None
    department_function: DepartmentFunction | None = None
    address: str = Field(default="", max_length=300, pattern=NO_NUL)
    industry: str = Field(default="", max_length=120, pattern=NO_NUL)
    employees: int | None = Field(default=None, ge=0, le=INT32_MAX)
    principal_name: str = Field(default="", max_length=80, pattern=NO_NUL)
    principal_phone: str = Field(default="", max_length=40, pattern=NO_NUL)
    safety_manager_name: str = Field(default="", max_length=80, pattern=NO_NUL)
    safety_manager_phone: str = Field(default="", max_length=40, pattern=NO_NUL)
    contacts: list[Contact] = Field(default_factory=list)

    @field_validator("credit_code")
    @classmethod
    def _check_digit(cls, value: str) -> str:
        value = credit_code.normalise(value)
        if not credit_code.is_valid(value):
            raise ValueError("registry.credit_code_invalid")
        return value

    @model_validator(mode="after")
    def _department_needs_function(self) -> OrganisationIn:
        if self.kind is OrganisationKind.REGULATOR and self.department_function is None:
            raise ValueError("registry.department_function_required")
        if self.department_function is not None and self.kind not in GOVERNMENT_KINDS:
            raise ValueError("registry.department_function_not_allowed")
        return self


class OrganisationOut(OrganisationIn, Output):
    credit_code: str
    contacts: list[dict[str, Any]]  # type: ignore[assignment]


class SiteIn(Input):
    organisation_id: Id
    jurisdiction_id: Id | None = None
    name: str = Name
    address: str = Field(default="", max_length=300, pattern=NO_NUL)


class SiteOut(SiteIn, Output):
    pass


class BuildingIn(Input):
    site_id: Id
    organisation_id: Id
    name: str = Name
    floors: int | None = Field(default=None, ge=1, le=200)


class BuildingOut(BuildingIn, Output):
    pass


class RoomIn(Input):
    building_id: Id
    organisation_id: Id
    name: str = Name
    floor: int | None = Field(default=None, ge=-20, le=300)
    length_m: Decimal | None = positive(None)
    width_m: Decimal | None = positive(None)
    height_m: Decimal | None = positive(None)
    free_volume_m3: Decimal | None = positive(None)
    ventilation_type: VentilationType = VentilationType.NONE
    air_changes_per_hour: Decimal = Field(default=Decimal(0), ge=0, max_digits=16, decimal_places=6)
    ventilation_interlocked: bool = False
    confined_space: bool = False
    notes: str = Field(default="", max_length=2000, pattern=NO_NUL)

    @model_validator(mode="after")
    def _volume_known(self) -> RoomIn:
        dimensions = (self.length_m, self.width_m, self.height_m)
        if self.free_volume_m3 is None and None in dimensions:
            raise ValueError("registry.room_volume_required")
        if self.ventilation_type is VentilationType.NONE and self.air_changes_per_hour > 0:
            raise ValueError("registry.ventilation_type_required")
        return self


class RoomOut(RoomIn, Output):
    volume_m3: Decimal | None


class HazardSourceIn(Input):
    room_id: Id
    kind: HazardKind
    substance: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    cas: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    description: str = Field(default="", max_length=300, pattern=NO_NUL)
    pressure_mpa: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    max_release_m3_h: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    supply_id: Id | None = None


class HazardSourceOut(HazardSourceIn, Output):
    pass


class DoorIn(Input):
    site_id: Id
    organisation_id: Id
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Name
    reader: str = Field(default="", max_length=64, pattern=NO_NUL)
    reader_device_id: Id | None = None
    guarded_room_ids: list[Id] = Field(default_factory=list)


class DoorOut(DoorIn, Output):
    pass


class LeaseIn(Input):
    parent_id: Id | None = None
    lessor_id: Id
    lessee_id: Id
    site_id: Id
    premises: str = Field(default="", max_length=300, pattern=NO_NUL)
    area_m2: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=4)
    start_date: date
    end_date: date | None = None
    sublet_allowed: bool = False
    lessor_consent: bool = False
    consent_document: str = Field(default="", max_length=300, pattern=NO_NUL)
    safety_agreement_document: str = Field(default="", max_length=300, pattern=NO_NUL)
    safety_agreement_start: date | None = None
    safety_agreement_end: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> LeaseIn:
        if self.lessor_id == self.lessee_id:
            raise ValueError("registry.lease_same_party")
        if self.end_date and self.end_date < self.start_date:
            raise ValueError("registry.end_before_start")
        start, end = self.safety_agreement_start, self.safety_agreement_end
        if start and end and end < start:
            raise ValueError("registry.end_before_start")
        return self


class Consented(BaseModel):
    """A link the other party must confirm before it grants visibility."""

    status: Consent
    requested_by_id: int | None
    decided_at: datetime | None


class LeaseOut(LeaseIn, Consented, Output):
    pass


class TankIn(Input):
    site_id: Id
    organisation_id: Id
    operator_id: Id | None = None
    name: str = Name
    fluid: str = Field(min_length=1, max_length=40, pattern=NO_NUL)
    orientation: TankOrientation
    heads: TankHeads = TankHeads.FLAT
    volume_m3: Decimal = positive()
    diameter_m: Decimal = positive()
    design_pressure_mpa: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    liquid_density_kg_m3: Decimal = positive()

    @model_validator(mode="after")
    def _heads_fit(self) -> TankIn:
        """Level → mass needs a straight shell between the heads."""
        try:
            TankGeometry(
                float(self.volume_m3), float(self.diameter_m), heads=HeadShape(self.heads.value)
            )
        except ValueError:
            raise ValueError("registry.tank_heads_exceed_volume") from None
        return self


class TankOut(TankIn, Output):
    pass


class SupplyIn(Input):
    supplier_id: Id
    customer_id: Id
    substance: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    cas: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    hazardous: bool = True
    form: SupplyForm
    tank_id: Id | None = None
    room_id: Id | None = None
    monthly_quantity_kg: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=3)
    agreement_document: str = Field(default="", max_length=300, pattern=NO_NUL)
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _parties(self) -> SupplyIn:
        if self.supplier_id == self.customer_id:
            raise ValueError("registry.supply_same_party")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("registry.end_before_start")
        return self


class SupplyOut(SupplyIn, Consented, Output):
    pass


class LicenceIn(Input):
    organisation_id: Id
    licence_type: LicenceType
    number: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    issuer: str = Field(default="", max_length=200, pattern=NO_NUL)
    scope: str = Field(default="", max_length=500, pattern=NO_NUL)
    valid_from: date
    valid_until: date
    revoked: bool = False

    @model_validator(mode="after")
    def _dates(self) -> LicenceIn:
        if self.valid_until < self.valid_from:
            raise ValueError("registry.end_before_start")
        return self


class LicenceOut(LicenceIn, Output):
    pass


class SupervisionAssignmentIn(Input):
    department_id: Id
    organisation_id: Id
    stage: SupervisionStage
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)


class SupervisionAssignmentOut(SupervisionAssignmentIn, Output):
    pass


class FindingOut(BaseModel):
    code: str
    severity: str
    organisation_id: int | None
    organisation_name: str | None
    object_type: str
    object_id: int
    message: str
    legal_basis: str
    fallback_owner_id: int | None = None
    params: dict[str, Any] = Field(default_factory=dict)


#: The floor plan's extent in plan units (a room's box is placed inside it).
PLAN_MAX = 2000


class PlacementIn(BaseModel):
    """A room's box moved on the floor plan (its top-left corner)."""

    model_config = ConfigDict(extra="forbid")
    x: int = Field(ge=0, le=PLAN_MAX)
    y: int = Field(ge=0, le=PLAN_MAX)


class PlanRoomOut(BaseModel):
    id: int
    name: str
    x: int
    y: int
    #: Doors between the room and the outside (its depth in the suite).
    depth: int
    #: True when a person placed it; False when laid out by its doors.
    placed: bool
    #: Codes of the room's measurement points (its detectors).
    points: list[str]


class PlanDoorOut(BaseModel):
    id: int
    code: str
    name: str
    #: The rooms the door guards (every room reachable only through it).
    guards: list[int]
    #: The room whose edge the door is drawn on: the shallowest it guards.
    at_room: int | None


class PlanOut(BaseModel):
    building_id: int
    #: None for a tenant, who sees its rooms but not its landlord's building.
    building: str | None
    width: int
    height: int
    rooms: list[PlanRoomOut]
    doors: list[PlanDoorOut]
