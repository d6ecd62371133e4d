"""Per-tank leak-detection settings (audited: they decide when a leak alarm is raised) and
the detector's running state (persisted so a restart resumes where it stopped)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class TankLeakSetting(Base):
    """The false-alarm budget a tank's owner accepts, the level noise it assumes, and the
    CUSUM allowance and threshold tuned from them (DOMAIN §5)."""

    __tablename__ = "tank_leak_setting"
    __audited__ = True

    tank_id: Mapped[int] = mapped_column(
        ForeignKey("tank.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    false_alarms_per_year: Mapped[Decimal] = mapped_column(ExactDecimal())
    noise_mm: Mapped[Decimal] = mapped_column(ExactDecimal())
    interval_s: Mapped[int]
    allowance_mm: Mapped[float] = mapped_column(Float)
    threshold_mm: Mapped[float] = mapped_column(Float)


class TankState(Base):
    """The leak detector of one tank as of its last sample, and the leak alarms it raised.

    Not audited: it changes with every level sample; the alarms it raises are recorded by
    the alarm engine.
    """

    __tablename__ = "tank_state"

    tank_id: Mapped[int] = mapped_column(
        ForeignKey("tank.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("measurement_point.id", ondelete="CASCADE"), index=True
    )
    detector: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: [room id or null, organisation id] of each leak alarm raised and not yet reset.
    alarm_rooms: Mapped[list[list[int | None]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
