"""The risk register: band tables (versioned), analysis objects, hazardous events, control
measures and assessments (history kept, raw factors stored)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class RiskBandTable(Base):
    """One version of a method's colour bands for an organisation (empty: the platform's
    defaults). A change is a new version; assessments name the version they used."""

    __tablename__ = "risk_band_table"
    __audited__ = True
    __table_args__ = (UniqueConstraint("organisation_id", "method", "version", name="version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    basis: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RiskObject(Base):
    """An analysis object or unit (风险点): equipment, a facility, a place or an operation,
    located in a room or on a site, optionally a chemical unit."""

    __tablename__ = "risk_object"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    chemical_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    #: No longer analysed (the equipment went): kept, with its events, for the audit.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RiskEvent(Base):
    """A hazardous event of an object (what can go wrong, and its consequence). ``odh``:
    its likelihood follows the room's ODH class (re-assessed when that class changes)."""

    __tablename__ = "risk_event"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    object_id: Mapped[int] = mapped_column(
        ForeignKey("risk_object.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    consequence: Mapped[str] = mapped_column(String(300), default="")
    method: Mapped[str] = mapped_column(String(8))
    odh: Mapped[bool] = mapped_column(default=False)
    #: The current assessment (denormalised from the latest :class:`RiskAssessment`).
    score: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    level: Mapped[str | None] = mapped_column(String(8))
    #: No longer credible: off the register and the colour map, its gradings kept.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RiskControl(Base):
    """A control measure of an event: engineering, management, training, PPE or emergency."""

    __tablename__ = "risk_control"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("risk_event.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(500))
    responsible: Mapped[str] = mapped_column(String(80), default="")


class RiskAssessment(Base):
    """One grading of an event: method, raw factors, score, level and the band version."""

    __tablename__ = "risk_assessment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("risk_event.id", ondelete="CASCADE"), index=True
    )
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(8))
    factors: Mapped[dict[str, str]] = mapped_column(JSON)
    score: Mapped[Decimal] = mapped_column(ExactDecimal())
    level: Mapped[str] = mapped_column(String(8))
    band_table_id: Mapped[int | None] = mapped_column(ForeignKey("risk_band_table.id"))
    band_version: Mapped[int] = mapped_column(Integer)
    #: Where the factors came from ("odh_class 3 (assessment 12)", "assessor").
    basis: Mapped[str] = mapped_column(String(200), default="")
    assessed_by: Mapped[str] = mapped_column(String(80), default="")
