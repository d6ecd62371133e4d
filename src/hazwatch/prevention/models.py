"""Special-work permits (GB 30871-2022) with their gas tests: confined-space entry and hot
work. A permit is applied for (applicant, isolations, guardian), approved by someone else,
and clears work only with its guardian present and a fresh passing gas test."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class WorkPermit(Base):
    """Numbers are the enterprise's own, so they are unique within an organisation only."""

    __tablename__ = "work_permit"
    __table_args__ = (UniqueConstraint("organisation_id", "number"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="confined_space")
    number: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(80))
    closed: Mapped[bool] = mapped_column(default=False)
    #: Who applied for it (the work's leader); ``issued_by`` is who recorded it.
    applicant: Mapped[str] = mapped_column(String(80), default="")
    #: Energy and line isolations in place (blinds, lock-out): GB 30871-2022 §6.2 / §5.2.
    isolations: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The approver (never the applicant or the one who recorded it) and when.
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The guardian (监护人; the fire watcher for hot work) and whether confirmed on site.
    guardian: Mapped[str] = mapped_column(String(80), default="")
    guardian_present: Mapped[bool] = mapped_column(default=False)


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
    #: A detector's reading in % of the measured gas's LEL, as entered (if so measured).
    lel_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    #: Combustible gas, % by volume (converted from ``lel_percent`` where that was entered),
    #: the measured gas's LEL (% by volume) and its name: GB 30871-2022 judges by these.
    combustible_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    gas_lel_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    combustible_gas: Mapped[str] = mapped_column(String(64), default="")
    #: The toxic substance measured and its permitted concentration (GBZ 2.1), in ppm like
    #: ``toxic_ppm``: the reading passes at or below it.
    toxic_limit_ppm: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    toxic_gas: Mapped[str] = mapped_column(String(64), default="")
