"""The demo district's coverage records: 海港精细化工's safety manager and its social
safety-service contract (the gas company has one too; the lab and the others none), the testing
laboratory's vocational skill-upgrade courses (12 of its 20 people: exactly 60 %, met) and the
sub-lessor's (5 of 45), and the enforcement officers of the emergency-management bureau
(3 of 4 qualified: exactly 75 %, met) and of the transport bureau (1 of 2). Each indicator
has its gaps."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_date
from hazwatch.district.coverage import service
from hazwatch.emergency.readiness import service as readiness
from hazwatch.emergency.readiness.choices import QualificationKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

PROVIDER = "宁波安环技术服务有限公司"
#: (department key, name, degree, safety-related, years of practice)
OFFICERS = (
    ("ema", "周敏", "安全工程 本科", True, Decimal(8)),
    ("ema", "黄磊", "化学工程与工艺 本科", True, Decimal(5)),
    ("ema", "林涛", "安全科学与工程 硕士", True, Decimal(2)),
    ("ema", "郑洁", "汉语言文学 本科", False, Decimal(6)),
    ("transport_bureau", "冯刚", "交通运输安全 本科", True, Decimal(4)),
    ("transport_bureau", "何平", "安全工程 本科", True, Decimal("1.5")),
)
VOCATIONAL = "化工总控工（高级）职业技能晋级培训"


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    today = local_date(moment.now, moment.settings.timezone)
    readiness.add_qualification(
        session,
        SYSTEM,
        moment,
        organisation_id=demo["chem"],
        person="赵强",
        kind=QualificationKind.SAFETY_MANAGER,
        issued_on=today - timedelta(days=500),
        expires_on=today + timedelta(days=600),
        issued_by="宁波市应急管理局",
    )
    for key in ("chem", "gas_supplier"):
        service.add_contract(
            session,
            SYSTEM,
            organisation_id=demo[key],
            provider=PROVIDER,
            scope="风险评估、隐患排查、安全培训",
            valid_from=today - timedelta(days=100),
            valid_until=today + timedelta(days=265),
        )
    for key, people in (("testing_lab", 12), ("sublessor", 5)):
        for number in range(1, people + 1):
            readiness.add_training(
                session,
                SYSTEM,
                moment,
                organisation_id=demo[key],
                person=f"培训学员{number:02d}",
                course=VOCATIONAL,
                held_on=today - timedelta(days=120),
                hours=Decimal(40),
                trainer="杭州湾绿色化工人才公共实训基地",
                vocational=True,
            )
    for key, name, degree, related, years in OFFICERS:
        service.add_officer(
            session,
            SYSTEM,
            organisation_id=demo[key],
            name=name,
            degree=degree,
            safety_related=related,
            experience_years=years,
        )
