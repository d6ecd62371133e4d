"""Transport tables. Positions are telemetry (not audited, like readings); everything a
person sets, and each warning, is audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.district.transport.choices import WarningKind, ZoneKind


class TransportCarrier(Base):
    """A hazardous-goods carrier's real-time monitoring staff (动态监控人员)."""

    __tablename__ = "transport_carrier"
    __audited__ = True
    __table_args__ = (CheckConstraint("monitoring_staff >= 0", name="staff"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    monitoring_staff: Mapped[int] = mapped_column(Integer)


class Vehicle(Base):
    """A carrier's vehicle, whether it reports to the monitoring platform, and its
    carrier's-liability insurance (承运人责任险)."""

    __tablename__ = "vehicle"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    connected: Mapped[bool] = mapped_column(default=True)
    insurer: Mapped[str] = mapped_column(String(120), default="")
    insured_until: Mapped[date | None] = mapped_column(Date)


class TransportZone(Base):
    """A restricted segment or area, or a speed zone, as WGS-84 geometry (WKT, lon lat);
    a line is widened by ``buffer_m``. Set by a department (``organisation_id``) and
    adjusted at run time: each position is checked against the zones as they are then."""

    __tablename__ = "transport_zone"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("buffer_m >= 0", name="buffer"),
        CheckConstraint("speed_limit_kmh IS NULL OR speed_limit_kmh > 0", name="limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[ZoneKind] = mapped_column(String(16))
    geometry: Mapped[str] = mapped_column(Text)
    buffer_m: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    speed_limit_kmh: Mapped[int | None] = mapped_column(Integer)
    #: ``[{"days": [1..7], "start": "HH:MM", "end": "HH:MM"}]`` local time; empty: always.
    windows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    basis: Mapped[str] = mapped_column(String(300), default="")


class VehiclePosition(Base):
    __tablename__ = "vehicle_position"

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())
    speed_kmh: Mapped[Decimal] = mapped_column(ExactDecimal())
    heading: Mapped[Decimal] = mapped_column(ExactDecimal())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TransportWarning(Base):
    """A vehicle inside a restricted zone in its window, or over the limit; dispatched to
    the transport department (``dispatch_id``)."""

    __tablename__ = "transport_warning"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("transport_zone.id"), index=True)
    kind: Mapped[WarningKind] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())
    speed_kmh: Mapped[Decimal] = mapped_column(ExactDecimal())
    limit_kmh: Mapped[int | None] = mapped_column(Integer)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch_order.id"), index=True)
