"""Task answers for the API, the CLI and the console (one shape for all three)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from hazwatch.core.settings import Settings
from hazwatch.supervision import responsibility
from hazwatch.supervision.choices import ProgressKind, TaskStatus
from hazwatch.supervision.models import SupervisionTask, TaskProgress
from hazwatch.supervision.tasks import service
from hazwatch.supervision.tasks.schemas import MissingOut, ProgressOut, TaskOut


def progress_out(report: TaskProgress, language: str) -> ProgressOut:
    return ProgressOut(
        id=report.id,
        task_id=report.task_id,
        kind=ProgressKind(report.kind),
        period=report.period,
        status=TaskStatus(report.status),
        status_label=TaskStatus(report.status).label(language),
        progress=report.progress,
        problems=report.problems,
        next_steps=report.next_steps,
        indicators=report.indicators,
        indicators_text=service.indicator_text(report.indicators, language),
        submitted_at=report.submitted_at,
        submitted_by=report.submitted_by,
        late=report.late,
    )


def task_outs(
    session: Session,
    tasks: Sequence[SupervisionTask],
    now: datetime,
    settings: Settings,
    language: str,
) -> list[TaskOut]:
    month = service.month_of(now, settings.timezone)
    month_due = service.due(ProgressKind.MONTHLY, month, settings.timezone)
    names = responsibility.department_names(
        session,
        {t.lead_department_id for t in tasks} | {p for t in tasks for p in t.partner_ids},
    )
    reports = service.reports_of(session, [t.id for t in tasks])
    by_task: dict[int, list[TaskProgress]] = {}
    for report in reports.values():
        by_task.setdefault(report.task_id, []).append(report)
    shown = []
    for task in tasks:
        current = reports.get((task.id, ProgressKind.MONTHLY.value, month))
        own = sorted(by_task.get(task.id, []), key=lambda r: (r.period, r.kind), reverse=True)
        shown.append(
            TaskOut(
                id=task.id,
                jurisdiction_id=task.jurisdiction_id,
                number=task.number,
                section=task.section,
                title=task.title,
                content=task.content,
                lead_department_id=task.lead_department_id,
                lead_department=names.get(task.lead_department_id or 0, ""),
                partner_ids=task.partner_ids,
                partners=[names.get(p, "") for p in task.partner_ids],
                deadline=task.deadline,
                source=task.source,
                indicator_keys=task.indicators,
                month=month,
                month_due=month_due,
                month_report=progress_out(current, language) if current else None,
                month_overdue=current is None and now >= month_due,
                reports=[progress_out(r, language) for r in own],
            )
        )
    return shown


def missing_outs(session: Session, missing: Sequence[service.Missing]) -> list[MissingOut]:
    names = responsibility.department_names(session, {m.task.lead_department_id for m in missing})
    return [
        MissingOut(
            task_id=m.task.id,
            number=m.task.number,
            title=m.task.title,
            lead_department_id=m.task.lead_department_id,
            lead_department=names.get(m.task.lead_department_id or 0, ""),
            kind=m.kind,
            period=m.period,
            due=m.due,
        )
        for m in missing
    ]
