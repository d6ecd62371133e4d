"""Hazardous chemicals: catalogue, units and their inventory, stock movements, the rooms a
unit stands in, GB 18218-2018 identifications (history kept) and the persons accountable for
each major hazard (包保责任制) with their duty checks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class Chemical(Base):
    """A catalogue entry. ``organisation_id`` empty: the platform's entries seeded from
    GB 18218-2018 (visible to everyone); otherwise an enterprise's own addition."""

    __tablename__ = "chemical"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    cas: Mapped[str | None] = mapped_column(String(16), index=True)
    un_number: Mapped[str | None] = mapped_column(String(8))
    #: GHS hazard classes (codes of :class:`hazwatch.chemicals.choices.GhsClass`).
    ghs_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: GB 18218-2018 Table 2 symbols (J1…W11) for Q and the Table 4 β.
    gb_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: GB 18218-2018 Table 1 row (序号) when the substance is named there.
    table1_seq: Mapped[int | None] = mapped_column(Integer)
    #: Serial number in the Catalogue of Hazardous Chemicals (危险化学品目录, 2015 edition).
    catalogue_serial: Mapped[int | None] = mapped_column(Integer)
    highly_toxic: Mapped[bool] = mapped_column(Boolean, default=False)
    key_supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    explosive_precursor: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A simple asphyxiant (N2, Ar, He, CO2…): a unit holding it feeds its rooms' ODH.
    inert_gas: Mapped[bool] = mapped_column(Boolean, default=False)


class ChemicalUnit(Base):
    """A production or storage unit (GB 18218-2018 3.3/3.4, identified on its own), or a
    plain storage location (a cabinet, a store room) that is not a unit in the standard's
    sense but still holds stock."""

    __tablename__ = "chemical_unit"
    __audited__ = True
    __table_args__ = (CheckConstraint("people_within_500m >= 0", name="people"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    #: People usually present within 500 m of the unit's boundary (GB 18218-2018 表5).
    people_within_500m: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")


class ChemicalHolding(Base):
    """One chemical in a unit: its design maximum (q of GB 18218-2018 4.2.1) and the stock
    now (moved only by :class:`StockMovement`)."""

    __tablename__ = "chemical_holding"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("unit_id", "chemical_id", name="one_per_unit"),
        CheckConstraint("design_max_t >= 0", name="design_max"),
        CheckConstraint("current_t >= 0", name="current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    chemical_id: Mapped[int] = mapped_column(ForeignKey("chemical.id"), index=True)
    design_max_t: Mapped[Decimal] = mapped_column(ExactDecimal())
    current_t: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))


class StockMovement(Base):
    """Stock in (to a unit), out (from a unit) or transferred between two units."""

    __tablename__ = "chemical_movement"
    __audited__ = True
    __table_args__ = (CheckConstraint("quantity_t > 0", name="quantity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    chemical_id: Mapped[int] = mapped_column(ForeignKey("chemical.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    quantity_t: Mapped[Decimal] = mapped_column(ExactDecimal())
    from_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    to_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(String(500), default="")


class UnitRoom(Base):
    """A unit stands in (or releases into) a room: its inert gases become the room's hazard
    sources, so the room's ODH assessment and detector requirement see them.
    ``sources`` maps chemical id → the hazard source kept for it."""

    __tablename__ = "chemical_unit_room"
    __audited__ = True
    __table_args__ = (UniqueConstraint("unit_id", "room_id", name="one_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    #: Largest credible release of the unit's gas into the room (m³/h at room conditions).
    max_release_m3_h: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    sources: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class MajorHazardIdentification(Base):
    """A unit's GB 18218-2018 identification and grading with the inputs and the working;
    a new row whenever the inputs change (the latest is current)."""

    __tablename__ = "major_hazard_identification"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trigger: Mapped[str] = mapped_column(String(24))
    major: Mapped[bool] = mapped_column(Boolean)
    s: Mapped[str] = mapped_column(String(40))
    r: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    working: Mapped[dict[str, Any]] = mapped_column(JSON)


class AccountablePerson(Base):
    """A person accountable for a major hazard (包保责任制): principal, technical or
    operational, one current of each per unit; a retired one keeps their duty checks."""

    __tablename__ = "major_hazard_person"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    appointed_on: Mapped[date | None] = mapped_column(Date)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DutyCheck(Base):
    """One safety check an accountable person carried out on their major hazard."""

    __tablename__ = "major_hazard_duty_check"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("major_hazard_person.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("chemical_unit.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
