"""Admission-review bodies and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id
from hazwatch.district.admission.choices import ProjectState, ReviewVerdict

_EXACT: dict[str, Any] = {"allow_inf_nan": False, "max_digits": 16, "decimal_places": 7}
#: A design maximum in tonnes: finite, not negative (a unit may be planned empty).
Tonnes = Annotated[
    Decimal, Field(ge=0, le=Decimal("1e7"), allow_inf_nan=False, max_digits=16, decimal_places=6)
]
Line = Annotated[str, Field(max_length=500, pattern=NO_NUL)]
ProcessCode = Annotated[str, Field(max_length=8, pattern=NO_NUL)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HoldingIn(_In):
    unit: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    chemical_id: Id
    design_max_t: Tonnes


class ProjectIn(_In):
    organisation_id: Id
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field(default="", max_length=4000, pattern=NO_NUL)
    key_processes: list[ProcessCode] = Field(default_factory=list, max_length=18)
    people_within_500m: int = Field(default=0, ge=0, le=10_000_000)
    lat: Decimal | None = Field(default=None, ge=-90, le=90, **_EXACT)
    lon: Decimal | None = Field(default=None, ge=-180, le=180, **_EXACT)
    holdings: list[HoldingIn] = Field(default_factory=list, max_length=500)


class ProjectPatch(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_NUL)
    description: str | None = Field(default=None, max_length=4000, pattern=NO_NUL)
    key_processes: list[ProcessCode] | None = Field(default=None, max_length=18)
    people_within_500m: int | None = Field(default=None, ge=0, le=10_000_000)
    lat: Decimal | None = Field(default=None, ge=-90, le=90, **_EXACT)
    lon: Decimal | None = Field(default=None, ge=-180, le=180, **_EXACT)


class HoldingsIn(_In):
    holdings: list[HoldingIn] = Field(max_length=500)


class OpenReviewIn(_In):
    lead_department_id: Id
    department_ids: list[Id] = Field(default_factory=list, max_length=50)


class OpinionIn(_In):
    verdict: ReviewVerdict
    opinion: str = Field(default="", max_length=4000, pattern=NO_NUL)
    conditions: list[Line] = Field(default_factory=list, max_length=50)


class DecisionIn(_In):
    decision: ProjectState
    conditions: list[Line] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=4000, pattern=NO_NUL)


class KeyProcessOut(BaseModel):
    code: str
    name: str
    source: str


class HoldingOut(BaseModel):
    unit: str
    chemical_id: int
    chemical: str
    design_max_t: Decimal
    key_supervised: bool


class UnitOut(BaseModel):
    """One planned unit's GB 18218-2018 identification, with its working."""

    unit: str
    s: str
    major_hazard: bool
    level: int | None
    working: dict[str, object]


class FlagsOut(BaseModel):
    key_processes: list[KeyProcessOut]
    key_chemicals: list[str]
    major_hazard: bool
    units: list[UnitOut]


class OpinionOut(BaseModel):
    department_id: int
    department: str
    verdict: ReviewVerdict
    verdict_label: str
    opinion: str
    conditions: list[str]
    due_at: datetime
    overdue: bool
    given_at: datetime | None
    given_by: str | None


class ProjectOut(BaseModel):
    id: int
    organisation_id: int
    applicant: str
    name: str
    description: str
    state: ProjectState
    state_label: str
    people_within_500m: int
    lat: Decimal | None
    lon: Decimal | None
    lead_department_id: int | None
    lead_department: str
    created_at: datetime
    opened_at: datetime | None
    due_at: datetime | None
    decision_overdue: bool
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str
    conditions: list[str]
    flags: FlagsOut
    holdings: list[HoldingOut]
    opinions: list[OpinionOut]


class ProjectPointOut(BaseModel):
    project_id: int
    lat: Decimal
    lon: Decimal
    label: str
    flag: str
    state: ProjectState
