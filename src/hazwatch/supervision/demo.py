"""The demo district's supervision: the departments of seed 001 §18, the district's
responsibility matrix (version 1) and the sectors the regulator has classified.

The lab (晨光储能, the 2·7 tech start-up) is left unclassified, as it was in fact: no
department was assigned to it, so it is a blind spot owned by the emergency-management
bureau (the fallback owner). The sub-lessor is supervised for its use of nitrogen, but
nobody covers its resale of it (trade): that stage falls to the fallback owner too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.registry import service
from hazwatch.registry.choices import SupervisionStage as St
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import responsibility
from hazwatch.supervision.choices import Sector

#: Seed 001 §18 (职责分工): the departments that share the stages of hazardous chemicals.
DEPARTMENTS = (
    ("transport_bureau", "海港区交通运输局", "transport", "11330299MB1A00004"),
    ("economy_bureau", "海港区经济和信息化局", "economy_information", "11330299MB1A00005"),
    ("science_bureau", "海港区科学技术局", "science_technology", "11330299MB1A00006"),
    ("ecology_bureau", "海港生态环境分局", "ecology_environment", "11330299MB1A00007"),
)
BASIS = "区《危险化学品安全监管工作职责》；海政办发〔2021〕实施意见第18条"


def load(session: Session, demo: DemoIds, now: datetime) -> None:
    for key, name, function, code in DEPARTMENTS:
        department = service.create_object(
            session,
            SYSTEM,
            RESOURCES["organisations"],
            {
                "kind": "regulator",
                "name": name,
                "credit_code": credit_code(code),
                "jurisdiction_id": demo["district"],
                "department_function": function,
            },
        )
        demo.ids[key] = department.id
    ema, street = demo["ema"], demo["street_office"]
    cells = (
        (St.PRODUCTION, Sector.CHEMICAL, ema),
        (St.STORAGE, Sector.CHEMICAL, ema),
        (St.USE, Sector.CHEMICAL, ema),
        (St.TRADE, Sector.CHEMICAL, ema),
        (St.TRADE, Sector.GAS_SUPPLY, ema),
        (St.STORAGE, Sector.GAS_SUPPLY, ema),
        (St.TRANSPORT, Sector.GAS_SUPPLY, demo["transport_bureau"]),
        (St.TRANSPORT, Sector.LOGISTICS, demo["transport_bureau"]),
        (St.USE, Sector.MANUFACTURING, demo["economy_bureau"]),
        (St.USE, Sector.TEXTILE, street),
        (St.USE, Sector.RESEARCH, demo["science_bureau"]),
        (St.STORAGE, Sector.RESEARCH, demo["science_bureau"]),
        (St.DISPOSAL, Sector.WASTE, demo["ecology_bureau"]),
        (St.DISPOSAL, Sector.CHEMICAL, demo["ecology_bureau"]),
    )
    matrix = responsibility.create_matrix(
        session,
        SYSTEM,
        now,
        demo["district"],
        [responsibility.RuleIn(stage, sector, department) for stage, sector, department in cells],
        basis=BASIS,
        note="2021 版",
    )
    demo.ids["matrix"] = matrix.id
    for key, sector in (
        ("chem", Sector.CHEMICAL),
        ("dyeworks", Sector.TEXTILE),
        ("sublessor", Sector.MANUFACTURING),
        ("testing_lab", Sector.RESEARCH),
    ):
        responsibility.classify(session, SYSTEM, now, demo[key], sector)
