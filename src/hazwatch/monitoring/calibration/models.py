"""Calibration and bump-test records of fixed gas detectors (measurement points)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class DetectorCalibration(Base):
    """One calibration (adjusted against a reference gas) or bump test (exposed to gas to
    see it alarm) of a fixed detector, passed or failed."""

    __tablename__ = "detector_calibration"
    __audited__ = True
    __table_args__ = (Index("ix_detector_calibration_point_at", "point_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("measurement_point.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    passed: Mapped[bool]
    #: A passing calibration holds until then (its date plus the interval in force when it
    #: was recorded); none for bump tests and failures.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    performed_by: Mapped[str] = mapped_column(String(80))
    reference_gas: Mapped[str] = mapped_column(String(120), default="")
    certificate: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
