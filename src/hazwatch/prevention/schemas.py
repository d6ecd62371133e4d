"""Permit and gas test bodies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant, chars


class PermitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    room_id: Id
    number: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    valid_from: Instant
    valid_until: Instant
    kind: Literal["confined_space", "hot_work"] = "confined_space"
    applicant: str = Field(default="", max_length=80, pattern=NO_NUL)
    guardian: str = Field(default="", max_length=80, pattern=NO_NUL)
    isolations: list[Annotated[str, chars(200)]] = Field(default_factory=list, max_length=50)


class GuardianIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    guardian: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    present: bool = True


class GasTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    o2_percent: Decimal = Field(ge=0, le=100)
    toxic_ppm: Decimal | None = Field(default=None, ge=0, le=1_000_000)
    #: A detector's %LEL reading, or the volume fraction (%): one of them, with the gas's LEL.
    lel_percent: Decimal | None = Field(default=None, ge=0, le=100)
    combustible_percent: Decimal | None = Field(default=None, ge=0, le=100)
    gas_lel_percent: Decimal | None = Field(default=None, gt=0, le=100)
    combustible_gas: str = Field(default="", max_length=64, pattern=NO_NUL)
    #: A toxic reading needs the substance's permitted concentration (GBZ 2.1) in ppm.
    toxic_limit_ppm: Decimal | None = Field(default=None, ge=0, le=1_000_000)
    toxic_gas: str = Field(default="", max_length=64, pattern=NO_NUL)
    at: Instant | None = None


class GasTestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    tester: str
    o2_percent: Decimal
    toxic_ppm: Decimal | None
    lel_percent: Decimal | None
    combustible_percent: Decimal | None
    gas_lel_percent: Decimal | None
    combustible_gas: str
    toxic_limit_ppm: Decimal | None
    toxic_gas: str
    #: GB 30871-2022's limit for the measured gas (% by volume), when it was measured.
    combustible_limit_percent: Decimal | None = None


class PermitOut(BaseModel):
    """A permit with its latest gas test and whether it clears entry right now."""

    id: int
    organisation_id: int
    room_id: int
    kind: str
    number: str
    valid_from: datetime
    valid_until: datetime
    issued_by: str
    closed: bool
    applicant: str
    isolations: list[str]
    approved_by: str | None
    approved_at: datetime | None
    guardian: str
    guardian_present: bool
    latest_gas_test: GasTestOut | None
    clears_entry: bool
    reason: str | None
