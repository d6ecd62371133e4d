"""Special-work permits (GB 30871-2022) with their gas tests, and ODH assessments of rooms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class WorkPermit(Base):
    __tablename__ = "work_permit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="confined_space")
    number: Mapped[str] = mapped_column(String(64), unique=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(80))
    closed: Mapped[bool] = mapped_column(default=False)


class GasTest(Base):
    __tablename__ = "gas_test"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(
        ForeignKey("work_permit.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    tester: Mapped[str] = mapped_column(String(80))
    o2_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    toxic_ppm: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    lel_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())


class OdhAssessment(Base):
    """A room's oxygen-deficiency hazard assessment with the inputs it was computed from;
    a new row is stored whenever the inputs (room, sources, safeguards) change."""

    __tablename__ = "odh_assessment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    phi_per_hour: Mapped[float] = mapped_column(Float)
    odh_class: Mapped[int] = mapped_column(Integer)
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
