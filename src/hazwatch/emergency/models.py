"""SCBA sets and their checks: a rescue entry depends on them (2·7: both sets were low)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class ScbaSet(Base):
    __tablename__ = "scba_set"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    #: Where the set is kept (the equipment checks ledger filters by it); None: not said.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    holder: Mapped[str] = mapped_column(String(80), default="", index=True)
    rated_pressure_mpa: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(30))
    minimum_pressure_mpa: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(25))


class ScbaCheck(Base):
    __tablename__ = "scba_check"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("scba_set.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_by: Mapped[str] = mapped_column(String(80))
    cylinder_pressure_mpa: Mapped[Decimal] = mapped_column(ExactDecimal())
    mask_ok: Mapped[bool] = mapped_column(default=True)
    alarm_whistle_ok: Mapped[bool] = mapped_column(default=True)
