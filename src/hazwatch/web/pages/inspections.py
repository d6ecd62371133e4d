"""Inspections: the plans (overdue ones flagged) and recent rounds; each inspection point's
round form, which its QR code opens on a phone; the printable QR sheet and the records'
ledger. A failed item opens its hidden danger as the round is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui
from starlette.requests import Request

from hazwatch.core import qr
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.emergency import service as emergency
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.service import Moment, local_deadline, may_run_loop
from hazwatch.prevention.inspections import service, views
from hazwatch.prevention.inspections.choices import AnswerKind, PlanStatus
from hazwatch.prevention.inspections.models import ChecklistItem
from hazwatch.prevention.inspections.schemas import AnswerIn, PlanOut, RecordIn, RecordOut
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.web import session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import THUMB_SIZED, frame
from hazwatch.web.pages.hidden_dangers import print_ledger
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge

#: Rounds shown on the overview (the ledger has them all).
RECENT_DAYS = 30


def plan_card(plan: PlanOut, *, link: bool = True) -> None:
    status = PlanStatus(plan.status)
    with ui.card().classes("w-full gap-1").props(f"data-testid=plan-{plan.id}"):
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(plan.name).classes("text-weight-bold grow")
            badge(label(status), status.colour, "plan-status")
        ui.label(
            _t(
                "web.insp.plan_line",
                point=plan.point,
                frequency=plan.frequency_label,
                assignee=plan.assignee,
                due=local_time(plan.next_due, "%Y-%m-%d %H:%M"),
            )
        ).classes("text-caption")
        if plan.upcoming[1:]:
            ui.label(
                _t(
                    "web.insp.upcoming",
                    dates="、".join(local_time(d, "%m-%d %H:%M") for d in plan.upcoming[1:]),
                )
            ).classes("text-caption text-grey-7")
        if link:
            ui.link(_t("web.insp.open_form"), f"/inspections/points/{plan.point_id}")


@ui.page("/inspections")
def inspections_page() -> None:
    who = session.require("/inspections")
    if who is None:
        return
    frame("web.nav.inspections", who)
    context = state.context()
    now = context.clock.now()
    with context.unit_of_work(who) as db:
        plans = [
            views.plan_out(db, p, now, language(), context.settings.timezone)
            for p in service.list_plans(db, who, now)
        ]
        since = now - timedelta(days=RECENT_DAYS)
        records = [views.record_out(db, r) for r in service.list_records(db, who, since=since)]
    with ui.row().classes("gap-2"):
        ui.button(
            _t("web.insp.qr_sheet"),
            icon="qr_code_2",
            on_click=lambda: ui.navigate.to("/inspections/qr", new_tab=True),
        ).props("flat data-testid=qr-sheet")
        ui.button(
            _t("web.hd.print"),
            icon="print",
            on_click=lambda: ui.navigate.to("/inspections/ledger", new_tab=True),
        ).props("flat")
        ui.button(_t("web.hd.excel"), icon="download", on_click=lambda: _download(who)).props(
            "flat"
        )
    ui.label(_t("web.insp.plans")).classes("text-h6")
    if not plans:
        ui.label(_t("web.insp.no_plans")).classes("text-grey-7")
    with (
        ui.element("div")
        .classes("w-full grid gap-3")
        .style("grid-template-columns: repeat(auto-fill, minmax(300px, 1fr))")
    ):
        for plan in plans:
            plan_card(plan)
    ui.label(_t("web.insp.recent", days=RECENT_DAYS)).classes("text-h6")
    for record in records:
        failed = [a for a in record.answers if not a.passed]
        with ui.row().classes("items-center gap-2 w-full").props(f"data-testid=record-{record.id}"):
            ui.label(local_time(record.at, "%m-%d %H:%M")).classes("text-caption")
            ui.label(f"{record.point} · {record.inspector}")
            badge(
                _t("inspection.result.pass" if record.passed else "inspection.result.fail"),
                "green" if record.passed else "red",
            )
            for answer in failed:
                if answer.hazard_finding_id is not None:
                    ui.link(answer.text, f"/hidden-dangers/{answer.hazard_finding_id}")


def _download(who: Principal) -> None:
    context = state.context()
    with context.unit_of_work(who) as db:
        shown = [views.record_out(db, r) for r in service.list_records(db, who)]
        book = views.ledger(db, shown, context.clock.now(), language(), context.settings.timezone)
    ui.download(workbook(book), "inspection-records.xlsx", XLSX)


@ui.page("/inspections/ledger")
def inspections_ledger_page() -> None:
    who = session.require("/inspections/ledger")
    if who is None:
        return
    context = state.context()
    with context.unit_of_work(who) as db:
        shown = [views.record_out(db, r) for r in service.list_records(db, who)]
        book = views.ledger(db, shown, context.clock.now(), language(), context.settings.timezone)
    print_ledger(book)


@ui.page("/inspections/qr")
def qr_sheet_page(request: Request) -> None:
    """Labels to print and stick on inspection points and breathing apparatus."""
    who = session.require("/inspections/qr")
    if who is None:
        return
    ui.page_title(f"{_t('web.insp.qr_sheet')} · HazWatch")
    context = state.context()
    base = str(request.base_url)
    with context.unit_of_work(who) as db:
        labels = [
            (p.name, p.code, views.point_out(p).form_path) for p in service.list_points(db, who)
        ]
        labels += [
            (_t("web.insp.scba_label", holder=s.holder or "—"), s.code, f"/scba/{s.code}")
            for s in emergency.list_sets(db, who)
        ]
    ui.add_head_html(THUMB_SIZED)
    ui.add_head_html("<style>@media print { .no-print { display: none !important; } }</style>")
    ui.button(
        _t("web.hd.print"), icon="print", on_click=lambda: ui.run_javascript("print()")
    ).classes("no-print")
    with (
        ui.element("div")
        .classes("w-full grid gap-4")
        .style("grid-template-columns: repeat(auto-fill, minmax(200px, 1fr))")
    ):
        for name, code, path in labels:
            url = qr.console_url(context.settings, base, path)
            with (
                ui.column()
                .classes("items-center gap-1 p-2")
                .style("border: 1px dashed #999; break-inside: avoid")
                .props(f"data-testid=qr-{code}")
            ):
                ui.html(qr.svg(url, scale=4), sanitize=False)
                ui.label(name).classes("text-weight-bold text-center")
                ui.label(code).classes("text-caption")
                ui.label(url).classes("text-caption text-grey-7").style("word-break: break-all")


@ui.page("/inspections/points/{point_id}")
def point_page(point_id: int) -> None:
    """The round form a phone opens from the point's QR code."""
    path = f"/inspections/points/{point_id}"
    who = session.require(path)
    if who is None:
        return
    frame("web.nav.inspections", who)
    context = state.context()
    now = context.clock.now()
    try:
        with context.unit_of_work(who) as db:
            point = service.get_point(db, who, point_id)
            name, organisation_id = point.name, point.organisation_id
            active = {
                p.id: p.name
                for p in service.list_plans(db, who, now, point_id=point_id)
                if p.active
            }
            writer = may_run_loop(db, who, organisation_id)
    except DomainError:
        ui.label(_t("scope.not_found")).classes("text-h6")
        return
    ui.label(name).classes("text-h5").props("data-testid=point-name")
    if not active:
        ui.label(_t("web.insp.no_plans")).classes("text-grey-7")
        return
    plan_select = ui.select(active, value=next(iter(active)), label=_t("web.insp.plan"))
    plan_select.classes("w-full")
    result = ui.column().classes("w-full gap-1").props("data-testid=round-result")
    form = ui.column().classes("w-full gap-2")

    def draw() -> None:
        with context.unit_of_work(who) as db:
            plan = service.get_plan(db, who, plan_select.value)
            shown = views.plan_out(
                db, plan, context.clock.now(), language(), context.settings.timezone
            )
        form.clear()
        with form:
            plan_card(shown, link=False)
            if writer:
                _round_form(who, plan_select.value, saved)

    def saved(record: RecordOut) -> None:
        """The round is stored: its outcome on top, a fresh form for the next round."""
        result.clear()
        with result:
            passed = "web.insp.passed" if record.passed else "web.insp.failed"
            ui.label(_t(passed)).classes("text-h6")
            for answer in record.answers:
                if answer.hazard_finding_id is not None:
                    ui.link(
                        _t("web.insp.opened", item=answer.text),
                        f"/hidden-dangers/{answer.hazard_finding_id}",
                    ).props(f"data-testid=opened-{answer.item_id}")
        draw()

    def switch() -> None:
        result.clear()
        draw()

    plan_select.on_value_change(switch)
    draw()


def _round_form(who: Principal, plan_id: int, saved: Callable[[RecordOut], None]) -> None:
    context = state.context()
    with context.unit_of_work(who) as db:
        plan = service.get_plan(db, who, plan_id)
        items = list(service.get_template(db, who, plan.template_id).items)
    fields: dict[str, Any] = {}
    rows: list[tuple[ChecklistItem, Any, Any, Any]] = []
    with ui.card().classes("w-full gap-3").props("data-testid=round-form"):
        for index, item in enumerate(items):
            with ui.column().classes("w-full gap-1").props(f"data-testid=item-{index}"):
                ui.label(f"{index + 1}. {item.text}").classes("text-weight-medium")
                if item.kind == AnswerKind.YES_NO:
                    answer: Any = ui.toggle(
                        {True: _t("web.insp.yes"), False: _t("web.insp.no")}, value=None
                    ).props(f"data-testid=answer-{index}")
                    fields[f"answers.{index}.yes"] = answer
                else:
                    answer = ui.input(_t("web.insp.value", unit=item.unit or "")).props(
                        f"inputmode=decimal data-testid=answer-{index}"
                    )
                    fields[f"answers.{index}.value"] = answer
                note = (
                    ui.input(_t("web.insp.note"))
                    .classes("w-full")
                    .props(f"dense data-testid=note-{index}")
                )
                deadline = None
                if item.grade == HazardGrade.MAJOR:
                    deadline = ui.input(_t("web.insp.major_deadline")).props(
                        f"type=date stack-label data-testid=deadline-{index}"
                    )
                    fields[f"answers.{index}.deadline"] = deadline
                rows.append((item, answer, note, deadline))
        general = ui.label("").classes("text-negative").props("data-testid=round-error")

        def submit() -> None:
            clear_errors(fields, general)
            try:
                answers = [_answer(index, *row) for index, row in enumerate(rows)]
                with context.unit_of_work(who) as db:
                    entry = service.record(
                        db, who, Moment.of(context), RecordIn(plan_id=plan_id, answers=answers)
                    )
                    record = views.record_out(db, entry)
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            saved(record)

        ui.button(_t("web.insp.save_round"), on_click=submit).props("data-testid=save-round")


def _answer(index: int, item: ChecklistItem, answer: Any, note: Any, deadline: Any) -> AnswerIn:
    timezone = state.context().settings.timezone
    value = None
    if item.kind == AnswerKind.NUMBER and (answer.value or "").strip():
        try:
            value = Decimal(str(answer.value).strip())
        except InvalidOperation:
            raise InvalidInput(
                "inspection.answer_missing", field=f"answers.{index}.value"
            ) from None
    due = None
    if deadline is not None:
        try:
            due = local_deadline(deadline.value, timezone)
        except DomainError as exc:
            raise InvalidInput(exc.code, field=f"answers.{index}.deadline", **exc.params) from None
    return AnswerIn(
        item_id=item.id,
        yes=answer.value if item.kind == AnswerKind.YES_NO else None,
        value=value,
        note=note.value or "",
        deadline=due,
    )
