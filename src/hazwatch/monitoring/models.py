"""Monitoring tables: devices, measurement points, readings, current state and alarms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class Device(Base):
    """A sensor, gateway or actuator; authenticates ingest with a revocable token."""

    __tablename__ = "device"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16), default="sensor")
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeasurementPoint(Base):
    """What is measured where: a room's O2, a tank's level. Setpoints override the kind's
    defaults; ``settings_reason`` records why (audited with the change)."""

    __tablename__ = "measurement_point"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    tank_id: Mapped[int | None] = mapped_column(ForeignKey("tank.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(16))
    expected_interval_s: Mapped[int] = mapped_column(Integer, default=60)
    low_low: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    low: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    high: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    high_high: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    deadband: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    #: Storage by exception (``monitoring.archive``): a reading within this of the last
    #: stored one is not stored (its minute aggregate still counts it).
    storage_deviation: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    on_delay_s: Mapped[int] = mapped_column(Integer, default=0)
    off_delay_s: Mapped[int] = mapped_column(Integer, default=0)
    roc_limit_per_min: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    out_of_service: Mapped[bool] = mapped_column(default=False)
    suppressed: Mapped[bool] = mapped_column(default=False)
    settings_reason: Mapped[str] = mapped_column(Text, default="")


class PointState(Base):
    """The current value and quality of each point: what doors and consoles read."""

    __tablename__ = "point_state"

    point_id: Mapped[int] = mapped_column(
        ForeignKey("measurement_point.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quality: Mapped[str] = mapped_column(String(16), default="unknown")
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)


class Reading(Base):
    """Raw readings; (point, timestamp) is the idempotency key. On PostgreSQL the table is
    range-partitioned by ``ts`` (see :mod:`hazwatch.monitoring.partitions`)."""

    __tablename__ = "reading"
    __table_args__ = ({"postgresql_partition_by": "RANGE (ts)"},)

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(32))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    device_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReadingMinute(Base):
    """Per-minute aggregate kept longer than raw readings, for trends."""

    __tablename__ = "reading_minute"

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[float] = mapped_column(Float)
    maximum: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    last: Mapped[float] = mapped_column(Float)


class IngestRejection(Base):
    """A reading refused at ingest, kept with its reason so nothing disappears silently."""

    __tablename__ = "ingest_rejection"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    source: Mapped[str] = mapped_column(String(16))
    device_code: Mapped[str | None] = mapped_column(String(64))
    point_code: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(64))
    excerpt: Mapped[str] = mapped_column(String(300), default="")


class Alarm(Base):
    """One alarm condition of one source, its ISA-18.2 flags stored, its state derived."""

    __tablename__ = "alarm"
    __table_args__ = (UniqueConstraint("site_id", "source", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    room_id: Mapped[int | None] = mapped_column(Integer, index=True)
    point_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=False)
    acked: Mapped[bool] = mapped_column(default=True)
    #: Who acknowledged the current activation, and when (cleared when it re-activates).
    acked_by: Mapped[str | None] = mapped_column(String(80))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shelved_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shelved_by: Mapped[str | None] = mapped_column(String(80))
    shelve_reason: Mapped[str | None] = mapped_column(String(300))
    suppressed: Mapped[bool] = mapped_column(default=False)
    out_of_service: Mapped[bool] = mapped_column(default=False)
    value: Mapped[float | None] = mapped_column(Float)
    message_key: Mapped[str] = mapped_column(String(80), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="normal", index=True)
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activations: Mapped[int] = mapped_column(Integer, default=0)


class AlarmEvent(Base):
    """Alarm history: every transition and operator action, with who and when."""

    __tablename__ = "alarm_event"
    __table_args__ = (Index("ix_alarm_event_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alarm_id: Mapped[int] = mapped_column(ForeignKey("alarm.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(String(500))
    value: Mapped[float | None] = mapped_column(Float)
