"""Request and response bodies of the tank API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from hazwatch.api.inputs import NO_NUL


def _rounded(places: int) -> PlainSerializer:
    """Floating-point figures shown to the places they mean (no 0.30000000000000004)."""
    return PlainSerializer(
        lambda value: None if value is None else round(value, places), return_type=float | None
    )


#: Level and draw figures (mm, mm/h, kg/mm) to the thousandth: far below any gauge's noise.
Mm = Annotated[float, _rounded(3)]
#: Volumes (m³) to the litre, masses (kg) to the 100 g, fractions to 0.01 %.
Cubic = Annotated[float, _rounded(3)]
Kg = Annotated[float, _rounded(1)]
Fraction = Annotated[float, _rounded(4)]


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
    allowance_mm: Mm
    threshold_mm: Mm
    cusum_mm: Mm | None
    expected_draw_mm_h: Mm | None
    last_sample_at: datetime | None
    alarmed_at: datetime | None
    leak_alarm_active: bool
    #: The tuning in plain words: the smallest whole extra draw (mm/h) alarmed within an
    #: hour and after how many minutes, and the minutes the 2·7 leak would take (noise-free
    #: gauge at its reading interval; None: not within the hour).
    plain_rate_mm_h: int | None = None
    plain_after_min: int | None = None
    leak_2_7_after_min: int | None = None


class TankStatusOut(BaseModel):
    id: int
    name: str
    fluid: str
    orientation: str
    capacity_m3: Cubic
    level_point_id: int | None
    level_quality: str
    level_mm: Mm | None
    level_at: datetime | None
    volume_m3: Cubic | None
    mass_kg: Kg | None
    fill_fraction: Fraction | None
    contracted_draw_mm_h: Mm
    kg_per_mm: Mm
    rooms_fed: list[RoomRef]
    detector: DetectorOut
