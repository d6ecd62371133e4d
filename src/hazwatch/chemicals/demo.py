"""The demo chemical plant's ammonia tank farm: a GB 18218-2018 major hazard of level 3
(50 t of ammonia against Table 1's 10 t: S 5; 60 people within 500 m: α 1.5; β 2 for a
toxic gas: R = 1.5 × 2 × 5 = 15), with its three accountable persons and their checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.chemicals import service
from hazwatch.chemicals.choices import IdentificationTrigger, MovementKind, PersonRole, UnitKind
from hazwatch.chemicals.schemas import (
    DutyCheckIn,
    HoldingIn,
    MovementIn,
    PersonIn,
    UnitIn,
)
from hazwatch.chemicals.seed import by_table1, seed_catalogue
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

PERSONS = (
    (PersonRole.PRINCIPAL, "周建国", "总经理", 30),
    (PersonRole.TECHNICAL, "吴海峰", "技术总监", 10),
    (PersonRole.OPERATIONAL, "郑立新", "储运车间主任", 2),
)


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    seed_catalogue(session)
    ammonia = by_table1(session, 1)
    farm = service.create_unit(
        session,
        SYSTEM,
        UnitIn(
            organisation_id=demo["chem"],
            site_id=demo["chem_site"],
            name="液氨罐区",
            kind=UnitKind.STORAGE,
            people_within_500m=60,
            note="2 × 25 t 液氨卧式储罐",
        ),
    )
    demo.ids["ammonia_farm"] = farm.id
    service.set_holding(
        session, SYSTEM, farm.id, HoldingIn(chemical_id=ammonia.id, design_max_t=Decimal(50))
    )
    service.record_movement(
        session,
        SYSTEM,
        MovementIn(
            kind=MovementKind.IN,
            chemical_id=ammonia.id,
            quantity_t=Decimal(32),
            to_unit_id=farm.id,
            note="槽车卸车",
        ),
        moment.now - timedelta(days=5),
    )
    for role, name, position, days_ago in PERSONS:
        person = service.add_person(
            session,
            SYSTEM,
            farm.id,
            PersonIn(role=role, name=name, position=position, appointed_on=date(2024, 1, 1)),
        )
        service.record_duty_check(
            session,
            SYSTEM,
            person.id,
            DutyCheckIn(checked_at=moment.now - timedelta(days=days_ago), note="包保责任检查"),
            moment.now,
        )
    service.identify_unit(session, farm, IdentificationTrigger.INVENTORY, moment.now)
