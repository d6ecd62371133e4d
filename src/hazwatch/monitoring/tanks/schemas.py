"""Request and response bodies of the tank API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL


class LeakSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: False leak alarms the owner accepts per tank-year (DOMAIN §5: e.g. ≤ 1).
    false_alarms_per_year: Decimal = Field(ge=Decimal("0.2"), le=52, decimal_places=4)
    #: Standard deviation of the level reading, mm.
    noise_mm: Decimal = Field(ge=Decimal("0.1"), le=100, decimal_places=3)


class ResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=300, pattern=NO_NUL)


class RoomRef(BaseModel):
    id: int
    name: str


class DetectorOut(BaseModel):
    false_alarms_per_year: Decimal
    noise_mm: Decimal
    allowance_mm: float
    threshold_mm: float
    cusum_mm: float | None
    expected_draw_mm_h: float | None
    last_sample_at: datetime | None
    alarmed_at: datetime | None
    leak_alarm_active: bool


class TankStatusOut(BaseModel):
    id: int
    name: str
    fluid: str
    orientation: str
    capacity_m3: float
    level_point_id: int | None
    level_quality: str
    level_mm: float | None
    level_at: datetime | None
    volume_m3: float | None
    mass_kg: float | None
    fill_fraction: float | None
    contracted_draw_mm_h: float
    kg_per_mm: float
    rooms_fed: list[RoomRef]
    detector: DetectorOut
