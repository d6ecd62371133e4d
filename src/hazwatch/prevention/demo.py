"""The demo district's prevention loops: the lab's hidden dangers (one closed, one major
reported to the regulator, one past its deadline that climbs the lab's ladder once HazWatch
runs), its daily round of the dry room and weekly round of the entrance, and a breathing
apparatus of its own. Each is done as the lab's people would have done it, at its own time
before ``moment``."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import Principal
from hazwatch.core.auth.service import principal_of
from hazwatch.emergency import service as emergency
from hazwatch.prevention.hazard_findings import service as hazards
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.inspections import service as inspections
from hazwatch.prevention.inspections.choices import Frequency
from hazwatch.prevention.inspections.schemas import (
    AnswerIn,
    ItemIn,
    PlanIn,
    PointIn,
    RecordIn,
    TemplateIn,
)
from hazwatch.registry.demo import DemoIds


def dry_room_round(organisation_id: int) -> TemplateIn:
    return TemplateIn(
        organisation_id=organisation_id,
        name="干燥房日常巡检",
        description="GB 30871 与本单位缺氧危险作业管理规定；每日开工前",
        items=[
            ItemIn(text="气氛炉氮气软管完好、接头卡箍紧固"),
            ItemIn(text="便携式氧含量读数", kind="number", minimum=Decimal("19.5"), unit="%"),
            ItemIn(text="应急疏散通道畅通", grade=HazardGrade.MAJOR),
            ItemIn(text="缺氧危险警示标识在位"),
        ],
    )


def entrance_round(organisation_id: int) -> TemplateIn:
    return TemplateIn(
        organisation_id=organisation_id,
        name="实验室入口每周检查",
        items=[
            ItemIn(text="门禁读卡器与 HazWatch 联动正常（拒绝时不开门）"),
            ItemIn(text="空气呼吸器在位、压力表指针在绿区"),
        ],
    )


def _person(session: Session, username: str) -> Principal:
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    assert user is not None, username
    return principal_of(user)


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    lab, head = _person(session, "lab"), _person(session, "labhead")
    lab_id = demo["lab"]

    def at(days_ago: float) -> Moment:
        return replace(moment, now=moment.now - timedelta(days=days_ago))

    def report(days_ago: float, title: str, room_id: int) -> int:
        finding = hazards.report(
            session, lab, at(days_ago), organisation_id=lab_id, title=title, room_id=room_id
        )
        return finding.id

    closed = report(20, "实验室入口未张贴缺氧危险警示标识", demo["changing_room"])
    hazards.grade(session, lab, at(20), closed, grade=HazardGrade.GENERAL)
    hazards.order(
        session,
        lab,
        at(19),
        closed,
        measures="在实验室入口及干燥房门外张贴“缺氧危险 禁止入内”警示标识",
        responsible_person="刘工",
        funds_yuan=Decimal(200),
        contingency_plan="张贴前由专人在入口提醒",
    )
    hazards.start(session, lab, at(19), closed)
    hazards.self_check(session, lab, at(17), closed, "标识已张贴（照片见附件）")
    hazards.accept(session, head, at(16), closed, "现场核对，合格")
    hazards.close(session, head, at(16), closed)

    late = report(40, "干燥房1 气氛炉进气推入式软管无卡箍、已老化", demo["dry_room_1"])
    hazards.grade(session, lab, at(40), late, grade=HazardGrade.GENERAL)
    hazards.order(
        session,
        lab,
        at(39),
        late,
        measures="更换耐热软管，接头加装卡箍，每周检查",
        responsible_person="刘工",
        funds_yuan=Decimal(300),
        contingency_plan="整改完成前停用气氛炉，进入干燥房前用便携式仪表测氧",
    )
    hazards.start(session, lab, at(38), late)

    major = report(2, "干燥房1 接入氮气，无固定式氧含量检测报警，无联锁排风", demo["dry_room_1"])
    hazards.grade(
        session,
        lab,
        at(2),
        major,
        grade=HazardGrade.MAJOR,
        deadline=moment.now + timedelta(days=28),
        comment="参照 2·7 事故，属可能导致群死群伤的缺氧窒息风险",
    )

    emergency.create_set(
        session,
        lab,
        organisation_id=lab_id,
        code="SCBA-LAB-1",
        holder="刘工",
        site_id=demo["plant"],
    )
    emergency.record_check(
        session,
        lab,
        set_code="SCBA-LAB-1",
        at=moment.now - timedelta(days=3),
        cylinder_pressure_mpa=Decimal(29),
        moment=moment,
    )
    _rounds(session, lab, demo, moment)


def _rounds(session: Session, lab: Principal, demo: DemoIds, moment: Moment) -> None:
    lab_id = demo["lab"]
    dry = inspections.create_template(session, lab, dry_room_round(lab_id))
    entrance = inspections.create_template(session, lab, entrance_round(lab_id))
    dry_point = inspections.create_point(
        session,
        lab,
        PointIn(organisation_id=lab_id, code="DRY1", name="干燥房1", room_id=demo["dry_room_1"]),
    )
    entrance_point = inspections.create_point(
        session,
        lab,
        PointIn(
            organisation_id=lab_id, code="LAB-ENT", name="实验室入口", room_id=demo["changing_room"]
        ),
    )
    zone = ZoneInfo(moment.settings.timezone)
    today = moment.now.astimezone(zone).date()
    nine = datetime.combine(today - timedelta(days=7), time(9), tzinfo=zone)
    daily = inspections.create_plan(
        session,
        lab,
        moment,
        PlanIn(
            organisation_id=lab_id,
            name="干燥房1每日开工前巡检",
            template_id=dry.id,
            point_id=dry_point.id,
            frequency=Frequency.DAILY,
            assignee="lab",
            starts_at=nine,
        ),
    )
    inspections.create_plan(
        session,
        lab,
        moment,
        PlanIn(
            organisation_id=lab_id,
            name="实验室入口每周检查",
            template_id=entrance.id,
            point_id=entrance_point.id,
            frequency=Frequency.WEEKLY,
            assignee="lab",
            starts_at=nine,
        ),
    )
    yesterday = replace(moment, now=nine + timedelta(days=6, minutes=20))
    answers = [
        AnswerIn(item_id=item.id, yes=True, value=Decimal("20.8") if item.unit else None)
        for item in dry.items
    ]
    inspections.record(session, lab, yesterday, RecordIn(plan_id=daily.id, answers=answers))
