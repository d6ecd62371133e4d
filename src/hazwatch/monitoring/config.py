"""Immutable snapshots of points and devices the engine evaluates against (no DB on the
hot path): loaded once, refreshed when a point or device changes (the engine follows their
audit entries, :mod:`hazwatch.core.audit.follow`)."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.monitoring.choices import Condition
from hazwatch.monitoring.kinds import KINDS, PointKind
from hazwatch.monitoring.models import Device, MeasurementPoint

LIMIT_CONDITIONS = (Condition.LOW_LOW, Condition.LOW, Condition.HIGH, Condition.HIGH_HIGH)
LOW_CONDITIONS = frozenset({Condition.LOW_LOW, Condition.LOW})


@dataclass(frozen=True, slots=True)
class PointConfig:
    id: int
    code: str
    organisation_id: int
    site_id: int
    room_id: int | None
    tank_id: int | None
    device_id: int | None
    kind: PointKind
    unit: str
    expected_interval_s: int
    limits: tuple[tuple[Condition, float], ...]
    deadband: float
    storage_deviation: float
    on_delay_s: int
    off_delay_s: int
    roc_limit_per_min: float | None
    out_of_service: bool
    suppressed: bool
    minimum: float
    maximum: float
    #: Values in [quiet_low, quiet_high] violate no limit: with no alarm active or pending
    #: and no rate-of-change limit, such a reading changes nothing (the engine's fast path).
    quiet_low: float
    quiet_high: float
    #: Silence after which the point is stale: 1.5 expected intervals (``is_stale``).
    stale_after: timedelta

    @property
    def source(self) -> str:
        return f"point:{self.id}"

    @classmethod
    def of(cls, point: MeasurementPoint) -> PointConfig:
        kind = PointKind(point.kind)
        spec = KINDS[kind]
        limits = tuple(
            (condition, float(value))
            for condition in LIMIT_CONDITIONS
            if (value := getattr(point, condition.value)) is not None
        )
        return cls(
            id=point.id,
            code=point.code,
            organisation_id=point.organisation_id,
            site_id=point.site_id,
            room_id=point.room_id,
            tank_id=point.tank_id,
            device_id=point.device_id,
            kind=kind,
            unit=point.unit,
            expected_interval_s=point.expected_interval_s,
            limits=limits,
            deadband=float(point.deadband),
            storage_deviation=float(point.storage_deviation),
            on_delay_s=point.on_delay_s,
            off_delay_s=point.off_delay_s,
            roc_limit_per_min=(
                float(point.roc_limit_per_min) if point.roc_limit_per_min is not None else None
            ),
            out_of_service=point.out_of_service,
            suppressed=point.suppressed,
            minimum=spec.minimum,
            maximum=spec.maximum,
            quiet_low=max((v for c, v in limits if c in LOW_CONDITIONS), default=-math.inf),
            quiet_high=min((v for c, v in limits if c not in LOW_CONDITIONS), default=math.inf),
            stale_after=timedelta(seconds=point.expected_interval_s * 1.5),
        )


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    id: int
    code: str
    organisation_id: int
    site_id: int
    secret_hash: str | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, device: Device) -> DeviceConfig:
        return cls(
            id=device.id,
            code=device.code,
            organisation_id=device.organisation_id,
            site_id=device.site_id,
            secret_hash=device.secret_hash,
            revoked_at=device.revoked_at,
        )


def load_points(session: Session, ids: Collection[int] | None = None) -> list[PointConfig]:
    """Every point, or those of ``ids`` that exist."""
    query = select(MeasurementPoint)
    if ids is not None:
        query = query.where(MeasurementPoint.id.in_(ids))
    return [PointConfig.of(point) for point in session.scalars(query)]


def load_devices(session: Session, ids: Collection[int] | None = None) -> list[DeviceConfig]:
    """Every device, or those of ``ids`` that exist."""
    query = select(Device)
    if ids is not None:
        query = query.where(Device.id.in_(ids))
    return [DeviceConfig.of(device) for device in session.scalars(query)]
