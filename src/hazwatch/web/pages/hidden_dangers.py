"""Hidden dangers: the ledger with filters (state, grade, overdue, organisation), a report
form, and each hidden danger's page with its timeline, attachments and the form for the next
step of the loop. What a person may do is what the service allows them (the same checks as
the API); a refusal is shown at the field it names."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import events, run, ui

from hazwatch.attachments import service as attachments
from hazwatch.attachments.models import Attachment
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.core.scope import visible_organisations
from hazwatch.monitoring.escalation.service import progress
from hazwatch.prevention.hazard_findings import service, views
from hazwatch.prevention.hazard_findings.choices import (
    AttachmentStage,
    HazardAction,
    HazardGrade,
    HazardState,
)
from hazwatch.prevention.hazard_findings.schemas import HazardDetailOut, HazardOut
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.registry import service as registry
from hazwatch.registry.resources import resource
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import clear_errors, require_filled, show_error
from hazwatch.web.layout import THUMB_SIZED, frame
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge, escalation_badges

#: Images up to this size are shown inline; larger files are offered as downloads.
INLINE_IMAGE_BYTES = 2 * 1024 * 1024


def badges(shown: HazardOut) -> None:
    if shown.grade:
        badge(shown.grade_label or "", HazardGrade(shown.grade).colour, "grade")
    badge(shown.state_label, HazardState(shown.state).colour, "state")
    if shown.overdue:
        badge(_t("web.hd.overdue"), "red", "overdue")
    if shown.reported_to_regulator_at:
        badge(_t("web.hd.reported"), "orange", "reported")


@ui.page("/hidden-dangers")
def hidden_dangers_page(overdue: bool | None = None) -> None:
    who = session.require("/hidden-dangers")
    if who is None:
        return
    frame("web.nav.hidden_dangers", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        visible = visible_organisations(db, who)
        organisations = registry_form.options(db, who, "organisations")
        writable = {o: n for o, n in organisations.items() if service.may_run_loop(db, who, o)}
    if visible is not None:
        organisations = {o: n for o, n in organisations.items() if o in visible}
    everything = _t("web.hd.all")
    with ui.row().classes("w-full items-end gap-3"):
        state_filter = (
            ui.select(
                {None: everything} | {s.value: label(s) for s in HazardState},
                value=None,
                label=_t("web.hd.state"),
            )
            .classes("w-40")
            .props("data-testid=filter-state")
        )
        grade_filter = (
            ui.select(
                {None: everything} | {g.value: label(g) for g in HazardGrade},
                value=None,
                label=_t("web.hd.grade"),
            )
            .classes("w-32")
            .props("data-testid=filter-grade")
        )
        overdue_filter = (
            ui.select(
                {None: everything, True: _t("web.hd.overdue"), False: _t("web.hd.not_overdue")},
                value=overdue,
                label=_t("web.hd.deadline"),
            )
            .classes("w-32")
            .props("data-testid=filter-overdue")
        )
        organisation_filter = (
            ui.select(
                {None: everything} | organisations,
                value=None,
                label=_t("web.field.organisation_id"),
            )
            .classes("w-56")
            .props("data-testid=filter-organisation")
        )
        ui.space()
        if writable:
            ui.button(
                _t("web.hd.report"), icon="add", on_click=lambda: _report_dialog(who, writable)
            ).props("data-testid=report")

    def filters() -> dict[str, Any]:
        return {
            "state": HazardState(state_filter.value) if state_filter.value else None,
            "grade": HazardGrade(grade_filter.value) if grade_filter.value else None,
            "overdue": overdue_filter.value,
            "organisation_id": organisation_filter.value,
        }

    def shown() -> list[HazardOut]:
        now = context.clock.now()
        with context.unit_of_work(who) as db:
            found = service.list_findings(db, who, now, **filters())
            return views.outs(db, who, found, now, language())

    with ui.row().classes("gap-2"):
        ui.button(_t("web.hd.excel"), icon="download", on_click=lambda: _download(shown())).props(
            "flat data-testid=excel"
        )
        ui.button(
            _t("web.hd.print"),
            icon="print",
            on_click=lambda: ui.navigate.to("/hidden-dangers/ledger", new_tab=True),
        ).props("flat data-testid=print")

    @ui.refreshable
    def listing() -> None:
        rows = shown()
        if not rows:
            ui.label(_t("web.hd.none")).classes("text-grey-7")
        for one in rows:
            with (
                ui.link(target=f"/hidden-dangers/{one.id}").classes(
                    "no-underline text-inherit w-full"
                ),
                ui.card().classes("w-full gap-1").props(f"data-testid=hazard-{one.id}"),
            ):
                with ui.row().classes("items-center gap-2 w-full"):
                    ui.label(one.number).classes("text-caption text-grey-7")
                    ui.label(one.title).classes("text-weight-bold grow")
                    badges(one)
                ui.label(
                    _t(
                        "web.hd.line",
                        organisation=one.organisation,
                        location=one.place or "—",
                        deadline=local_time(one.deadline, "%Y-%m-%d %H:%M"),
                    )
                ).classes("text-caption")

    for element in (state_filter, grade_filter, overdue_filter, organisation_filter):
        element.on_value_change(listing.refresh)
    listing()


def _download(rows: list[HazardOut]) -> None:
    context = state.context()
    book = views.ledger(rows, context.clock.now(), language(), context.settings.timezone)
    ui.download(workbook(book), "hidden-dangers.xlsx", XLSX)


def _report_dialog(who: Principal, organisations: dict[int, str]) -> None:
    context = state.context()
    with ui.dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
        ui.label(_t("web.hd.report")).classes("text-h6")
        first = next(iter(organisations))
        organisation = ui.select(
            organisations, value=first, label=_t("web.field.organisation_id")
        ).classes("w-full")
        title = ui.input(_t("web.hd.title")).classes("w-full").props("data-testid=field-title")
        description = ui.textarea(_t("web.hd.description")).classes("w-full")
        room = ui.select({}, label=_t("web.field.room_id"), clearable=True).classes("w-full")
        room.props("data-testid=field-room_id")
        location = ui.input(_t("web.hd.location")).classes("w-full")

        def rooms_of(organisation_id: int | None) -> None:
            with context.unit_of_work(who) as db:
                rooms = registry.list_objects(
                    db, who, resource("rooms"), filters={"organisation_id": organisation_id}
                )
                room.options = {r.id: r.name for r in rooms}
            room.value = None
            room.update()

        organisation.on_value_change(lambda e: rooms_of(e.value))
        rooms_of(first)
        general = ui.label("").classes("text-negative")
        fields = {"organisation_id": organisation, "title": title, "room_id": room}

        def submit() -> None:
            clear_errors(fields, general)
            if not require_filled(fields, ("title",)):
                return
            try:
                with context.unit_of_work(who) as db:
                    finding = service.report(
                        db,
                        who,
                        service.Moment.of(context),
                        organisation_id=int(organisation.value),
                        title=title.value or "",
                        description=description.value or "",
                        room_id=room.value,
                        location=location.value or "",
                    )
                    finding_id = finding.id
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            dialog.close()
            ui.navigate.to(f"/hidden-dangers/{finding_id}")

        with ui.row().classes("justify-end w-full"):
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
            ui.button(_t("web.hd.submit_report"), on_click=submit).props(
                "data-testid=submit-report"
            )
    dialog.open()


# -- the print-ready ledger ------------------------------------------------------------------


@ui.page("/hidden-dangers/ledger")
def hidden_dangers_ledger_page() -> None:
    who = session.require("/hidden-dangers/ledger")
    if who is None:
        return
    context = state.context()
    now = context.clock.now()
    with context.unit_of_work(who) as db:
        rows = views.outs(db, who, service.list_findings(db, who, now), now, language())
    print_ledger(views.ledger(rows, now, language(), context.settings.timezone))


def print_ledger(book: Any) -> None:
    """A ledger as a page made for paper: landscape A4, a repeated header row, no frame."""
    ui.page_title(f"{book.title} · HazWatch")
    ui.add_head_html(THUMB_SIZED)
    ui.add_head_html(
        "<style>@page { size: A4 landscape; margin: 12mm; }"
        ".ledger { border-collapse: collapse; width: 100%; font-size: 11px; }"
        ".ledger th, .ledger td { border: 1px solid #999; padding: 3px 5px; vertical-align: top;"
        " white-space: pre-wrap; } .ledger thead { display: table-header-group; }"
        "@media print { .no-print { display: none !important; } }</style>"
    )
    with ui.row().classes("no-print gap-2"):
        ui.button(_t("web.hd.print"), icon="print", on_click=lambda: ui.run_javascript("print()"))
        ui.button(
            _t("web.hd.excel"),
            icon="download",
            on_click=lambda: ui.download(workbook(book), "ledger.xlsx", XLSX),
        ).props("flat")
    ui.label(book.title).classes("text-h5")
    ui.label(book.subtitle).classes("text-caption")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in book.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in row) + "</tr>"
        for row in book.rows
    )
    ui.html(
        f'<table class="ledger" data-testid="ledger"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>",
        sanitize=False,
    ).classes("w-full").style("overflow-x: auto")  # a phone scrolls the table, not the page


# -- one hidden danger -----------------------------------------------------------------------


@ui.page("/hidden-dangers/{finding_id}")
def hidden_danger_page(finding_id: int) -> None:
    path = f"/hidden-dangers/{finding_id}"
    who = session.require(path)
    if who is None:
        return
    frame("web.nav.hidden_dangers", who)
    context = state.context()

    def load() -> HazardDetailOut | None:
        try:
            with context.unit_of_work(who) as db:
                return views.detail(db, who, finding_id, context.clock.now(), language())
        except DomainError:
            return None

    @ui.refreshable
    def body() -> None:
        shown = load()
        if shown is None:
            ui.label(_t("scope.not_found")).classes("text-h6")
            return
        _summary(shown)
        with context.unit_of_work(who) as db:
            escalation_badges(progress(db, service.SUBJECT, finding_id))
        with ui.row().classes("w-full gap-4 items-start"):
            with ui.column().classes("grow gap-4").style("min-width: min(100%, 28rem)"):
                if shown.next_actions:
                    _next_step(who, shown, body.refresh)
                _attachments(who, shown, body.refresh)
            _timeline(shown)

    body()


def _summary(shown: HazardDetailOut) -> None:
    with ui.card().classes("w-full gap-1").props("data-testid=summary"):
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(shown.number).classes("text-caption text-grey-7")
            ui.label(shown.title).classes("text-h6 grow").props("data-testid=title")
            badges(shown)
        facts = [
            ("web.field.organisation_id", shown.organisation),
            ("web.hd.location", shown.place or "—"),
            ("web.hd.reported_by", f"{shown.reported_by} · {local_time(shown.reported_at)}"),
            ("web.hd.deadline", local_time(shown.deadline, "%Y-%m-%d %H:%M")),
        ]
        if shown.measures:
            facts += [
                ("web.hd.measures", shown.measures),
                ("web.hd.responsible_person", shown.responsible_person),
                ("web.hd.funds_yuan", f"{shown.funds_yuan}"),
                ("web.hd.contingency_plan", shown.contingency_plan),
            ]
        if shown.description:
            facts.append(("web.hd.description", shown.description))
        with ui.grid(columns="auto 1fr").classes("gap-x-4 gap-y-1"):
            for key, value in facts:
                ui.label(_t(key)).classes("text-caption text-grey-8")
                ui.label(value).classes("text-body2").style("white-space: pre-wrap")


def _timeline(shown: HazardDetailOut) -> None:
    with ui.card().classes("gap-1").style("min-width: 18rem").props("data-testid=timeline"):
        ui.label(_t("web.hd.timeline")).classes("text-subtitle1")
        for event in reversed(shown.timeline):
            with ui.column().classes("gap-0 py-1"):
                ui.label(f"{local_time(event.at, '%m-%d %H:%M')} · {event.actor}").classes(
                    "text-caption text-grey-7"
                )
                ui.label(event.action_label).classes("text-weight-medium").props(
                    f"data-testid=event-{event.action}"
                )
                if event.comment:
                    ui.label(event.comment).classes("text-body2")


def _next_step(who: Principal, shown: HazardDetailOut, refresh: Callable[[], object]) -> None:
    """The form for what the loop allows now (one action, or accept/refuse)."""
    context = state.context()
    action = HazardAction(shown.next_actions[0])
    with ui.card().classes("w-full gap-2").props("data-testid=next-step"):
        ui.label(_t(f"web.hd.step.{action.value}")).classes("text-subtitle1")
        fields: dict[str, Any] = {}
        if action is HazardAction.GRADE:
            fields["grade"] = ui.select(
                {g.value: label(g) for g in HazardGrade}, label=_t("web.hd.grade")
            ).props("data-testid=field-grade")
        if action is HazardAction.ORDER:
            fields["measures"] = ui.textarea(_t("web.hd.measures"))
            fields["responsible_person"] = ui.input(_t("web.hd.responsible_person"))
            fields["funds_yuan"] = ui.input(_t("web.hd.funds_yuan")).props("inputmode=decimal")
            fields["contingency_plan"] = ui.textarea(_t("web.hd.contingency_plan"))
        if action in (HazardAction.GRADE, HazardAction.ORDER, HazardAction.ACCEPT):
            key = "web.hd.new_deadline" if action is not HazardAction.GRADE else "web.hd.deadline"
            fields["deadline"] = ui.input(_t(key)).props("type=date stack-label")
        fields["comment"] = ui.textarea(
            _t("web.hd.self_check_comment" if action is HazardAction.SELF_CHECK else "web.comment")
        )
        for name, element in fields.items():
            element.classes("w-full").props(f"data-testid=field-{name}")
        general = ui.label("").classes("text-negative").props("data-testid=step-error")

        def run_action(chosen: HazardAction) -> None:
            clear_errors(fields, general)
            moment = service.Moment.of(context)
            values = {name: element.value for name, element in fields.items()}
            try:
                deadline = service.local_deadline(values.get("deadline"), moment.settings.timezone)
                with context.unit_of_work(who) as db:
                    _apply(db, who, moment, shown.id, chosen, values, deadline)
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            ui.notify(_t("web.hd.done", action=label(chosen)), type="positive")
            refresh()

        with ui.row().classes("gap-2"):
            ui.button(label(action), on_click=lambda: run_action(action)).props(
                f"data-testid=do-{action.value}"
            )
            if action is HazardAction.ACCEPT:
                ui.button(
                    label(HazardAction.REJECT), on_click=lambda: run_action(HazardAction.REJECT)
                ).props("outline color=negative data-testid=do-reject")


def _apply(
    db: Any,
    who: Principal,
    moment: service.Moment,
    finding_id: int,
    action: HazardAction,
    values: dict[str, Any],
    deadline: Any,
) -> None:
    comment = values.get("comment") or ""
    if action is HazardAction.GRADE:
        if not values.get("grade"):
            raise InvalidInput("hazard.required", field="grade")
        service.grade(
            db,
            who,
            moment,
            finding_id,
            grade=HazardGrade(values["grade"]),
            deadline=deadline,
            comment=comment,
        )
    elif action is HazardAction.ORDER:
        service.order(
            db,
            who,
            moment,
            finding_id,
            measures=values["measures"] or "",
            responsible_person=values["responsible_person"] or "",
            funds_yuan=_funds(values["funds_yuan"]),
            contingency_plan=values["contingency_plan"] or "",
            deadline=deadline,
            comment=comment,
        )
    elif action is HazardAction.REJECT:
        service.reject(db, who, moment, finding_id, comment, deadline)
    else:
        simple = {
            HazardAction.START: service.start,
            HazardAction.SELF_CHECK: service.self_check,
            HazardAction.ACCEPT: service.accept,
            HazardAction.CLOSE: service.close,
        }[action]
        simple(db, who, moment, finding_id, comment)


def _funds(text: str | None) -> Decimal:
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        raise InvalidInput("hazard.bad_funds", field="funds_yuan") from None


def _attachments(who: Principal, shown: HazardDetailOut, refresh: Callable[[], object]) -> None:
    context = state.context()
    with ui.card().classes("w-full gap-2").props("data-testid=attachments"):
        ui.label(_t("web.hd.attachments")).classes("text-subtitle1")
        with context.unit_of_work(who) as db:
            files = [db.get(Attachment, a.id) for a in shown.attachments]
        with ui.row().classes("gap-3"):
            for attachment in files:
                if attachment is not None:
                    _attachment(attachment)
        if not shown.next_actions or shown.state == HazardState.CLOSED:
            return
        stage = ui.select(
            {s.value: label(s) for s in AttachmentStage},
            value=_stage_for(HazardState(shown.state)).value,
            label=_t("web.hd.stage"),
        ).classes("w-40")
        error = ui.label("").classes("text-negative").props("data-testid=upload-error")

        async def received(event: events.UploadEventArguments) -> None:
            limit = context.settings.attachment_max_bytes
            data = bytearray()
            async for chunk in event.file.iterate():
                data.extend(chunk)
                if len(data) > limit:
                    break
            error.text = ""

            def store() -> None:
                with context.unit_of_work(who) as db:
                    service.attach(
                        db,
                        who,
                        service.Moment.of(context),
                        shown.id,
                        stage=AttachmentStage(stage.value),
                        filename=event.file.name,
                        data=bytes(data),
                    )

            try:
                await run.io_bound(store)
            except DomainError as exc:
                error.text = _t(exc.code, **exc.params)
                return
            refresh()

        ui.upload(on_upload=received, auto_upload=True, label=_t("web.hd.upload")).props(
            "data-testid=upload accept=image/*,.pdf,.docx,.xlsx"
        ).classes("w-full")


def _stage_for(current: HazardState) -> AttachmentStage:
    if current in (HazardState.RECTIFYING, HazardState.ORDERED):
        return AttachmentStage.RECTIFICATION
    if current in (HazardState.SELF_CHECKED, HazardState.ACCEPTED):
        return AttachmentStage.ACCEPTANCE
    return AttachmentStage.REPORT


def _attachment(attachment: Attachment) -> None:
    settings = state.context().settings
    caption = f"{label(AttachmentStage(attachment.stage))} · {attachment.filename}"
    with ui.column().classes("gap-0 items-start").props(f"data-testid=attachment-{attachment.id}"):
        if attachment.content_type.startswith("image/") and (
            attachment.size_bytes <= INLINE_IMAGE_BYTES
        ):
            data = base64.b64encode(attachments.read(settings, attachment)).decode()
            ui.image(f"data:{attachment.content_type};base64,{data}").classes("w-32 h-32")

        def fetch() -> None:
            ui.download(
                attachments.read(settings, attachment),
                attachment.filename,
                attachment.content_type,
            )

        ui.button(caption, icon="attach_file", on_click=fetch).props("flat dense no-caps")
