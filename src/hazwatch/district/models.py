"""District-wide tables shared by the programme's capabilities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base


class CalendarDay(Base):
    """An exception to Monday–Friday working days: a public holiday on a weekday
    (``working`` false) or a make-up working day on a weekend (调休, ``working`` true), as
    the State Council's yearly holiday notice sets them. Legal deadlines in working days
    (waste manifests) count on this calendar."""

    __tablename__ = "calendar_day"
    __audited__ = True

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool]
    name: Mapped[str] = mapped_column(String(80), default="")
