"""Registry tables. Every table is audited (``__audited__``): it is safety data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.registry.choices import (
    Consent,
    DepartmentFunction,
    HazardKind,
    JurisdictionKind,
    LicenceType,
    OrganisationKind,
    SupervisionStage,
    SupplyForm,
    TankHeads,
    TankOrientation,
    VentilationType,
)


class Jurisdiction(Base):
    """A node of the territorial tree: district → street/township → park."""

    __tablename__ = "jurisdiction"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    kind: Mapped[JurisdictionKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str | None] = mapped_column(String(32), unique=True)

    parent: Mapped[Jurisdiction | None] = relationship(remote_side=[id])


class Organisation(Base):
    __tablename__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(String(24), index=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    department_function: Mapped[DepartmentFunction | None] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300), default="")
    industry: Mapped[str] = mapped_column(String(120), default="")
    employees: Mapped[int | None]
    principal_name: Mapped[str] = mapped_column(String(80), default="")
    principal_phone: Mapped[str] = mapped_column(String(40), default="")
    safety_manager_name: Mapped[str] = mapped_column(String(80), default="")
    safety_manager_phone: Mapped[str] = mapped_column(String(40), default="")
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    @property
    def audit_organisation_id(self) -> int:
        return self.id


class Site(Base):
    __tablename__ = "site"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")


class Building(Base):
    __tablename__ = "building"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    floors: Mapped[int | None]


class Room(Base):
    """A space people enter. ``organisation_id`` is the occupant (the tenant, for a let room).

    Free volume is what the O2 physics uses; when only dimensions are known it is their
    product (no furniture deducted, which errs towards a slower, i.e. optimistic, fall: the
    registry shows which was used).
    """

    __tablename__ = "room"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("free_volume_m3 IS NULL OR free_volume_m3 > 0", name="positive_volume"),
        CheckConstraint("air_changes_per_hour >= 0", name="non_negative_ach"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    floor: Mapped[int | None]
    length_m: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    width_m: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    height_m: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    free_volume_m3: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    ventilation_type: Mapped[VentilationType] = mapped_column(String(16), default="none")
    air_changes_per_hour: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    ventilation_interlocked: Mapped[bool] = mapped_column(default=False)
    confined_space: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    hazards: Mapped[list[HazardSource]] = relationship(
        back_populates="room", cascade="all, delete-orphan", order_by="HazardSource.id"
    )

    @property
    def volume_m3(self) -> Decimal | None:
        if self.free_volume_m3 is not None:
            return self.free_volume_m3
        if self.length_m and self.width_m and self.height_m:
            return self.length_m * self.width_m * self.height_m
        return None


class HazardSource(Base):
    """Something in a room that can release gas: a hose, a cylinder, a process vessel."""

    __tablename__ = "hazard_source"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("max_release_m3_h IS NULL OR max_release_m3_h >= 0", name="rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HazardKind] = mapped_column(String(24))
    substance: Mapped[str] = mapped_column(String(80))
    cas: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(300), default="")
    pressure_mpa: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    max_release_m3_h: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    supply_id: Mapped[int | None] = mapped_column(ForeignKey("supply.id"), index=True)

    room: Mapped[Room] = relationship(back_populates="hazards")

    @property
    def audit_organisation_id(self) -> int | None:
        return self.room.organisation_id if self.room is not None else None


class Door(Base):
    """An access point with a reader; it guards every room reachable only through it."""

    __tablename__ = "door"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    reader: Mapped[str] = mapped_column(String(64), default="")
    #: The reader device whose token may ask this door's access check.
    reader_device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)

    guards: Mapped[list[DoorGuard]] = relationship(
        cascade="all, delete-orphan", order_by="DoorGuard.room_id"
    )

    @property
    def guarded_room_ids(self) -> list[int]:
        return [guard.room_id for guard in self.guards]


class DoorGuard(Base):
    __tablename__ = "door_guard"
    __audited__ = True

    door_id: Mapped[int] = mapped_column(
        ForeignKey("door.id", ondelete="CASCADE"), primary_key=True
    )
    room_id: Mapped[int] = mapped_column(
        ForeignKey("room.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)


class RoomPlacement(Base):
    """Where a room's box sits on its building's floor plan sketch, as a person dragged it
    (plan units: 1 = 1 px at full size); rooms never placed are laid out by their doors."""

    __tablename__ = "room_placement"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("x >= 0 AND x <= 2000 AND y >= 0 AND y <= 2000", name="on_the_plan"),
    )

    room_id: Mapped[int] = mapped_column(
        ForeignKey("room.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    x: Mapped[int]
    y: Mapped[int]


class Lease(Base):
    """One link of a lease chain; a sub-lease points to the lease its lessor holds."""

    __tablename__ = "lease"
    __audited__ = True
    __table_args__ = (CheckConstraint("lessor_id <> lessee_id", name="distinct_parties"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("lease.id"), index=True)
    lessor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lessee_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    premises: Mapped[str] = mapped_column(String(300), default="")
    area_m2: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    sublet_allowed: Mapped[bool] = mapped_column(default=False)
    lessor_consent: Mapped[bool] = mapped_column(default=False)
    consent_document: Mapped[str] = mapped_column(String(300), default="")
    safety_agreement_document: Mapped[str] = mapped_column(String(300), default="")
    safety_agreement_start: Mapped[date | None] = mapped_column(Date)
    safety_agreement_end: Mapped[date | None] = mapped_column(Date)
    #: The other party's answer; only a confirmed link grants visibility.
    status: Mapped[Consent] = mapped_column(
        String(16), default=Consent.CONFIRMED, server_default=Consent.CONFIRMED.value, index=True
    )
    #: The party that recorded the link (the other one confirms); None: both at once.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def audit_organisation_id(self) -> int:
        return self.lessee_id


class Tank(Base):
    """A bulk storage tank; its owner may be the gas supplier rather than the site operator."""

    __tablename__ = "tank"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("volume_m3 > 0", name="positive_volume"),
        CheckConstraint("diameter_m > 0", name="positive_diameter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    fluid: Mapped[str] = mapped_column(String(40))
    orientation: Mapped[TankOrientation] = mapped_column(String(16))
    heads: Mapped[TankHeads] = mapped_column(
        String(24), default=TankHeads.FLAT, server_default=TankHeads.FLAT.value
    )
    volume_m3: Mapped[Decimal] = mapped_column(ExactDecimal())
    diameter_m: Mapped[Decimal] = mapped_column(ExactDecimal())
    design_pressure_mpa: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    liquid_density_kg_m3: Mapped[Decimal] = mapped_column(ExactDecimal())


class Supply(Base):
    """Who supplies what to whom, delivered into which room and/or from which tank."""

    __tablename__ = "supply"
    __audited__ = True
    __table_args__ = (CheckConstraint("supplier_id <> customer_id", name="distinct_parties"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    substance: Mapped[str] = mapped_column(String(80))
    cas: Mapped[str | None] = mapped_column(String(16))
    hazardous: Mapped[bool] = mapped_column(default=True)
    form: Mapped[SupplyForm] = mapped_column(String(16))
    tank_id: Mapped[int | None] = mapped_column(ForeignKey("tank.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    monthly_quantity_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    agreement_document: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: The other party's answer; only a confirmed link grants visibility.
    status: Mapped[Consent] = mapped_column(
        String(16), default=Consent.CONFIRMED, server_default=Consent.CONFIRMED.value, index=True
    )
    #: The party that recorded the link (the other one confirms); None: both at once.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def audit_organisation_id(self) -> int:
        return self.customer_id


class Licence(Base):
    __tablename__ = "licence"
    __audited__ = True
    __table_args__ = (UniqueConstraint("licence_type", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    licence_type: Mapped[LicenceType] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    revoked: Mapped[bool] = mapped_column(default=False)


class SupervisionAssignment(Base):
    """Which department supervises which organisation for which stage of the chemicals' life."""

    __tablename__ = "supervision_assignment"
    __audited__ = True
    __table_args__ = (UniqueConstraint("department_id", "organisation_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    stage: Mapped[SupervisionStage] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(300), default="")
