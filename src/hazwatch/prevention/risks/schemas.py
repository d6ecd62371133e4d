"""Request and response bodies of the risk register API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import Id, Text80, Text200, chars
from hazwatch.prevention.risks.choices import ControlKind, ObjectKind
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod

#: A factor as written (``"0.5"``, ``6``); checked against the method's table in the service.
Factor = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2, allow_inf_nan=False)
]
Factors = Annotated[dict[Annotated[str, chars(1)], Factor], Field(max_length=3)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ObjectIn(_In):
    organisation_id: Id
    site_id: Id
    room_id: Id | None = None
    chemical_unit_id: Id | None = None
    name: Annotated[str, chars(120, min_length=1)]
    kind: ObjectKind = ObjectKind.PLACE


class ObjectPatch(_In):
    room_id: Id | None = None
    chemical_unit_id: Id | None = None
    name: Annotated[str, chars(120, min_length=1)] | None = None
    kind: ObjectKind | None = None


class ObjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    site_id: int
    room_id: int | None
    chemical_unit_id: int | None
    name: str
    kind: ObjectKind
    retired_at: datetime | None = None


class EventIn(_In):
    title: Annotated[str, chars(200, min_length=1)]
    consequence: Annotated[str, chars(300)] = ""
    method: RiskMethod = RiskMethod.LS
    #: Likelihood from the room's ODH class (LS method, S = 5); no factors then.
    odh: bool = False
    factors: Factors = {}


class EventPatch(_In):
    title: Annotated[str, chars(200, min_length=1)] | None = None
    consequence: Annotated[str, chars(300)] | None = None


class AssessIn(_In):
    factors: Factors = {}


class ControlIn(_In):
    kind: ControlKind
    description: Annotated[str, chars(500, min_length=1)]
    responsible: Text80 = ""


class ControlOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    kind: ControlKind
    description: str
    responsible: str


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    assessed_at: datetime
    method: RiskMethod
    factors: dict[str, str]
    score: Decimal
    level: RiskLevel
    band_table_id: int | None
    band_version: int
    basis: str
    assessed_by: str


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    object_id: int
    title: str
    consequence: str
    method: RiskMethod
    odh: bool
    score: Decimal | None
    level: RiskLevel | None
    retired_at: datetime | None = None


class BandIn(_In):
    low: Annotated[Decimal, Field(ge=0, le=10000, max_digits=8, decimal_places=2)]
    inclusive: bool = True
    level: RiskLevel


class BandTableIn(_In):
    organisation_id: Id
    method: RiskMethod
    bands: Annotated[list[BandIn], Field(min_length=1, max_length=8)]
    basis: Text200 = ""


class BandTableOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    organisation_id: int | None
    method: RiskMethod
    version: int
    bands: list[dict[str, Any]]
    basis: str
