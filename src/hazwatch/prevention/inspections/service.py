"""Inspections: checklists with the answers that pass, inspection points, plans and the
records of each round.

A plan falls due at ``starts_at`` plus whole periods (8 h shift rounds to yearly; months
counted on the local calendar). A round recorded for a plan moves its next due date to the
first slot after both the slot it fulfilled and now, so a round done early counts for its
slot and a missed slot is not owed twice. A plan past its due date is overdue (flagged in
the API and the console). A failed item becomes a hidden danger of its grade in the same
step (source ``inspection_answer``); a major one needs its deadline with the answer.

Tenancy as for hidden dangers: the organisation's editors write, landlord and regulator
read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.service import (
    Moment,
    ensure_may_run_loop,
    locate,
    open_from_source,
)
from hazwatch.prevention.inspections.choices import AnswerKind, Frequency, PlanStatus
from hazwatch.prevention.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectionAnswer,
    InspectionPlan,
    InspectionPoint,
    InspectionRecord,
)
from hazwatch.prevention.inspections.schemas import (
    AnswerIn,
    PlanIn,
    PointIn,
    RecordIn,
    TemplateIn,
)

#: The source type of hidden dangers opened by a failed inspection item.
SOURCE = "inspection_answer"
#: Subject type of inspection records' attachments.
RECORD_SUBJECT = "inspection_record"
FIXED_PERIODS = {
    Frequency.SHIFT: timedelta(hours=8),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=7),
}
MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def add_periods(start: datetime, frequency: Frequency, count: int, timezone: str) -> datetime:
    """``start`` plus ``count`` periods; months on the local calendar (31 Jan + 1 month is
    the last day of February)."""
    if frequency in FIXED_PERIODS:
        return start + FIXED_PERIODS[frequency] * count
    local = start.astimezone(ZoneInfo(timezone))
    months = local.month - 1 + MONTHS[frequency] * count
    year, month = local.year + months // 12, months % 12 + 1
    for day in range(local.day, 27, -1):
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return local.replace(year=year, month=month, day=min(local.day, 28))


def _slot_after(plan: InspectionPlan, after: datetime, timezone: str) -> datetime:
    """The first due slot of the plan later than ``after``."""
    frequency = Frequency(plan.frequency)
    count = 0
    if frequency in FIXED_PERIODS and after > plan.starts_at:
        count = int((after - plan.starts_at) / FIXED_PERIODS[frequency])
    slot = add_periods(plan.starts_at, frequency, count, timezone)
    while slot <= after:
        count += 1
        slot = add_periods(plan.starts_at, frequency, count, timezone)
    return slot


def upcoming(plan: InspectionPlan, count: int, timezone: str) -> list[datetime]:
    """The plan's next ``count`` due dates, from its next due one."""
    dates = [plan.next_due]
    while len(dates) < count:
        dates.append(_slot_after(plan, dates[-1], timezone))
    return dates


def status(plan: InspectionPlan, now: datetime) -> PlanStatus:
    if not plan.active:
        return PlanStatus.INACTIVE
    return PlanStatus.OVERDUE if plan.next_due < now else PlanStatus.DUE


# -- templates, points, plans ------------------------------------------------------------------


Owned = TypeVar("Owned", ChecklistTemplate, InspectionPoint, InspectionPlan, InspectionRecord)


def _get(
    session: Session, principal: Principal, model: type[Owned], ident: int, field: str
) -> Owned:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound("scope.not_found", field=field)
    ensure_visible(session, principal, obj.organisation_id)
    return obj


def get_template(session: Session, principal: Principal, template_id: int) -> ChecklistTemplate:
    return _get(session, principal, ChecklistTemplate, template_id, "template_id")


def get_point(session: Session, principal: Principal, point_id: int) -> InspectionPoint:
    return _get(session, principal, InspectionPoint, point_id, "point_id")


def get_plan(session: Session, principal: Principal, plan_id: int) -> InspectionPlan:
    return _get(session, principal, InspectionPlan, plan_id, "plan_id")


def get_record(session: Session, principal: Principal, record_id: int) -> InspectionRecord:
    return _get(session, principal, InspectionRecord, record_id, "record_id")


def create_template(session: Session, principal: Principal, data: TemplateIn) -> ChecklistTemplate:
    ensure_may_run_loop(session, principal, data.organisation_id)
    for index, item in enumerate(data.items):
        if item.kind is AnswerKind.NUMBER:
            if item.minimum is None and item.maximum is None:
                raise InvalidInput("inspection.range_required", field=f"items.{index}.minimum")
            if None not in (item.minimum, item.maximum) and item.minimum > item.maximum:  # type: ignore[operator]
                raise InvalidInput("inspection.bad_range", field=f"items.{index}.maximum")
    template = ChecklistTemplate(
        organisation_id=data.organisation_id, name=data.name, description=data.description
    )
    template.items = [
        ChecklistItem(organisation_id=data.organisation_id, position=position, **item.model_dump())
        for position, item in enumerate(data.items, start=1)
    ]
    session.add(template)
    session.flush()
    return template


def list_templates(session: Session, principal: Principal) -> list[ChecklistTemplate]:
    query = select(ChecklistTemplate).order_by(ChecklistTemplate.id)
    return list(
        session.scalars(restrict(query, ChecklistTemplate.organisation_id, session, principal))
    )


def create_point(session: Session, principal: Principal, data: PointIn) -> InspectionPoint:
    ensure_may_run_loop(session, principal, data.organisation_id)
    site_id = locate(session, data.organisation_id, data.site_id, data.room_id)
    taken = select(InspectionPoint.id).where(
        InspectionPoint.organisation_id == data.organisation_id,
        InspectionPoint.code == data.code,
    )
    if session.scalar(taken) is not None:
        raise Conflict("inspection.point_code_taken", field="code", value=data.code)
    point = InspectionPoint(**data.model_dump(exclude={"site_id"}), site_id=site_id)
    session.add(point)
    session.flush()
    return point


def list_points(session: Session, principal: Principal) -> list[InspectionPoint]:
    query = select(InspectionPoint).order_by(InspectionPoint.organisation_id, InspectionPoint.code)
    return list(
        session.scalars(restrict(query, InspectionPoint.organisation_id, session, principal))
    )


def create_plan(
    session: Session, principal: Principal, moment: Moment, data: PlanIn
) -> InspectionPlan:
    ensure_may_run_loop(session, principal, data.organisation_id)
    template = get_template(session, principal, data.template_id)
    if template.organisation_id != data.organisation_id:
        raise NotFound("scope.not_found", field="template_id")
    point = get_point(session, principal, data.point_id)
    if point.organisation_id != data.organisation_id:
        raise NotFound("scope.not_found", field="point_id")
    starts_at = data.starts_at or moment.now
    plan = InspectionPlan(
        **data.model_dump(exclude={"starts_at"}), starts_at=starts_at, next_due=starts_at
    )
    session.add(plan)
    session.flush()
    return plan


def list_plans(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    overdue: bool | None = None,
    point_id: int | None = None,
) -> list[InspectionPlan]:
    """Active plans soonest due first (overdue ones lead), then inactive ones."""
    query = restrict(select(InspectionPlan), InspectionPlan.organisation_id, session, principal)
    if point_id is not None:
        query = query.where(InspectionPlan.point_id == point_id)
    if overdue is not None:
        late = InspectionPlan.active.is_(True) & (InspectionPlan.next_due < now)
        query = query.where(late if overdue else ~late)
    query = query.order_by(InspectionPlan.active.desc(), InspectionPlan.next_due)
    return list(session.scalars(query))


# -- records ---------------------------------------------------------------------------------


def _passes(item: ChecklistItem, answer: AnswerIn, index: int) -> bool:
    if item.kind == AnswerKind.YES_NO:
        if answer.yes is None:
            raise InvalidInput("inspection.answer_missing", field=f"answers.{index}.yes")
        return answer.yes is item.expected_yes
    if answer.value is None:
        raise InvalidInput("inspection.answer_missing", field=f"answers.{index}.value")
    low, high = item.minimum, item.maximum
    return (low is None or answer.value >= low) and (high is None or answer.value <= high)


def shown_answer(item: ChecklistItem, yes: bool | None, value: Decimal | None) -> str:
    if item.kind == AnswerKind.YES_NO:
        return "yes" if yes else "no"
    return f"{value} {item.unit}".strip()


def record(
    session: Session, principal: Principal, moment: Moment, data: RecordIn
) -> InspectionRecord:
    """Every item of the checklist answered once; all checked before anything is written."""
    plan = get_plan(session, principal, data.plan_id) if data.plan_id is not None else None
    if plan is not None:
        template_id, point_id = plan.template_id, plan.point_id
    elif data.template_id is None or data.point_id is None:
        raise InvalidInput("inspection.plan_or_template", field="plan_id")
    else:
        template_id, point_id = data.template_id, data.point_id
    template = get_template(session, principal, template_id)
    point = get_point(session, principal, point_id)
    if template.organisation_id != point.organisation_id:
        raise NotFound("scope.not_found", field="point_id")
    ensure_may_run_loop(session, principal, point.organisation_id)
    items = {item.id: item for item in template.items}
    answered: dict[int, tuple[AnswerIn, bool]] = {}
    for index, answer in enumerate(data.answers):
        item = items.get(answer.item_id)
        if item is None or answer.item_id in answered:
            raise InvalidInput("inspection.unknown_item", field=f"answers.{index}.item_id")
        passed = _passes(item, answer, index)
        if not passed and data.raise_hidden_dangers:
            _check_major_deadline(item, answer, index, moment)
        answered[answer.item_id] = (answer, passed)
    missing = [item for item_id, item in items.items() if item_id not in answered]
    if missing:
        raise InvalidInput("inspection.items_unanswered", field="answers", item=missing[0].text)
    entry = InspectionRecord(
        organisation_id=point.organisation_id,
        plan_id=plan.id if plan else None,
        template_id=template.id,
        point_id=point.id,
        inspector=principal.username,
        at=moment.now,
        due_at=plan.next_due if plan else None,
        passed=all(passed for _answer, passed in answered.values()),
        notes=data.notes,
    )
    session.add(entry)
    session.flush()
    for item_id, (answer, passed) in answered.items():
        row = InspectionAnswer(
            record_id=entry.id,
            item_id=item_id,
            organisation_id=entry.organisation_id,
            yes=answer.yes,
            value=answer.value,
            passed=passed,
            note=answer.note,
        )
        session.add(row)
        session.flush()
        if not passed and data.raise_hidden_dangers:
            item = items[item_id]
            finding = open_from_source(
                session,
                moment,
                organisation_id=entry.organisation_id,
                source_type=SOURCE,
                source_id=row.id,
                title_key="inspection.hazard.failed_item",
                params={
                    "item": item.text,
                    "point": point.name,
                    "answer": shown_answer(item, answer.yes, answer.value),
                    "note": answer.note,
                },
                grade=HazardGrade(item.grade),
                site_id=point.site_id,
                room_id=point.room_id,
                location=point.name,
                deadline=answer.deadline,
                actor=principal,
            )
            row.hazard_finding_id = finding.id
    if plan is not None:
        plan.next_due = _slot_after(plan, max(plan.next_due, moment.now), moment.settings.timezone)
    session.flush()
    return entry


def _check_major_deadline(
    item: ChecklistItem, answer: AnswerIn, index: int, moment: Moment
) -> None:
    if answer.deadline is not None and answer.deadline <= moment.now:
        raise InvalidInput("hazard.deadline_past", field=f"answers.{index}.deadline")
    if item.grade == HazardGrade.MAJOR and answer.deadline is None:
        raise InvalidInput("hazard.deadline_required", field=f"answers.{index}.deadline")


def list_records(
    session: Session,
    principal: Principal,
    *,
    plan_id: int | None = None,
    point_id: int | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> Sequence[InspectionRecord]:
    query = restrict(select(InspectionRecord), InspectionRecord.organisation_id, session, principal)
    if plan_id is not None:
        query = query.where(InspectionRecord.plan_id == plan_id)
    if point_id is not None:
        query = query.where(InspectionRecord.point_id == point_id)
    if since is not None:
        query = query.where(InspectionRecord.at >= since)
    query = query.order_by(InspectionRecord.at.desc(), InspectionRecord.id.desc())
    return session.scalars(query.limit(limit)).all()
