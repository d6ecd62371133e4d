"""Daily safety commitments and the record of missing ones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class SafetyCommitment(Base):
    """One organisation's risk judgement and commitment for one day (local date)."""

    __tablename__ = "safety_commitment"
    __audited__ = True
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    units_running: Mapped[int] = mapped_column(Integer)
    units_stopped: Mapped[int] = mapped_column(Integer)
    special_work: Mapped[int] = mapped_column(Integer)
    special_work_note: Mapped[str] = mapped_column(Text, default="")
    major_hazards_controlled: Mapped[bool]
    open_major_hidden_dangers: Mapped[int] = mapped_column(Integer)
    judgement: Mapped[str] = mapped_column(Text, default="")
    signer: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(80))


class MissedCommitment(Base):
    """A day an organisation had not published by the deadline (flagged to it and its
    regulator); kept even when it publishes later that day."""

    __tablename__ = "missed_commitment"
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime())
