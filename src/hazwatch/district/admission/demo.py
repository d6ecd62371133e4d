"""The demo district's admission review: the chemical plant's chlorination expansion is
under joint review. It runs a key-supervised process (氯化工艺), plans a key-supervised
chemical (chlorine), and its liquid-chlorine store of 30 t is a major hazard, computed:
Table 1 gives chlorine Q = 5 t, so S = 6 (GB 18218-2018). The emergency-management bureau
leads and has given its opinion with a condition; the ecology and economy bureaus' opinions
are still due."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.chemicals.seed import by_table1
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.district.admission import service
from hazwatch.district.admission.choices import ReviewVerdict
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

#: GB 18218-2018 Table 1 row of chlorine (氯, Q = 5 t).
CHLORINE = 12
#: Where the expansion will stand, beside the plant (for the map).
LOCATION = (Decimal("29.9412"), Decimal("121.8336"))


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    chlorine = by_table1(session, CHLORINE).id
    lat, lon = LOCATION
    project = service.create_project(
        session,
        SYSTEM,
        moment,
        organisation_id=demo["chem"],
        name="年产2万吨氯代芳烃扩建项目",
        description="新建氯化反应装置及液氯储存单元",
        key_processes=["P03"],
        people_within_500m=60,
        lat=lat,
        lon=lon,
        holdings=[
            service.PlannedItem("液氯储存单元", chlorine, Decimal(30)),
            service.PlannedItem("氯化反应单元", chlorine, Decimal(1)),
        ],
    )
    service.open_review(
        session,
        SYSTEM,
        moment,
        project.id,
        lead_department_id=demo["ema"],
        department_ids=[demo["ecology_bureau"], demo["economy_bureau"]],
    )
    service.give_opinion(
        session,
        SYSTEM,
        moment,
        project.id,
        demo["ema"],
        verdict=ReviewVerdict.CONDITIONS,
        opinion="涉及重点监管危险化工工艺和重大危险源，须落实自动化控制与安全仪表系统",
        conditions=[
            "氯化反应装置实现全流程自动化控制",
            "液氯储存单元按一级重大危险源要求设置安全仪表系统",
        ],
    )
    demo.ids["admission_project"] = project.id
