"""Task decomposition and monthly progress over HTTP (issue 15 item 7): the tasks of the
caller's area, the lead department's reports, the overdue list and the two annexes."""

from __future__ import annotations

from datetime import date

from fastapi import Request, Response

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.supervision.choices import ProgressKind
from hazwatch.supervision.tasks import service, views
from hazwatch.supervision.tasks.schemas import (
    LoadIn,
    MissingOut,
    ProgressIn,
    ProgressOut,
    TaskOut,
)

router = Router(prefix="/api/supervision/tasks", tags=["supervision"])


@router.get("", response_model=list[TaskOut])
def list_tasks(
    request: Request, db: DbSession, principal: CurrentPrincipal, jurisdiction_id: Id | None = None
) -> list[TaskOut]:
    """The task table (Annex 1) of the caller's area and the levels above it, with this
    month's report of each and whether it is overdue (regulators only)."""
    context = get_context(request)
    tasks = service.visible_tasks(db, principal, jurisdiction_id)
    return views.task_outs(db, tasks, context.clock.now(), context.settings, language_of(request))


@router.post("/load", status_code=201, response_model=list[TaskOut])
def load_tasks(
    body: LoadIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[TaskOut]:
    """Load seed 001's tasks for a jurisdiction of the caller's area (once per task)."""
    context = get_context(request)
    now = context.clock.now()
    tasks = service.load(db, principal, now, body.jurisdiction_id)
    return views.task_outs(db, tasks, now, context.settings, language_of(request))


@router.get("/overdue", response_model=list[MissingOut])
def overdue(request: Request, db: DbSession, principal: CurrentPrincipal) -> list[MissingOut]:
    """Reports past their deadline (the 28th; 10 December) that were not submitted."""
    context = get_context(request)
    found = service.overdue(db, principal, context.clock.now(), context.settings)
    return views.missing_outs(db, found)


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/annex1.xlsx", response_class=Response)
def annex1(
    request: Request, db: DbSession, principal: CurrentPrincipal, jurisdiction_id: Id | None = None
) -> Response:
    """Annex 1 (工作任务责任分解表) as an Excel file."""
    tasks = service.visible_tasks(db, principal, jurisdiction_id)
    return _xlsx(workbook(service.annex1(db, tasks, language_of(request))), "annex1-tasks.xlsx")


@router.get("/annex2.xlsx", response_class=Response)
def annex2(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    period: date | None = None,
    kind: ProgressKind = ProgressKind.MONTHLY,
    jurisdiction_id: Id | None = None,
) -> Response:
    """Annex 2 (工作进度表) for a month (default this one), or the year-end summary."""
    context = get_context(request)
    tasks = service.visible_tasks(db, principal, jurisdiction_id)
    month = period or service.month_of(context.clock.now(), context.settings.timezone)
    ledger = service.annex2(db, tasks, month, language_of(request), context.settings.timezone, kind)
    return _xlsx(workbook(ledger), f"annex2-progress-{month:%Y-%m}.xlsx")


@router.get("/{task_id}", response_model=TaskOut)
def get_task(task_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal) -> TaskOut:
    context = get_context(request)
    task = service.get(db, principal, task_id)
    return views.task_outs(db, [task], context.clock.now(), context.settings, language_of(request))[
        0
    ]


@router.post("/{task_id}/progress", status_code=201, response_model=ProgressOut)
def submit_progress(
    task_id: Id, body: ProgressIn, request: Request, db: DbSession, principal: CurrentPrincipal
) -> ProgressOut:
    """The lead department's report for a month (due before the 28th) or the year-end
    summary (before 10 December); indicators the platform knows are filled in."""
    context = get_context(request)
    report = service.submit(
        db,
        principal,
        context.clock.now(),
        context.settings,
        task_id,
        **body.model_dump(),
    )
    return views.progress_out(report, language_of(request))
