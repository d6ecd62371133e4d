"""Builds the HazWatch a scenario describes, through the registry, monitoring and emergency
services, in a throw-away database: the replay then runs against exactly what a user would
have registered (organisations, rooms, sources, doors, the tank and its supply, points,
interlock rules, escalation ladder and contacts, SCBA sets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.emergency import service as emergency
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.escalation.models import Contact, EscalationStep
from hazwatch.monitoring.escalation.service import OWN_ROLES
from hazwatch.monitoring.interlocks.models import InterlockRule
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import PointIn
from hazwatch.registry import service as registry
from hazwatch.registry.credit_code import check_character
from hazwatch.registry.resources import RESOURCES
from hazwatch.scenarios import fit
from hazwatch.scenarios.format import Scenario

#: Synthetic but valid unified social credit codes (GB 32100-2015) for the scenario's parties.
CREDIT_PREFIX = "91330299MA1R"


@dataclass
class Built:
    site_id: int
    organisations: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)
    room_names: dict[int, str] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    tank_id: int | None = None


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def build(session: Session, spec: Scenario, day: date) -> Built:
    """Register everything the scenario describes; the caller's unit of work commits."""

    def add(resource: str, /, **data: Any) -> int:
        return int(registry.create_object(session, SYSTEM, RESOURCES[resource], data).id)

    serial = iter(range(1, 100))

    def organisation(kind: str, name: str, jurisdiction: int, **extra: Any) -> int:
        first17 = f"{CREDIT_PREFIX}{next(serial):05d}"
        return add(
            "organisations",
            kind=kind,
            name=name,
            credit_code=first17 + check_character(first17),
            jurisdiction_id=jurisdiction,
            **extra,
        )

    site = spec.site
    district = add("jurisdictions", name=site.district, kind="district")
    orgs = {
        "regulator": organisation(
            "regulator", site.regulator, district, department_function="emergency_management"
        ),
        "occupant": organisation("laboratory", site.occupant, district),
        "supplier": organisation("gas_supplier", site.supplier, district),
    }
    if site.landlord is not None:
        orgs["landlord"] = organisation("landlord", site.landlord, district)
    occupant = orgs["occupant"]
    owner = orgs.get("landlord", occupant)
    site_id = add("sites", organisation_id=owner, jurisdiction_id=district, name=site.name)
    built = Built(site_id, orgs)
    if "landlord" in orgs:
        add(
            "leases",
            lessor_id=orgs["landlord"],
            lessee_id=occupant,
            site_id=site_id,
            start_date=day,
        )
    building = add("buildings", site_id=site_id, organisation_id=owner, name=site.name)
    for room in spec.rooms:
        fan_ach = sum(
            (fan.flow_m3_h or 0.0) / room.volume + (fan.air_changes_per_hour or 0.0)
            for fan in spec.fans
            if fan.room == room.id
        )
        dimensions: dict[str, Any] = (
            {"free_volume_m3": _decimal(room.volume_m3)}
            if room.volume_m3 is not None
            else {
                "length_m": _decimal(room.length_m or 0),
                "width_m": _decimal(room.width_m or 0),
                "height_m": _decimal(room.height_m or 0),
            }
        )
        built.rooms[room.id] = add(
            "rooms",
            building_id=building,
            organisation_id=occupant,
            name=room.name,
            ventilation_type="exhaust" if fan_ach else "none",
            air_changes_per_hour=_decimal(round(fan_ach, 3)),
            ventilation_interlocked=any(
                fan.interlock is not None for fan in spec.fans if fan.room == room.id
            ),
            **dimensions,
        )
        built.room_names[built.rooms[room.id]] = room.name
    _tank_and_sources(add, spec, built)
    for door in spec.doors:
        add(
            "doors",
            site_id=site_id,
            organisation_id=occupant,
            code=door.code,
            name=door.name,
            guarded_room_ids=[built.rooms[room] for room in door.guards],
        )
    _points(session, spec, built)
    _interlocks(session, spec, built)
    _escalation(session, spec, built)
    for scba in spec.scba:
        emergency.create_set(
            session,
            SYSTEM,
            organisation_id=orgs.get("landlord", occupant),
            code=scba.code,
            holder=scba.holder,
            rated_pressure_mpa=_decimal(scba.rated_pressure_mpa),
            minimum_pressure_mpa=_decimal(scba.minimum_pressure_mpa),
        )
    session.flush()
    return built


def _tank_and_sources(add: Any, spec: Scenario, built: Built) -> None:
    occupant, supplier = built.organisations["occupant"], built.organisations["supplier"]
    supplies: dict[str, int] = {}
    if spec.tank is not None:
        tank = spec.tank
        built.tank_id = add(
            "tanks",
            site_id=built.site_id,
            organisation_id=supplier,
            operator_id=occupant,
            name=tank.name,
            fluid="N2" if tank.fluid == "Nitrogen" else "Ar",
            orientation=tank.orientation,
            heads=tank.heads.value,
            volume_m3=_decimal(tank.volume_m3),
            diameter_m=_decimal(tank.diameter_m),
            liquid_density_kg_m3=_decimal(tank.density_kg_m3),
        )
        add(
            "supplies",
            supplier_id=supplier,
            customer_id=occupant,
            substance=tank.fluid,
            form="bulk_tank",
            tank_id=built.tank_id,
            monthly_quantity_kg=_decimal(tank.monthly_draw_kg),
        )
        for room in tank.feeds:
            supplies[room] = add(
                "supplies",
                supplier_id=supplier,
                customer_id=occupant,
                substance=tank.fluid,
                form="pipeline",
                tank_id=built.tank_id,
                room_id=built.rooms[room],
            )
    for source in spec.sources:
        add(
            "hazard-sources",
            room_id=built.rooms[source.room],
            kind="inert_gas",
            substance=source.substance,
            description=source.name,
            pressure_mpa=None if source.pressure_mpa is None else _decimal(source.pressure_mpa),
            max_release_m3_h=_decimal(round(fit.inflow_m3_h(source, spec.tank), 3)),
            supply_id=supplies.get(source.room) if source.tank else None,
        )


def _points(session: Session, spec: Scenario, built: Built) -> None:
    occupant = built.organisations["occupant"]
    for sensor in spec.sensors:
        modelled = sensor.kind == "o2_modelled"
        point = monitoring.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=built.site_id,
                organisation_id=occupant,
                room_id=built.rooms[sensor.room] if sensor.room else None,
                tank_id=built.tank_id if sensor.tank else None,
                code=sensor.code,
                name=sensor.name,
                kind=PointKind(sensor.kind),
                # the virtual sensor reports every engine tick; a fixed one at its interval
                expected_interval_s=max(3 * spec.tick_s, 60) if modelled else sensor.interval_s,
            ),
        )
        built.points[sensor.code] = point.id


def _interlocks(session: Session, spec: Scenario, built: Built) -> None:
    for fan in spec.fans:
        if fan.interlock is None:
            continue
        session.add(
            InterlockRule(
                organisation_id=built.organisations["occupant"],
                site_id=built.site_id,
                room_id=built.rooms[fan.room],
                conditions=list(fan.interlock.on),
                action="start_fan",
                device_code=fan.code,
                timeout_s=fan.interlock.timeout_s,
            )
        )


def _escalation(session: Session, spec: Scenario, built: Built) -> None:
    """Console contacts for every party's own roles (the regulator's and landlord's duty
    officers are reached through ``regulator`` and ``landlord`` steps) and the ladder."""
    for organisation in built.organisations.values():
        for role in OWN_ROLES:
            session.add(
                Contact(
                    organisation_id=organisation,
                    role=role,
                    name=role,
                    channel="console",
                    address="console",
                )
            )
    for step in spec.escalation:
        session.add(
            EscalationStep(
                organisation_id=built.organisations["occupant"],
                after_minutes=step.after_minutes,
                target=step.target,
            )
        )
