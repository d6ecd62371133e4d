"""Bodies of the monitoring API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Instant
from hazwatch.monitoring.kinds import PointKind

Setpoint = Field(default=None, max_digits=16, decimal_places=6)


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site_id: Id
    organisation_id: Id
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(default="", max_length=200, pattern=NO_NUL)
    kind: str = Field(default="sensor", pattern=r"^(sensor|gateway|actuator)$")


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    organisation_id: int
    code: str
    name: str
    kind: str
    revoked_at: datetime | None


class DeviceCreated(DeviceOut):
    token: str


class PointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site_id: Id
    organisation_id: Id
    room_id: Id | None = None
    tank_id: Id | None = None
    device_id: Id | None = None
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(default="", max_length=200, pattern=NO_NUL)
    kind: PointKind
    expected_interval_s: int = Field(default=60, ge=1, le=86_400)
    low_low: Decimal | None = Setpoint
    low: Decimal | None = Setpoint
    high: Decimal | None = Setpoint
    high_high: Decimal | None = Setpoint
    deadband: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    storage_deviation: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    on_delay_s: int | None = Field(default=None, ge=0, le=3600)
    off_delay_s: int | None = Field(default=None, ge=0, le=3600)
    roc_limit_per_min: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    settings_reason: str = Field(default="", max_length=500, pattern=NO_NUL)


class PointPatch(BaseModel):
    """Setpoint and interval changes; a reason is required and recorded with them."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=2, max_length=500, pattern=NO_NUL)
    name: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    expected_interval_s: int | None = Field(default=None, ge=1, le=86_400)
    low_low: Decimal | None = Setpoint
    low: Decimal | None = Setpoint
    high: Decimal | None = Setpoint
    high_high: Decimal | None = Setpoint
    deadband: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    storage_deviation: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=6)
    on_delay_s: int | None = Field(default=None, ge=0, le=3600)
    off_delay_s: int | None = Field(default=None, ge=0, le=3600)
    roc_limit_per_min: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=6)
    suppressed: bool | None = None


class PointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    organisation_id: int
    room_id: int | None
    tank_id: int | None
    device_id: int | None
    code: str
    name: str
    kind: PointKind
    unit: str
    expected_interval_s: int
    low_low: Decimal | None
    low: Decimal | None
    high: Decimal | None
    high_high: Decimal | None
    deadband: Decimal
    storage_deviation: Decimal
    on_delay_s: int
    off_delay_s: int
    roc_limit_per_min: Decimal | None
    out_of_service: bool
    suppressed: bool
    settings_reason: str


class PointStatus(BaseModel):
    point_id: int
    code: str
    kind: PointKind
    unit: str
    modelled: bool
    value: float | None
    at: datetime | None
    quality: str
    conditions: list[str]
    #: calibrated / unrecorded / overdue / failed (``monitoring.calibration``).
    calibration: str = "unrecorded"
    #: The detector's calibration failed or ran out: its value tells nothing for sure.
    uncalibrated: bool = False


class OutOfService(BaseModel):
    model_config = ConfigDict(extra="forbid")
    out_of_service: bool
    reason: str = Field(min_length=2, max_length=500, pattern=NO_NUL)


class HistoryPoint(BaseModel):
    t: datetime
    value: float | None
    minimum: float | None = None
    maximum: float | None = None


class History(BaseModel):
    point_id: int
    resolution: str
    points: list[HistoryPoint]


class AlarmOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organisation_id: int
    site_id: int
    room_id: int | None
    point_id: int | None
    source: str
    condition: str
    priority: str
    state: str
    active: bool
    acked: bool
    #: Who acknowledged the current activation, and when (None: not acknowledged).
    acked_by: str | None = None
    acked_at: datetime | None = None
    shelved_until: datetime | None
    shelved_by: str | None
    shelve_reason: str | None
    value: float | None
    message: str = ""
    params: dict[str, Any]
    raised_at: datetime | None
    changed_at: datetime
    activations: int


class AlarmEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    alarm_id: int
    at: datetime
    event: str
    state: str
    actor: str | None
    comment: str | None
    value: float | None


class AckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str | None = Field(default=None, max_length=500, pattern=NO_NUL)


class ShelveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=2, max_length=300, pattern=NO_NUL)
    until: Instant


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1, max_length=500, pattern=NO_NUL)


class SiteStatistics(BaseModel):
    site_id: int
    window_minutes: int
    activations: int
    peak_per_10_min: int
    flood_windows: int
    chattering: list[dict[str, Any]]


class IngestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    readings: list[dict[str, Any]]


class IngestResult(BaseModel):
    accepted: int
    duplicates: int
    late: int
    rejected: list[dict[str, Any]]
    #: Partitioned mode (202): readings stored in the site's stream, taken by its owning
    #: worker (which records rejections, ``GET /api/monitoring/rejections``); the counts
    #: above are then 0, decided there.
    queued: int = 0
