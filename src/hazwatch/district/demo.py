"""The demo district's programme: a hazardous-goods carrier and a waste disposal company
join the registry (classified, so the responsibility matrix covers them), the 2025
holiday calendar is loaded, then each capability adds its records (the admission review of
a flagged project and the 禁限控 catalogue's draft among them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.district import calendar
from hazwatch.district.admission import demo as admission_demo
from hazwatch.district.catalogue import demo as catalogue_demo
from hazwatch.district.coverage import demo as coverage_demo
from hazwatch.district.holidays import HOLIDAYS_2025
from hazwatch.district.map import demo as map_demo
from hazwatch.district.resources import demo as resources_demo
from hazwatch.district.transport import demo as transport_demo
from hazwatch.district.waste import demo as waste_demo
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry import service
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import responsibility
from hazwatch.supervision.choices import Sector

ORGANISATIONS = (
    ("carrier", "海港危运物流有限公司", "91330299MA1A00101", Sector.LOGISTICS, "危险货物道路运输"),
    ("disposer", "海港环保处置有限公司", "91330299MA1A00102", Sector.WASTE, "危险废物收集处置"),
)


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    for key, name, code, sector, industry in ORGANISATIONS:
        organisation = service.create_object(
            session,
            SYSTEM,
            RESOURCES["organisations"],
            {
                "kind": "enterprise",
                "name": name,
                "credit_code": credit_code(code),
                "jurisdiction_id": demo["district"],
                "industry": industry,
            },
        )
        demo.ids[key] = organisation.id
        responsibility.classify(session, SYSTEM, moment.now, organisation.id, sector)
    for day, working, name in HOLIDAYS_2025:
        calendar.set_day(session, SYSTEM, day, working=working, name=name)
    waste_demo.load(session, demo, moment)
    transport_demo.load(session, demo, moment)
    map_demo.load(session, demo)
    admission_demo.load(session, demo, moment)
    catalogue_demo.load(session, demo, moment)
    resources_demo.load(session, demo, moment)
    coverage_demo.load(session, demo, moment)
