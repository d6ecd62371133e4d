"""Request and response bodies of the chemicals API.

Quantities are exact decimals in tonnes, finite and never negative (a refusal names the
field); hazard classes and CAS numbers are checked in the service so the CSV / Excel import
refuses them the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hazwatch.api.inputs import Count, Id, Instant, Text32, Text80, Text200, Text500, chars
from hazwatch.chemicals.choices import MovementKind, PersonRole, UnitKind
from hazwatch.core.errors import InvalidInput

#: Tonnes: finite, at most 10⁹ t with 6 decimals (grams).
Tonnes = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=6, allow_inf_nan=False)]
PositiveTonnes = Annotated[
    Decimal, Field(gt=0, max_digits=16, decimal_places=6, allow_inf_nan=False)
]
Codes = Annotated[list[Annotated[str, chars(16)]], Field(max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ChemicalIn(_In):
    organisation_id: Id
    name: Annotated[str, chars(200, min_length=1)]
    name_en: Text200 = ""
    aliases: Annotated[list[Text80], Field(max_length=20)] = []
    cas: Annotated[str, chars(16)] | None = None
    un_number: Annotated[str, chars(8)] | None = None
    ghs_classes: Codes = []
    gb_classes: Codes = []
    table1_seq: Annotated[int, Field(ge=1, le=85)] | None = None
    catalogue_serial: Annotated[int, Field(ge=1, le=9999)] | None = None
    highly_toxic: bool = False
    key_supervised: bool = False
    explosive_precursor: bool = False
    inert_gas: bool = False


class ChemicalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int | None
    name: str
    name_en: str
    aliases: list[str]
    cas: str | None
    un_number: str | None
    ghs_classes: list[str]
    gb_classes: list[str]
    table1_seq: int | None
    catalogue_serial: int | None
    highly_toxic: bool
    key_supervised: bool
    explosive_precursor: bool
    inert_gas: bool


class UnitIn(_In):
    organisation_id: Id
    site_id: Id
    name: Annotated[str, chars(120, min_length=1)]
    kind: UnitKind = UnitKind.STORAGE
    people_within_500m: Count = 0
    note: Text500 = ""


class UnitPatch(_In):
    name: Annotated[str, chars(120, min_length=1)] | None = None
    people_within_500m: Count | None = None
    note: Text500 | None = None


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    site_id: int
    name: str
    kind: UnitKind
    people_within_500m: int
    note: str


class HoldingIn(_In):
    chemical_id: Id
    design_max_t: Tonnes
    current_t: Decimal | None = Field(
        default=None, ge=0, max_digits=16, decimal_places=6, allow_inf_nan=False
    )


class HoldingPatch(_In):
    """A holding's new design maximum (its stock moves by movements only)."""

    design_max_t: Tonnes


class HoldingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    chemical_id: int
    design_max_t: Decimal
    current_t: Decimal


class MovementIn(_In):
    kind: MovementKind
    chemical_id: Id
    quantity_t: PositiveTonnes
    from_unit_id: Id | None = None
    to_unit_id: Id | None = None
    at: Instant | None = None
    note: Text500 = ""


def typed_movement(**fields: object) -> MovementIn:
    """A movement typed on the command line or in the console, refused as the API refuses it
    (a quantity that is not a number above 0, an id out of range), naming the field."""
    try:
        return MovementIn.model_validate(fields)
    except ValidationError as exc:
        where = str(exc.errors()[0]["loc"][0])
        raise InvalidInput("chemicals.bad_movement_field", field=where) from None


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    chemical_id: int
    kind: MovementKind
    quantity_t: Decimal
    from_unit_id: int | None
    to_unit_id: int | None
    at: datetime
    recorded_by: str
    note: str


class RoomLinkIn(_In):
    room_id: Id
    #: Largest credible release of the unit's inert gas into the room, m³/h.
    max_release_m3_h: Decimal | None = Field(
        default=None, ge=0, max_digits=16, decimal_places=6, allow_inf_nan=False
    )


class RoomLinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    room_id: int
    max_release_m3_h: Decimal | None
    sources: dict[str, int]


class IdentificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    organisation_id: int
    computed_at: datetime
    trigger: str
    major: bool
    s: str
    r: str | None
    level: int | None
    working: dict[str, Any]


class PersonIn(_In):
    role: PersonRole
    name: Annotated[str, chars(80, min_length=1)]
    position: Text80 = ""
    phone: Text32 = ""
    appointed_on: date | None = None


class PersonPatch(_In):
    """Corrections to a current person's details (only the fields given change)."""

    name: Annotated[str, chars(80, min_length=1)] | None = None
    position: Text80 | None = None
    phone: Text32 | None = None
    appointed_on: date | None = None


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    organisation_id: int
    role: PersonRole
    name: str
    position: str
    phone: str
    appointed_on: date | None
    retired_at: datetime | None = None


class DutyCheckIn(_In):
    checked_at: Instant | None = None
    ok: bool = True
    note: Text500 = ""


class DutyCheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    unit_id: int
    checked_at: datetime
    ok: bool
    note: str
    recorded_by: str
