"""The demo district's emergency readiness, as the lab should have kept it: its oxygen-
deficiency plan, a drill held last month whose finding is a hidden danger and the next one
planned, a training matrix in which one qualification lapsed (张伟's SCBA wearer certificate,
last week), and its escape packs, portable O2 meter and fan with their checks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_date
from hazwatch.emergency.readiness import service
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    lab, plant = demo["lab"], demo["plant"]
    today = local_date(moment.now, moment.settings.timezone)
    plan = service.create_plan(
        session,
        SYSTEM,
        moment,
        organisation_id=lab,
        site_id=plant,
        title="干燥房缺氧窒息事故专项应急预案",
        version="2025-1",
        approved_on=today - timedelta(days=60),
        review_due=today + timedelta(days=305),
    )
    earlier = Moment(moment.now - timedelta(days=31), moment.settings)
    held = service.plan_drill(
        session,
        SYSTEM,
        earlier,
        organisation_id=lab,
        site_id=plant,
        plan_id=plan.id,
        title="干燥房氮气泄漏人员窒息救援演练",
        scenario="干燥房1 氮气软管脱落，一人倒地；监护人报警，救援人员佩戴空气呼吸器进入",
        planned_for=earlier.now + timedelta(days=1),
    )
    after = Moment(earlier.now + timedelta(days=1, hours=2), moment.settings)
    service.hold_drill(
        session,
        SYSTEM,
        after,
        held.id,
        held_at=after.now - timedelta(hours=1),
        participants=8,
        summary="报警、撤离与救援流程完成；救援人员穿戴空气呼吸器用时 3 分 10 秒，超过 2 分钟目标",
    )
    service.add_drill_finding(
        session,
        SYSTEM,
        moment,
        held.id,
        text="空气呼吸器存放于更衣室柜内且上锁，取用耗时过长",
    )
    service.plan_drill(
        session,
        SYSTEM,
        moment,
        organisation_id=lab,
        site_id=plant,
        plan_id=plan.id,
        title="夜间缺氧报警撤离演练",
        planned_for=moment.now + timedelta(days=14),
    )
    issued = today - timedelta(days=700)
    for number, (person, kind, expires) in enumerate(
        (
            ("张伟", QualificationKind.SCBA_USER, today - timedelta(days=7)),  # lapsed
            ("张伟", QualificationKind.CONFINED_SPACE_GUARDIAN, today + timedelta(days=400)),
            ("李娜", QualificationKind.SAFETY_MANAGER, today + timedelta(days=300)),
            ("李娜", QualificationKind.SCBA_USER, today + timedelta(days=200)),
            ("王强", QualificationKind.CONFINED_SPACE, today + timedelta(days=90)),
            ("王强", QualificationKind.FIRST_AID, None),
        ),
        start=1,
    ):
        service.add_qualification(
            session,
            SYSTEM,
            moment,
            organisation_id=lab,
            person=person,
            kind=kind,
            issued_on=issued,
            expires_on=expires,
            certificate_no=f"ZJ-2023-{number:04d}",
            issued_by="宁波市应急管理局",
        )
    for person in ("张伟", "李娜", "王强"):
        service.add_training(
            session,
            SYSTEM,
            moment,
            organisation_id=lab,
            person=person,
            course="缺氧危险作业与空气呼吸器使用",
            held_on=today - timedelta(days=45),
            hours=Decimal(8),
            trainer="区应急管理局培训中心",
        )
    checked = moment.now - timedelta(days=5)
    for equipment, code, name in (
        (EquipmentKind.ESCAPE_PACK, "LAB-EEBD-1", "紧急逃生呼吸器（15 分钟）"),
        (EquipmentKind.PORTABLE_O2_METER, "LAB-PO2-1", "便携式氧含量检测仪"),
        (EquipmentKind.FAN, "LAB-FAN-P1", "移动式防爆风机"),
    ):
        service.register_equipment(
            session,
            SYSTEM,
            organisation_id=lab,
            kind=equipment,
            code=code,
            name=name,
            location="实验室入口应急柜",
            site_id=plant,
        )
        service.check_equipment(session, SYSTEM, moment, code, passed=True, at=checked)
