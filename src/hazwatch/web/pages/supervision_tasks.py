"""Task decomposition and monthly progress (issue 15 item 7): the district's task table with
this month's report of each (overdue red), the overdue list, the lead department's report
form, and the two annexes as Excel downloads."""

from __future__ import annotations

from datetime import date

from nicegui import ui

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import DomainError
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.supervision.choices import ProgressKind, TaskStatus
from hazwatch.supervision.tasks import service, views
from hazwatch.supervision.tasks.schemas import TaskOut
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language, local_time
from hazwatch.web.widgets import badge


@ui.page("/supervision/tasks")
def tasks_page() -> None:
    who = session.require("/supervision/tasks")
    if who is None:
        return
    frame("web.nav.tasks", who)
    context = state.context()
    lang = language()
    now = context.clock.now()
    if who.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        ui.label(_t("supervision.regulators_only"))
        return
    with context.unit_of_work(who) as db:
        tasks = service.visible_tasks(db, who)
        shown = views.task_outs(db, tasks, now, context.settings, lang)
        late = views.missing_outs(db, service.overdue(db, who, now, context.settings))
    ui.label(_t("web.tasks.title")).classes("text-h6")
    month = service.month_of(now, context.settings.timezone)
    if shown:
        ui.label(
            _t("web.tasks.month", month=f"{month:%Y-%m}", due=local_time(shown[0].month_due))
        ).classes("text-caption")
    with ui.row().classes("gap-2"):
        ui.button(
            _t("web.tasks.annex1"), icon="download", on_click=lambda: _annex(who, 1, month)
        ).props("data-testid=annex1")
        ui.button(
            _t("web.tasks.annex2"), icon="download", on_click=lambda: _annex(who, 2, month)
        ).props("data-testid=annex2")
    ui.label(_t("web.tasks.overdue_list")).classes("text-subtitle1")
    if not late:
        ui.label(_t("web.tasks.no_overdue")).classes("text-positive")
    with ui.column().classes("gap-0").props("data-testid=overdue-list"):
        for missing in late[:30]:
            period = (
                f"{missing.period:%Y-%m}"
                if missing.kind is ProgressKind.MONTHLY
                else str(missing.period.year)
            )
            ui.label(
                f"{missing.number}. {missing.title} · {missing.lead_department} · {period}"
            ).classes("text-negative text-caption")
    if not shown:
        ui.label(_t("web.tasks.no_tasks"))
    for task in shown:
        _task_card(who, task, lang)


def _task_card(who: Principal, task: TaskOut, lang: str) -> None:
    with ui.card().classes("w-full gap-1").props(f"data-testid=task-{task.number}"):
        with ui.row().classes("items-center gap-2 w-full"):
            if task.month_report is not None:
                status = TaskStatus(task.month_report.status)
                badge(task.month_report.status_label, status.colour, "status")
            elif task.month_overdue:
                badge(_t("web.tasks.overdue"), "red", "overdue")
            else:
                badge(_t("web.tasks.not_reported"), "grey", "not-reported")
            ui.label(f"{task.number}. {task.title}").classes("text-weight-bold grow")
        ui.label(task.content).classes("text-caption")
        deadline = str(task.deadline) if task.deadline else _t("supervision.task.standing")
        ui.label(
            f"{_t('web.tasks.lead')}: {task.lead_department} · "
            f"{_t('web.tasks.partners')}: {'、'.join(task.partners) or '-'} · "
            f"{_t('web.tasks.deadline')}: {deadline}"
        ).classes("text-caption text-grey-8")
        if task.month_report is not None:
            ui.label(task.month_report.progress).classes("text-caption")
            if task.month_report.indicators_text:
                ui.label(
                    f"{_t('web.tasks.indicators')}: {task.month_report.indicators_text}"
                ).classes("text-caption text-grey-8")
        if who.is_platform_admin or who.organisation_id == task.lead_department_id:
            _report_form(who, task, lang)


def _report_form(who: Principal, task: TaskOut, lang: str) -> None:
    with (
        ui.expansion(_t("web.tasks.report"))
        .classes("w-full")
        .props(f"data-testid=report-{task.number}")
    ):
        status = ui.select(
            {s.value: s.label(lang) for s in TaskStatus},
            label=_t("web.tasks.status"),
            value=TaskStatus.IN_PROGRESS.value,
        ).props("data-testid=report-status")
        progress = (
            ui.textarea(_t("web.tasks.progress")).classes("w-full").props("data-testid=progress")
        )
        problems = ui.textarea(_t("web.tasks.problems")).classes("w-full")
        steps = ui.textarea(_t("web.tasks.next_steps")).classes("w-full")
        ui.button(
            _t("web.tasks.submit"),
            on_click=lambda: _submit(
                who,
                task.id,
                status=str(status.value),
                progress=progress.value or "",
                problems=problems.value or "",
                next_steps=steps.value or "",
            ),
        ).props("data-testid=report-submit")


def _submit(who: Principal, task_id: int, **values: str) -> None:
    context = state.context()
    now = context.clock.now()
    try:
        with context.unit_of_work(who) as db:
            service.submit(
                db,
                who,
                now,
                context.settings,
                task_id,
                kind=ProgressKind.MONTHLY,
                period=service.month_of(now, context.settings.timezone),
                status=TaskStatus(values["status"]),
                progress=values["progress"],
                problems=values["problems"],
                next_steps=values["next_steps"],
            )
    except DomainError as error:
        ui.notify(_t(error.code, **error.params), type="negative")
        return
    ui.notify(_t("web.tasks.submitted"), type="positive")
    ui.navigate.reload()


def _annex(who: Principal, annex: int, month: date) -> None:
    context = state.context()
    lang = language()
    with context.unit_of_work(who) as db:
        tasks = service.visible_tasks(db, who)
        if annex == 1:
            ledger = service.annex1(db, tasks, lang)
        else:
            ledger = service.annex2(db, tasks, month, lang, context.settings.timezone)
    name = "annex1-tasks.xlsx" if annex == 1 else f"annex2-progress-{month:%Y-%m}.xlsx"
    ui.download(workbook(ledger), name, XLSX)
