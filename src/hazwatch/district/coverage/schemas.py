"""Coverage bodies and answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContractIn(_In):
    organisation_id: Id
    provider: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    scope: str = Field(default="", max_length=300, pattern=NO_NUL)
    valid_from: date
    valid_until: date


class ContractOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    provider: str
    scope: str
    valid_from: date
    valid_until: date


class OfficerIn(_In):
    organisation_id: Id
    name: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    degree: str = Field(default="", max_length=120, pattern=NO_NUL)
    safety_related: bool = False
    experience_years: Decimal = Field(
        default=Decimal(0), ge=0, le=60, allow_inf_nan=False, max_digits=6, decimal_places=2
    )


class OfficerPatch(_In):
    active: bool


class OfficerOut(BaseModel):
    id: int
    organisation_id: int
    department: str
    name: str
    degree: str
    safety_related: bool
    experience_years: Decimal
    active: bool


class GapOut(BaseModel):
    subject_id: int
    name: str
    reason: str
    reason_label: str
    detail: dict[str, Any]


class FigureOut(BaseModel):
    key: str
    label: str
    district_id: int | None
    district: str
    department_id: int | None
    department: str | None
    numerator: int
    denominator: int
    rate_percent: Decimal | None
    target_percent: Decimal
    met: bool | None
    source: str
    gaps: list[GapOut]
