"""The demo district's 禁限控 catalogue: version 1 is in force and controls chlorination, which
the chemical plant runs (a notice). The district's draft version 2 adds diazotisation as
restricted and liquid ammonia as controlled, so it newly affects the dye works (its
diazotisation line) and the chemical plant (its ammonia farm) — shown before it is
published."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.district.catalogue import service
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

BASIS = "海港区化工产业“禁限控”目录（海政办发〔2021〕实施意见第1条）"
AMMONIA_CAS = "7664-41-7"


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    for organisation, name, code in (
        (demo["chem"], "氯代芳烃氯化生产线", "P03"),
        (demo["dyeworks"], "活性染料重氮化偶合生产线", "P09"),
    ):
        service.register_process(
            session, SYSTEM, organisation_id=organisation, name=name, process_code=code
        )
    first = service.create_version(
        session, SYSTEM, moment, jurisdiction_id=demo["district"], title="2021年版", basis=BASIS
    )
    service.add_entry(
        session,
        SYSTEM,
        first.id,
        subject=CatalogueSubject.PROCESS,
        category=CatalogueCategory.CONTROLLED,
        name="氯化工艺",
        process_code="P03",
        note="新建、扩建须经联合审查",
    )
    service.add_entry(
        session,
        SYSTEM,
        first.id,
        subject=CatalogueSubject.PRODUCT,
        category=CatalogueCategory.PROHIBITED,
        name="光气",
        cas="75-44-5",
        note="禁止新建光气生产装置",
    )
    service.publish(session, SYSTEM, moment, first.id)
    draft = service.create_version(
        session, SYSTEM, moment, jurisdiction_id=demo["district"], title="2025年修订稿", basis=BASIS
    )
    service.add_entry(
        session,
        SYSTEM,
        draft.id,
        subject=CatalogueSubject.PROCESS,
        category=CatalogueCategory.RESTRICTED,
        name="重氮化工艺",
        process_code="P09",
        note="不再新增产能",
    )
    service.add_entry(
        session,
        SYSTEM,
        draft.id,
        subject=CatalogueSubject.PRODUCT,
        category=CatalogueCategory.CONTROLLED,
        name="液氨",
        cas=AMMONIA_CAS,
        note="储量超过重大危险源临界量的须落实包保责任",
    )
    demo.ids["catalogue_in_force"] = first.id
    demo.ids["catalogue_draft"] = draft.id
