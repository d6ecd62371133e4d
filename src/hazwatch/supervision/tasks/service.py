"""Task decomposition and monthly progress (issue 15 item 7; seed 001 三(三), Annexes 1 and 2).

Seed 001 三(三): "各牵头部门和单位根据《…工作任务责任分解表》（附件 1）明确责任，于每月 28 日前
填写《全面加强危化品安全生产工作进度表》（附件 2）…；12 月 10 日前，将牵头工作年度总结报送区安委办".

* The tasks are the 21 measures of seed 001 二 (``data/seed001_tasks.csv``, copied from the
  seed with the article each comes from). Annex 1 itself is not in the seed: each lead
  department and its partners are read from the measure's text and §18 (职责分工), by
  department function, and resolved to the jurisdiction's departments when loaded; a
  function the jurisdiction has no department for falls to the emergency-management bureau
  (the fallback owner of §18). Deadlines are the measure's own ("到2021年底" → 2021-12-31);
  none means standing work.
* A monthly report is due before the 28th of its month (the deadline is the start of the
  28th, local time), the year-end summary before 10 December. :class:`TaskWatch` reminds the
  lead department from the 21st (from 1 December) and flags it once the deadline passes;
  the overdue list is asked of :func:`overdue`.
* Indicators the platform knows (``INDICATORS``) are filled in when a report is submitted,
  and kept as they were then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.core.i18n import translate
from hazwatch.core.settings import Settings
from hazwatch.monitoring.escalation.service import notify_now
from hazwatch.prevention.hazard_findings.choices import HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.ledger import Ledger
from hazwatch.registry.choices import (
    GOVERNMENT_KINDS,
    DepartmentFunction,
    OrganisationKind,
    SupervisionStage,
)
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision import incidents, responsibility
from hazwatch.supervision.choices import DispatchState, ProgressKind, TaskStatus
from hazwatch.supervision.models import (
    DispatchOrder,
    DutyShift,
    Incident,
    SupervisionTask,
    TaskNotice,
    TaskProgress,
)

SOURCE = "区委办综〔2021〕28号《关于全面加强危险化学品安全生产工作的实施意见》三(三) 及附件1、2"
DATA = "seed001_tasks.csv"
#: "于每月 28 日前": due at the start of the 28th (local).
MONTHLY_DUE_DAY = 28
#: "12 月 10 日前": the year-end summary is due at the start of 10 December (local).
ANNUAL_DUE = (12, 10)
#: Reminders start a week before the monthly deadline, and on 1 December for the summary.
MONTHLY_REMIND_DAY = 21
ANNUAL_REMIND = (12, 1)
#: Days of roster looked back on for the duty-coverage indicator.
DUTY_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class TaskRow:
    number: int
    section: str
    title: str
    content: str
    lead: DepartmentFunction
    partners: tuple[DepartmentFunction, ...]
    deadline: date | None
    indicators: tuple[str, ...]
    source: str


def seed_rows() -> list[TaskRow]:
    """The tasks of seed 001, as copied into the package."""
    text = (resources.files("hazwatch.supervision.tasks") / "data" / DATA).read_text("utf-8")
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        rows.append(
            TaskRow(
                number=int(raw["number"]),
                section=raw["section"],
                title=raw["title"],
                content=raw["content"],
                lead=DepartmentFunction(raw["lead"]),
                partners=tuple(DepartmentFunction(p) for p in raw["partners"].split(";") if p),
                deadline=date.fromisoformat(raw["deadline"]) if raw["deadline"] else None,
                indicators=tuple(i for i in raw["indicators"].split(";") if i),
                source=raw["source"],
            )
        )
    return rows


# -- who sees and writes ----------------------------------------------------------------------


def _regulator(principal: Principal) -> None:
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")


def _own_area(session: Session, principal: Principal, jurisdiction_id: int) -> Jurisdiction:
    """A jurisdiction the caller's area holds (a regulator loads tasks for its own area)."""
    _regulator(principal)
    jurisdiction = session.get(Jurisdiction, jurisdiction_id)
    if jurisdiction is None:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    if principal.is_platform_admin:
        return jurisdiction
    area = (
        jurisdiction_subtree(session, principal.jurisdiction_id)
        if principal.jurisdiction_id is not None
        else set()
    )
    if jurisdiction_id not in area:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    return jurisdiction


def visible_tasks(
    session: Session, principal: Principal, jurisdiction_id: int | None = None
) -> list[SupervisionTask]:
    """Tasks of the caller's area and of the levels above it (a street works to its
    district's table); regulators only."""
    _regulator(principal)
    seen = responsibility.visible_jurisdictions(session, principal)
    query = select(SupervisionTask).order_by(
        SupervisionTask.jurisdiction_id, SupervisionTask.number
    )
    if jurisdiction_id is not None:
        query = query.where(SupervisionTask.jurisdiction_id == jurisdiction_id)
    if seen is not None:
        query = query.where(SupervisionTask.jurisdiction_id.in_(seen))
    return list(session.scalars(query))


def get(session: Session, principal: Principal, task_id: int) -> SupervisionTask:
    _regulator(principal)
    task = session.get(SupervisionTask, task_id)
    seen = responsibility.visible_jurisdictions(session, principal)
    if task is None or (seen is not None and task.jurisdiction_id not in seen):
        raise NotFound("scope.not_found", field="task_id", id=task_id)
    return task


# -- loading ----------------------------------------------------------------------------------


def _departments(session: Session, jurisdiction_id: int) -> dict[str, int]:
    """The jurisdiction's regulator departments by function (its own before those below)."""
    area = jurisdiction_subtree(session, jurisdiction_id)
    rows = session.execute(
        select(Organisation.id, Organisation.department_function, Organisation.jurisdiction_id)
        .where(
            Organisation.kind == OrganisationKind.REGULATOR,
            Organisation.jurisdiction_id.in_(area),
            Organisation.department_function.is_not(None),
        )
        .order_by(Organisation.id)
    ).all()
    found: dict[str, int] = {}
    for own in (True, False):
        for ident, function, where in rows:
            if (where == jurisdiction_id) == own:
                found.setdefault(str(function), ident)
    return found


def load(
    session: Session, principal: Principal, now: datetime, jurisdiction_id: int
) -> list[SupervisionTask]:
    """Load the seed's tasks for a jurisdiction (its table, Annex 1). Loading again adds only
    the tasks it does not have: a department's edits are never overwritten."""
    _own_area(session, principal, jurisdiction_id)
    departments = _departments(session, jurisdiction_id)
    fallback = departments.get(DepartmentFunction.EMERGENCY_MANAGEMENT.value)
    have = set(
        session.scalars(
            select(SupervisionTask.number).where(SupervisionTask.jurisdiction_id == jurisdiction_id)
        )
    )
    for row in seed_rows():
        if row.number in have:
            continue
        lead = departments.get(row.lead.value, fallback)
        partners = [departments[p.value] for p in row.partners if p.value in departments]
        session.add(
            SupervisionTask(
                jurisdiction_id=jurisdiction_id,
                number=row.number,
                section=row.section,
                title=row.title,
                content=row.content,
                lead_department_id=lead,
                partner_ids=[p for p in dict.fromkeys(partners) if p != lead],
                deadline=row.deadline,
                indicators=list(row.indicators),
                source=row.source,
                loaded_at=now,
            )
        )
    session.flush()
    return visible_tasks(session, principal, jurisdiction_id)


# -- periods and deadlines --------------------------------------------------------------------


def month_of(moment: datetime, timezone: str) -> date:
    return local_date(moment, timezone).replace(day=1)


def _local_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def due(kind: ProgressKind, period: date, timezone: str) -> datetime:
    """When a report is due: the start of the 28th of its month, or of 10 December."""
    if kind is ProgressKind.MONTHLY:
        return _local_start(period.replace(day=MONTHLY_DUE_DAY), timezone)
    return _local_start(date(period.year, *ANNUAL_DUE), timezone)


def remind_from(kind: ProgressKind, period: date, timezone: str) -> datetime:
    if kind is ProgressKind.MONTHLY:
        return _local_start(period.replace(day=MONTHLY_REMIND_DAY), timezone)
    return _local_start(date(period.year, *ANNUAL_REMIND), timezone)


def normal_period(kind: ProgressKind, period: date) -> date:
    return period.replace(day=1) if kind is ProgressKind.MONTHLY else date(period.year, 1, 1)


def _months(start: date, end: date) -> list[date]:
    found, cursor = [], start.replace(day=1)
    while cursor <= end:
        found.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return found


@dataclass(frozen=True)
class Missing:
    task: SupervisionTask
    kind: ProgressKind
    period: date
    due: datetime


def reports_of(
    session: Session, task_ids: Sequence[int]
) -> dict[tuple[int, str, date], TaskProgress]:
    rows = session.scalars(select(TaskProgress).where(TaskProgress.task_id.in_(task_ids)))
    return {(r.task_id, str(r.kind), r.period): r for r in rows}


def expected(
    task: SupervisionTask, now: datetime, timezone: str
) -> list[tuple[ProgressKind, date]]:
    """The reports a task owes from the month it was loaded to the current one."""
    wanted: list[tuple[ProgressKind, date]] = [
        (ProgressKind.MONTHLY, m)
        for m in _months(month_of(as_utc(task.loaded_at), timezone), month_of(now, timezone))
    ]
    first_year = local_date(as_utc(task.loaded_at), timezone).year
    for year in range(first_year, local_date(now, timezone).year + 1):
        wanted.append((ProgressKind.ANNUAL, date(year, 1, 1)))
    return wanted


def overdue(
    session: Session, principal: Principal, now: datetime, settings: Settings
) -> list[Missing]:
    """Reports past their deadline and not submitted, oldest first (the overdue list)."""
    tasks = visible_tasks(session, principal)
    have = reports_of(session, [t.id for t in tasks])
    found = [
        Missing(task, kind, period, due(kind, period, settings.timezone))
        for task in tasks
        for kind, period in expected(task, now, settings.timezone)
        if (task.id, kind.value, period) not in have and now >= due(kind, period, settings.timezone)
    ]
    return sorted(found, key=lambda m: (m.due, m.task.number))


# -- indicators -------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def _area_organisations(session: Session, task: SupervisionTask) -> list[Organisation]:
    area = jurisdiction_subtree(session, task.jurisdiction_id)
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.jurisdiction_id.in_(area),
                Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]),
            )
            .order_by(Organisation.id)
        )
    )


def _resolutions(
    session: Session, task: SupervisionTask, now: datetime, settings: Settings
) -> list[responsibility.Resolution]:
    today = local_date(now, settings.timezone)
    return [
        r
        for r in responsibility.resolve_all(session, _area_organisations(session, task), today)
        if r.handles_hazchem
    ]


def _coverage(session: Session, task: SupervisionTask, now: datetime, s: Settings) -> Any:
    found = _resolutions(session, task, now, s)
    return _percent(sum(1 for r in found if not r.blind_spot), len(found))


def _blind_spots(session: Session, task: SupervisionTask, now: datetime, s: Settings) -> Any:
    return sum(1 for r in _resolutions(session, task, now, s) if r.blind_spot)


def _use_organisations(session: Session, task: SupervisionTask, now: datetime, s: Settings) -> Any:
    found = _resolutions(session, task, now, s)
    return sum(1 for r in found if SupervisionStage.USE in r.stages)


def _overdue_hidden_dangers(
    session: Session, task: SupervisionTask, now: datetime, _s: Settings
) -> Any:
    ids = [o.id for o in _area_organisations(session, task)]
    return int(
        session.scalar(
            select(func.count(HazardFinding.id)).where(
                HazardFinding.organisation_id.in_(ids),
                HazardFinding.state != HazardState.CLOSED,
                HazardFinding.deadline < now,
            )
        )
        or 0
    )


def _dispatch_closure(session: Session, task: SupervisionTask, now: datetime, s: Settings) -> Any:
    ids = [o.id for o in _area_organisations(session, task)]
    year = _local_start(date(local_date(now, s.timezone).year, 1, 1), s.timezone)
    states = list(
        session.scalars(
            select(DispatchOrder.state).where(
                DispatchOrder.organisation_id.in_(ids), DispatchOrder.dispatched_at >= year
            )
        )
    )
    return _percent(sum(1 for st in states if st == DispatchState.CLOSED), len(states))


def _duty_coverage(session: Session, task: SupervisionTask, now: datetime, _s: Settings) -> Any:
    if task.lead_department_id is None:
        return None
    start = now - DUTY_WINDOW
    shifts = session.scalars(
        select(DutyShift)
        .where(
            DutyShift.organisation_id == task.lead_department_id,
            DutyShift.ends_at > start,
            DutyShift.starts_at < now,
        )
        .order_by(DutyShift.starts_at)
    )
    covered, cursor = timedelta(0), start
    for shift in shifts:
        begin, end = max(as_utc(shift.starts_at), cursor), min(as_utc(shift.ends_at), now)
        if end > begin:
            covered += end - begin
            cursor = end
    return _percent(int(covered.total_seconds()), int(DUTY_WINDOW.total_seconds()))


def _incidents_reported_late(
    session: Session, task: SupervisionTask, now: datetime, _s: Settings
) -> Any:
    ids = [o.id for o in _area_organisations(session, task)]
    found = session.scalars(select(Incident).where(Incident.organisation_id.in_(ids)))
    return sum(1 for i in found if any(s.late or s.overdue for s in incidents.steps_of(i, now)))


Indicator = Callable[[Session, SupervisionTask, datetime, Settings], Any]
#: Indicator key → (unit, how it is computed). Labels: ``supervision.task.indicator.<key>``.
INDICATORS: dict[str, tuple[str, Indicator]] = {
    "supervision_coverage": ("%", _coverage),
    "blind_spots": ("", _blind_spots),
    "use_organisations": ("", _use_organisations),
    "overdue_hidden_dangers": ("", _overdue_hidden_dangers),
    "dispatch_closure": ("%", _dispatch_closure),
    "duty_coverage": ("%", _duty_coverage),
    "incidents_reported_late": ("", _incidents_reported_late),
}


def register_indicator(key: str, unit: str, compute: Indicator) -> None:
    """An indicator a package above supervision computes (the district's coverage
    indicators). ``compute`` answers a value, or a mapping with ``value`` and its
    ``numerator``, ``denominator``, ``target`` and ``missing`` count."""
    INDICATORS[key] = (unit, compute)


def indicators(
    session: Session, task: SupervisionTask, now: datetime, settings: Settings
) -> dict[str, Any]:
    """The task's indicators as the platform knows them now (None: nothing to count)."""
    found: dict[str, Any] = {}
    for key in task.indicators:
        if key in INDICATORS:
            unit, compute = INDICATORS[key]
            value = compute(session, task, now, settings)
            figure = dict(value) if isinstance(value, Mapping) else {"value": value}
            found[key] = {**figure, "unit": unit}
    return found


def indicator_text(values: dict[str, Any], language: str) -> str:
    parts = []
    for key, figure in values.items():
        value = "-" if figure.get("value") is None else f"{figure['value']}{figure.get('unit', '')}"
        if "denominator" in figure:
            value = translate(
                "supervision.task.indicator_ratio",
                language,
                value=value,
                numerator=figure["numerator"],
                denominator=figure["denominator"],
                target=figure["target"],
                missing=figure["missing"],
            )
        parts.append(f"{translate(f'supervision.task.indicator.{key}', language)}: {value}")
    return "; ".join(parts)


# -- reporting --------------------------------------------------------------------------------


def submit(
    session: Session,
    principal: Principal,
    now: datetime,
    settings: Settings,
    task_id: int,
    *,
    kind: ProgressKind,
    period: date,
    status: TaskStatus,
    progress: str,
    problems: str = "",
    next_steps: str = "",
) -> TaskProgress:
    """The lead department's report for a month (or the year-end summary); submitting again
    for the same period replaces it (audited). Indicators are filled in now."""
    task = get(session, principal, task_id)
    if not principal.is_platform_admin and principal.organisation_id != task.lead_department_id:
        raise Forbidden("supervision.task.not_lead", field="task_id")
    if not progress.strip():
        raise InvalidInput("supervision.task.progress_required", field="progress")
    period = normal_period(kind, period)
    current = normal_period(kind, month_of(now, settings.timezone))
    if period > current:
        raise InvalidInput("supervision.task.future_period", field="period")
    if period < normal_period(kind, month_of(as_utc(task.loaded_at), settings.timezone)):
        raise InvalidInput("supervision.task.before_loading", field="period")
    figures = indicators(session, task, now, settings)
    report = session.scalar(
        select(TaskProgress).where(
            TaskProgress.task_id == task.id,
            TaskProgress.kind == kind,
            TaskProgress.period == period,
        )
    )
    if report is None:
        report = TaskProgress(task_id=task.id, kind=kind, period=period)
        session.add(report)
    report.organisation_id = task.lead_department_id or principal.organisation_id or 0
    report.status = status
    report.progress = progress
    report.problems = problems
    report.next_steps = next_steps
    report.indicators = figures
    report.submitted_at = now
    report.submitted_by = principal.username
    report.late = now >= due(kind, period, settings.timezone)
    session.flush()
    return report


# -- reminders and overdue flags (the engine tick) --------------------------------------------


def remind(session: Session, now: datetime, settings: Settings) -> tuple[int, int]:
    """Remind each lead department of a report due soon, flag one past its deadline; each
    once. Returns (reminded, flagged)."""
    tasks = list(session.scalars(select(SupervisionTask).order_by(SupervisionTask.id)))
    have = reports_of(session, [t.id for t in tasks])
    sent = {
        (n.task_id, str(n.kind), n.period, n.stage)
        for n in session.scalars(
            select(TaskNotice).where(TaskNotice.task_id.in_([t.id for t in tasks]))
        )
    }
    reminded = flagged = 0
    for task in tasks:
        if task.lead_department_id is None:
            continue
        for kind, period in expected(task, now, settings.timezone):
            if (task.id, kind.value, period) in have:
                continue
            deadline = due(kind, period, settings.timezone)
            if now >= deadline:
                stage = "overdue"
            elif now >= remind_from(kind, period, settings.timezone):
                stage = "reminder"
            else:
                continue
            if (task.id, kind.value, period, stage) in sent:
                continue
            notice = TaskNotice(
                task_id=task.id,
                organisation_id=task.lead_department_id,
                kind=kind,
                period=period,
                stage=stage,
                at=now,
            )
            session.add(notice)
            session.flush()
            label = period.strftime("%Y-%m") if kind is ProgressKind.MONTHLY else period.year
            local_due = deadline.astimezone(ZoneInfo(settings.timezone))
            text = translate(
                f"supervision.task.notice.{stage}",
                settings.language,
                number=task.number,
                title=task.title,
                period=label,
                due=local_due.strftime("%Y-%m-%d %H:%M"),
            )
            notify_now(
                session,
                subject_type="task_progress",
                subject_id=notice.id,
                organisation_id=task.lead_department_id,
                target="duty_officer",
                message=(text, text),
                payload={"task_id": task.id, "period": period.isoformat(), "kind": kind.value},
                now=now,
            )
            if stage == "overdue":
                flagged += 1
            else:
                reminded += 1
    return reminded, flagged


# -- the two annexes ---------------------------------------------------------------------------


ANNEX1_COLUMNS = ("number", "task", "content", "lead", "partners", "deadline")
ANNEX2_COLUMNS = (
    "number",
    "task",
    "lead",
    "deadline",
    "progress",
    "status",
    "problems",
    "next_steps",
    "indicators",
    "submitted_at",
)


def _names(session: Session, tasks: Sequence[SupervisionTask]) -> dict[int, str]:
    ids = {t.lead_department_id for t in tasks} | {p for t in tasks for p in t.partner_ids}
    return responsibility.department_names(session, ids)


def _deadline_text(task: SupervisionTask, language: str) -> str:
    if task.deadline is None:
        return translate("supervision.task.standing", language)
    return task.deadline.isoformat()


def annex1(session: Session, tasks: Sequence[SupervisionTask], language: str) -> Ledger:
    """附件1 工作任务责任分解表: task, lead department, partners, deadline."""
    names = _names(session, tasks)
    return Ledger(
        title=translate("supervision.task.annex1", language),
        subtitle=SOURCE,
        header=[translate(f"supervision.task.column.{c}", language) for c in ANNEX1_COLUMNS],
        rows=[
            [
                t.number,
                t.title,
                t.content,
                names.get(t.lead_department_id or 0, ""),
                "、".join(names.get(p, "") for p in t.partner_ids),
                _deadline_text(t, language),
            ]
            for t in tasks
        ],
    )


def annex2(
    session: Session,
    tasks: Sequence[SupervisionTask],
    period: date,
    language: str,
    timezone: str,
    kind: ProgressKind = ProgressKind.MONTHLY,
) -> Ledger:
    """附件2 工作进度表 for one month (or the year-end summary): each task's reported
    progress, or an empty row marked not reported."""
    names = _names(session, tasks)
    period = normal_period(kind, period)
    have = reports_of(session, [t.id for t in tasks])
    rows = []
    for t in tasks:
        report = have.get((t.id, kind.value, period))
        status = (
            TaskStatus(report.status).label(language)
            if report
            else translate("supervision.task.not_reported", language)
        )
        rows.append(
            [
                t.number,
                t.title,
                names.get(t.lead_department_id or 0, ""),
                _deadline_text(t, language),
                report.progress if report else "",
                status,
                report.problems if report else "",
                report.next_steps if report else "",
                indicator_text(report.indicators, language) if report else "",
                (
                    as_utc(report.submitted_at)
                    .astimezone(ZoneInfo(timezone))
                    .strftime("%Y-%m-%d %H:%M")
                    if report
                    else ""
                ),
            ]
        )
    label = period.strftime("%Y-%m") if kind is ProgressKind.MONTHLY else str(period.year)
    return Ledger(
        title=translate(f"supervision.task.annex2.{kind.value}", language, period=label),
        subtitle=SOURCE,
        header=[translate(f"supervision.task.column.{c}", language) for c in ANNEX2_COLUMNS],
        rows=rows,
    )
