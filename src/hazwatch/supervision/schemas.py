"""Supervision bodies and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id
from hazwatch.registry.choices import SupervisionStage
from hazwatch.supervision.choices import Sector


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RuleBody(_In):
    stage: SupervisionStage
    sector: Sector
    department_id: Id


class MatrixIn(_In):
    jurisdiction_id: Id
    rules: list[RuleBody] = Field(max_length=500)
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)
    note: str = Field(default="", max_length=300, pattern=NO_NUL)


class RuleOut(BaseModel):
    stage: SupervisionStage
    stage_label: str
    sector: Sector
    sector_label: str
    department_id: int
    department: str


class MatrixOut(BaseModel):
    id: int
    jurisdiction_id: int
    jurisdiction: str
    version: int
    basis: str
    note: str
    created_at: datetime
    created_by: str
    rules: list[RuleOut]


class SectorIn(_In):
    sector: Sector


class AssignIn(_In):
    department_id: Id
    stage: SupervisionStage
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)


class SupervisorOut(BaseModel):
    department_id: int
    department: str
    stage: SupervisionStage | None
    stage_label: str
    by: str
    by_label: str
    matrix_id: int | None


class ResolutionOut(BaseModel):
    """Who supervises an organisation; a blind spot has only its fallback owner."""

    organisation_id: int
    organisation: str
    sector: Sector
    sector_label: str
    stages: list[SupervisionStage]
    stage_labels: list[str]
    handles_hazchem: bool
    blind_spot: bool
    fallback_owner_id: int | None
    fallback_owner: str | None
    uncovered: list[SupervisionStage]
    supervisors: list[SupervisorOut]
    message: str
