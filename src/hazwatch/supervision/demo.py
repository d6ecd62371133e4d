"""The demo district's supervision: the departments of seed 001 §18, the district's
responsibility matrix (version 1) and the sectors the regulator has classified.

Credit, points and grades (items 2, 4, 5): the lab's points this year reach the
re-examination threshold (its 重大 hidden danger and an overdue one, recorded from its
hidden-danger ledger by the platform itself, and no drill, recorded by a regulator), so its safety
code is red with those reasons; the sub-lessor's (a sub-lease without a safety agreement,
nitrogen resold without a licence) reach the interview threshold; the unlicensed gas retailer
is on the serious-dishonesty list, long enough to ask for early removal; diagnostic scores,
standardisation levels and the park's score give the other grades.

The lab (晨光储能, the 2·7 tech start-up) is left unclassified, as it was in fact: no
department was assigned to it, so it is a blind spot owned by the emergency-management
bureau (the fallback owner). The sub-lessor is supervised for its use of nitrogen, but
nobody covers its resale of it (trade): that stage falls to the fallback owner too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.monitoring.escalation.models import Contact
from hazwatch.registry import service
from hazwatch.registry.choices import SupervisionStage as St
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import (
    codes,
    credit,
    grading,
    incidents,
    point_triggers,
    responsibility,
)
from hazwatch.supervision.choices import CreditKind, IncidentKind, ReportLevel, Sector
from hazwatch.supervision.models import DutyShift
from hazwatch.supervision.tasks import service as tasks

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
        # the departments the district programme dispatches transport warnings and waste
        # findings to keep a console duty desk (the street office deliberately has none)
        session.add(
            Contact(
                organisation_id=department.id,
                role="duty_officer",
                name=f"{name}值班室",
                channel="console",
                address="console",
            )
        )
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
    load_duty(session, demo, now)
    tasks.load(session, SYSTEM, now, demo["district"])
    if now >= INCIDENT_KNOWN + timedelta(days=2):
        load_incident(session, demo, now)


#: Seed 000: the worker walked into dry room 1 at 08:22 (Beijing time); the technical
#: director followed at 12:11, so the company knew by then; the district's command centre
#: took the call at 13:44 and reported in writing at 14:05 (district) and 14:49 (city).
INCIDENT_OCCURRED = datetime(2025, 2, 7, 0, 22, tzinfo=UTC)
INCIDENT_KNOWN = datetime(2025, 2, 7, 4, 11, tzinfo=UTC)


def load_incident(session: Session, demo: DemoIds, now: datetime) -> None:
    """The 2·7 accident as recorded: one dead and one seriously injured at first, the
    technical director's death the next day (a casualty change), 2.871 million yuan direct
    loss: 一般. The county heard 33 minutes after its hour was up (late)."""
    incident = incidents.record(
        session,
        SYSTEM,
        now,
        organisation_id=demo["lab"],
        title="晨光储能干燥房1氮气窒息事故（2·7）",
        kind=IncidentKind.PRODUCTION,
        occurred_at=INCIDENT_OCCURRED,
        known_at=INCIDENT_KNOWN,
        deaths=1,
        serious_injuries=1,
        direct_loss_yuan=Decimal("2871000"),
        room_id=demo["dry_room_1"],
        replay="ningbo_2_7_as_it_was",
        description="气氛炉进气软管脱落，氮气泄漏致干燥房1缺氧；先后3人进入，2人死亡。",
    )
    incidents.report(
        session,
        SYSTEM,
        now,
        incident.id,
        level=ReportLevel.COUNTY,
        reported_at=datetime(2025, 2, 7, 5, 44, tzinfo=UTC),
        recipient="海港区应急管理局指挥中心",
    )
    incidents.report(
        session,
        SYSTEM,
        now,
        incident.id,
        level=ReportLevel.CITY,
        reported_at=datetime(2025, 2, 7, 6, 49, tzinfo=UTC),
        recipient="市应急管理局",
    )
    incidents.change_casualties(
        session,
        SYSTEM,
        now,
        incident.id,
        at=datetime(2025, 2, 8, 2, 0, tzinfo=UTC),
        deaths=2,
        serious_injuries=0,
        note="技术总监经抢救无效于次日死亡",
    )
    demo.ids["incident"] = incident.id


def load_duty(session: Session, demo: DemoIds, now: datetime) -> None:
    """The bureau's 24-hour duty (seed 001 §14): two 12-hour shifts from six hours ago, each
    officer a console contact of the duty desk, so the ladders' regulator step reaches the
    one on shift."""
    ema = demo["ema"]
    for officer, start in (("王值班", -6), ("李值班", 6)):
        session.add(
            DutyShift(
                organisation_id=ema,
                officer=officer,
                phone="0574-8000-0110",
                starts_at=now + timedelta(hours=start),
                ends_at=now + timedelta(hours=start + 12),
            )
        )
        session.add(
            Contact(
                organisation_id=ema,
                role="duty_officer",
                name=officer,
                channel="console",
                address="console",
            )
        )
    session.flush()


def load_standing(
    session: Session, demo: DemoIds, now: datetime, today: date, timezone: str
) -> None:
    """Credit, points, the list, grading inputs; the points the platform's own records give
    (the lab's 重大 and overdue hidden dangers); then the first safety codes (history)."""
    for key, score, level in (
        ("chem", Decimal("82.5"), 2),
        ("dyeworks", Decimal("68"), 3),
        ("testing_lab", Decimal("91"), 1),
    ):
        grading.set_profile(
            session,
            SYSTEM,
            now,
            demo[key],
            diagnostic_score=score,
            direct_red=False,
            standardisation_level=level,
            assessed_on=today - timedelta(days=90),
            source="应急〔2018〕19号 评估诊断（区应急管理局组织）",
        )
    grading.assess_park(
        session,
        SYSTEM,
        now,
        demo["park"],
        score=Decimal("78"),
        assessed_on=today - timedelta(days=120),
        source="应急〔2019〕78号 园区安全风险评估",
    )
    for key, event, source, person in (
        ("lab", "no_emergency_drill", "现场检查：无窒息事故应急预案及演练记录", ""),
        ("sublessor", "no_safety_agreement", "现场检查：转租未签订安全生产管理协议", ""),
        ("sublessor", "unlicensed_supply", "现场检查：无危险化学品经营许可证转售氮气", ""),
        ("sublessor", "no_safety_agreement", "现场检查：转租未签订安全生产管理协议", "李涛"),
    ):
        credit.record_points(
            session,
            SYSTEM,
            now,
            organisation_id=demo[key],
            event=event,
            occurred_on=today,
            source=source,
            person=person,
        )
    listing = credit.list_entry(
        session,
        SYSTEM,
        now,
        organisation_id=demo["unlicensed_supplier"],
        reason="未取得危险化学品经营许可证经营气体，拒不整改",
        source="海应急罚〔2025〕7号 行政处罚决定",
        listed_on=today - timedelta(days=400),
    )
    demo.ids["listing"] = listing.id
    credit.record_credit(
        session,
        SYSTEM,
        now,
        organisation_id=demo["chem"],
        kind=CreditKind.GOOD,
        title="安全生产标准化二级达标",
        source="浙应急〔2025〕标准化公告",
        occurred_on=today - timedelta(days=60),
    )
    credit.record_credit(
        session,
        SYSTEM,
        now,
        organisation_id=demo["sublessor"],
        kind=CreditKind.BAD,
        title="无证转售氮气，责令改正",
        source="海应急责改〔2025〕31号",
        occurred_on=today - timedelta(days=10),
    )
    point_triggers.scan(session, now, timezone)
    codes.refresh(session, now, today)
