"""Request and response bodies of the ODH API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL
from hazwatch.prevention.odh.choices import SafeguardKind


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    room_id: int
    organisation_id: int
    computed_at: datetime
    trigger: str
    odh_class: int
    phi_per_hour: float
    stale: bool
    inputs: dict[str, Any]
    result: dict[str, Any]


class SafeguardIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SafeguardKind
    #: Probability of failing on demand; empty takes the kind's FESHM 4240 default.
    failure_on_demand: Decimal | None = Field(default=None, gt=0, le=1, decimal_places=8)
    basis: str = Field(default="", max_length=200, pattern=NO_NUL)
    in_service: bool = True
    note: str = Field(default="", max_length=300, pattern=NO_NUL)


class SafeguardPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    failure_on_demand: Decimal | None = Field(default=None, gt=0, le=1, decimal_places=8)
    basis: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    in_service: bool | None = None
    note: str | None = Field(default=None, max_length=300, pattern=NO_NUL)


class SafeguardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    room_id: int
    organisation_id: int
    kind: SafeguardKind
    failure_on_demand: Decimal | None
    basis: str
    in_service: bool
    note: str
