"""What a tank is and what it feeds, from the registry: geometry, its level point, the rooms
it supplies, and the draw its supply agreements lead one to expect."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.physics.tank import HeadShape, TankGeometry
from hazwatch.registry.choices import Consent, TankOrientation
from hazwatch.registry.models import HazardSource, Room, Supply, Tank

#: Days in the month of a supply agreement's "monthly quantity".
DAYS_PER_MONTH = 30


def geometry(tank: Tank) -> TankGeometry:
    return TankGeometry(
        float(tank.volume_m3),
        float(tank.diameter_m),
        horizontal=tank.orientation == TankOrientation.HORIZONTAL,
        heads=HeadShape(tank.heads),
    )


def level_point(session: Session, tank_id: int) -> MeasurementPoint | None:
    """The tank's level gauge (the first, if several: one detector per tank)."""
    return session.scalar(
        select(MeasurementPoint)
        .where(
            MeasurementPoint.tank_id == tank_id,
            MeasurementPoint.kind == PointKind.TANK_LEVEL.value,
        )
        .order_by(MeasurementPoint.id)
        .limit(1)
    )


def fed_rooms(session: Session, tank_id: int) -> list[Room]:
    """Rooms a supply from this tank delivers into, and rooms whose hazard sources are fed
    by such a supply (the 2·7 lab ran its own hoses from the pipe at its door)."""
    supplies = session.scalars(
        select(Supply).where(Supply.tank_id == tank_id, Supply.status == Consent.CONFIRMED)
    ).all()
    room_ids = {s.room_id for s in supplies if s.room_id is not None}
    supply_ids = [s.id for s in supplies]
    room_ids |= set(
        session.scalars(select(HazardSource.room_id).where(HazardSource.supply_id.in_(supply_ids)))
    )
    return list(session.scalars(select(Room).where(Room.id.in_(room_ids)).order_by(Room.id)))


def kg_per_mm(tank: Tank) -> float:
    """Liquid mass per mm of level (at mid-height for a horizontal tank, where a level
    gauge spends most of its time)."""
    shape = geometry(tank)
    middle = shape.max_level_mm / 2
    volume = shape.volume_at(middle + 0.5) - shape.volume_at(middle - 0.5)
    return volume * float(tank.liquid_density_kg_m3)


def contracted_draw_mm_h(session: Session, tank: Tank) -> float:
    """Expected draw from the supply agreements (kg/month → mm/h)."""
    monthly = session.scalars(
        select(Supply.monthly_quantity_kg).where(
            Supply.tank_id == tank.id, Supply.monthly_quantity_kg.is_not(None)
        )
    ).all()
    kg_per_hour = float(sum((m for m in monthly if m is not None), Decimal(0))) / (
        DAYS_PER_MONTH * 24
    )
    per_mm = kg_per_mm(tank)
    return kg_per_hour / per_mm if per_mm else 0.0
