"""Emergency-resource tables. A library item extends an item of the emergency equipment
registry (``emergency_equipment``: what it is, its owner, site, location and periodic
checks) with where it stands on the map, how much of it there is and its condition; team
members' qualifications are the registry's (``qualification``). Everything is audited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition, TeamKind


class LibraryItem(Base):
    """An item of the shared equipment library (共享装备库): ``quantity`` in ``unit`` (sets,
    kg, litres) at ``lat``/``lon`` (WGS-84). ``shared`` false keeps it in the registry but
    out of district dispatch."""

    __tablename__ = "resource_item"
    __audited__ = True
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity"),)

    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("emergency_equipment.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit: Mapped[str] = mapped_column(String(16), default="")
    condition: Mapped[ItemCondition] = mapped_column(String(16), default=ItemCondition.GOOD)
    shared: Mapped[bool] = mapped_column(default=True)


class RescueTeam(Base):
    __tablename__ = "rescue_team"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[TeamKind] = mapped_column(String(24))
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: Off duty or out of service: not dispatched.
    available: Mapped[bool] = mapped_column(default=True)


class TeamMember(Base):
    """A member of a team; the qualifications are the person's in ``qualification`` (by
    the team's organisation and the person's name)."""

    __tablename__ = "rescue_team_member"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("rescue_team.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40), default="")


class DispatchRules(Base):
    """A district's dispatch rules (调度办法). No rule is published: the defaults are in
    :data:`hazwatch.district.resources.service.DEFAULT_RULES`, with their reasons."""

    __tablename__ = "resource_rules"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("max_distance_km > 0", name="distance"),
        CheckConstraint("reserve_percent >= 0", name="reserve"),
        CheckConstraint("speed_kmh > 0", name="speed"),
        CheckConstraint("teams >= 0", name="teams"),
        CheckConstraint("team_min_qualified >= 0", name="qualified"),
    )

    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), primary_key=True)
    max_distance_km: Mapped[Decimal] = mapped_column(ExactDecimal())
    reserve_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    speed_kmh: Mapped[Decimal] = mapped_column(ExactDecimal())
    teams: Mapped[int] = mapped_column(Integer)
    team_min_qualified: Mapped[int] = mapped_column(Integer)
    professional_first: Mapped[bool]
    basis: Mapped[str] = mapped_column(String(300), default="")


class TravelTime(Base):
    """A configured travel time from one site to another (road, not straight line); when
    one exists it ranks a resource instead of the straight-line estimate."""

    __tablename__ = "resource_travel_time"
    __audited__ = True
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    from_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    to_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)


class ResourceDispatch(Base):
    """A dispatch request for an incident or a drill of ``organisation_id``, to the scene
    at ``lat``/``lon``; ``shortfalls`` keeps what the library could not supply."""

    __tablename__ = "resource_dispatch"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"))
    purpose: Mapped[DispatchPurpose] = mapped_column(String(16))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shortfalls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DispatchLine(Base):
    """One item (a quantity of a library item) or one team sent: how far, how long it
    was expected to take, when it left, arrived and came back, and how much came back."""

    __tablename__ = "resource_dispatch_line"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity"),
        CheckConstraint("returned_quantity IS NULL OR returned_quantity >= 0", name="returned"),
        CheckConstraint("(equipment_id IS NULL) <> (team_id IS NULL)", name="item_or_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(
        ForeignKey("resource_dispatch.id", ondelete="CASCADE"), index=True
    )
    #: The owner of what was sent (it sees the line, and records its return).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource_item.equipment_id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("rescue_team.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    distance_km: Mapped[Decimal] = mapped_column(ExactDecimal())
    minutes: Mapped[Decimal] = mapped_column(ExactDecimal())
    by_table: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    note: Mapped[str] = mapped_column(Text, default="")
