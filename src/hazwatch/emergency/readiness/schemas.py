"""Request bodies of the emergency readiness API, also the console's forms (one definition
for both: a refusal names the same field)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Code, Id, Instant
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.prevention.hazard_findings.choices import HazardGrade


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanIn(_In):
    organisation_id: Id
    site_id: Id
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    version: str = Field(default="", max_length=32, pattern=NO_NUL)
    approved_on: date
    review_due: date
    notes: str = Field(default="", max_length=4000, pattern=NO_NUL)


class PlanPatch(_In):
    """A plan's changes: only the fields given change (the organisation stays)."""

    site_id: Id | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_NUL)
    version: str | None = Field(default=None, max_length=32, pattern=NO_NUL)
    approved_on: date | None = None
    review_due: date | None = None
    notes: str | None = Field(default=None, max_length=4000, pattern=NO_NUL)


class DrillIn(_In):
    organisation_id: Id
    site_id: Id
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    planned_for: Instant
    scenario: str = Field(default="", max_length=4000, pattern=NO_NUL)
    plan_id: Id | None = None


class HoldIn(_In):
    held_at: Instant | None = None
    participants: int = Field(ge=0, le=100_000)
    summary: str = Field(min_length=1, max_length=4000, pattern=NO_NUL)


class DrillFindingIn(_In):
    text: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    grade: HazardGrade = HazardGrade.GENERAL
    deadline: Instant | None = None


class QualificationIn(_In):
    organisation_id: Id
    person: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    kind: QualificationKind
    issued_on: date
    expires_on: date | None = None
    certificate_no: str = Field(default="", max_length=64, pattern=NO_NUL)
    issued_by: str = Field(default="", max_length=120, pattern=NO_NUL)


class TrainingIn(_In):
    organisation_id: Id
    person: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    course: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    held_on: date
    hours: Decimal = Field(gt=0, le=1000)
    trainer: str = Field(default="", max_length=120, pattern=NO_NUL)
    passed: bool = True
    vocational: bool = False


class EquipmentIn(_In):
    organisation_id: Id
    kind: EquipmentKind
    code: Code = Field(min_length=1)
    name: str = Field(default="", max_length=200, pattern=NO_NUL)
    holder: str = Field(default="", max_length=80, pattern=NO_NUL)
    location: str = Field(default="", max_length=200, pattern=NO_NUL)
    site_id: Id | None = None
    check_interval_days: int = Field(default=30, ge=1, le=366)
    rated_pressure_mpa: Decimal = Field(default=Decimal(30), gt=0, le=60)
    minimum_pressure_mpa: Decimal | None = Field(default=None, gt=0, le=60)


class EquipmentCheckIn(_In):
    passed: bool = True
    notes: str = Field(default="", max_length=2000, pattern=NO_NUL)
    at: Instant | None = None
    cylinder_pressure_mpa: Decimal | None = Field(default=None, ge=0, le=100)
    mask_ok: bool = True
    alarm_whistle_ok: bool = True
