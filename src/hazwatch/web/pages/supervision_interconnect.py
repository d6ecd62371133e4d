"""Interconnection (issue 15 item 8): the latest events of the outbound feed, the platforms
following it by webhook (with their cursor and failures), and the city registry import:
an uploaded file is checked row by row first (new, duplicate, conflict, invalid), and only
then applied."""

from __future__ import annotations

from nicegui import events, run, ui

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import DomainError
from hazwatch.supervision.choices import FeedKind
from hazwatch.supervision.interconnect import importer, service, views
from hazwatch.supervision.interconnect.schemas import ImportOut
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language, local_time

STATUS_COLOUR = {
    "new": "text-positive",
    "duplicate": "text-grey-8",
    "duplicate_in_file": "text-warning",
    "conflict": "text-negative",
    "invalid": "text-negative",
}


@ui.page("/supervision/interconnect")
def interconnect_page() -> None:
    who = session.require("/supervision/interconnect")
    if who is None:
        return
    frame("web.nav.interconnect", who)
    if who.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        ui.label(_t("supervision.regulators_only"))
        return
    context = state.context()
    lang = language()
    with context.unit_of_work(who) as db:
        latest = service.latest(db, who, 30)
        followers = service.subscriptions(db, who)
        shown = [(s.id, s.name, s.url, s.cursor, s.failures, s.last_error) for s in followers]
    _import_card(who)
    ui.label(_t("web.feed.subscriptions")).classes("text-h6")
    if not shown:
        ui.label(_t("web.feed.no_subscriptions"))
    for ident, name, url, cursor, failures, error in shown:
        with ui.card().classes("w-full gap-0").props(f"data-testid=subscription-{ident}"):
            ui.label(f"{name} · {url}").classes("text-weight-bold")
            ui.label(_t("web.feed.cursor", cursor=cursor)).classes("text-caption")
            if failures:
                ui.label(_t("web.feed.failing", failures=failures, error=error)).classes(
                    "text-caption text-negative"
                )
    if who.jurisdiction_id is not None or who.is_platform_admin:
        _subscribe_form(who)
    ui.label(_t("web.feed.events")).classes("text-h6")
    if not latest:
        ui.label(_t("web.feed.none"))
    with ui.column().classes("gap-0 w-full").props("data-testid=feed-events"):
        for event in latest:
            ui.label(
                f"#{event.id} {local_time(event.occurred_at, '%m-%d %H:%M')} "
                f"{FeedKind(event.kind).label(lang)} · {event.action} · {event.subject_id}"
            ).classes("text-caption")


def _subscribe_form(who: Principal) -> None:
    with ui.row().classes("items-end gap-2 w-full"):
        name = ui.input(_t("web.feed.name")).props("data-testid=subscription-name")
        url = ui.input(_t("web.feed.url")).classes("grow").props("data-testid=subscription-url")
        result = ui.label("").props("data-testid=subscription-result")

        def add() -> None:
            context = state.context()
            try:
                with context.unit_of_work(who) as db:
                    made = service.subscribe(
                        db,
                        who,
                        context.clock.now(),
                        jurisdiction_id=who.jurisdiction_id or 0,
                        name=name.value or "",
                        url=url.value or "",
                    )
                    secret = made.signing_secret
            except DomainError as error:
                ui.notify(_t(error.code, **error.params), type="negative")
                return
            result.text = _t("web.feed.secret", secret=secret)

        ui.button(_t("web.feed.subscribe"), on_click=add).props("data-testid=subscribe")


def _import_card(who: Principal) -> None:
    context = state.context()
    kept: dict[str, bytes] = {}
    with ui.card().classes("w-full gap-2").props("data-testid=import"):
        ui.label(_t("web.import.title")).classes("text-h6")
        summary = ui.label("").props("data-testid=import-summary")
        rows = ui.column().classes("gap-0 w-full").props("data-testid=import-rows")
        skip = ui.checkbox(_t("web.import.skip")).props("data-testid=import-skip")

        def show(report: ImportOut) -> None:
            summary.text = _t(
                "web.import.summary",
                new=report.new,
                duplicates=report.duplicates,
                conflicts=report.conflicts,
                invalid=report.invalid,
            )
            rows.clear()
            with rows:
                for row in report.rows:
                    status = _t(f"web.import.status.{row.status}")
                    ui.label(f"{row.row} · {status} · {row.name} {row.reason_text}").classes(
                        f"text-caption {STATUS_COLOUR.get(row.status, '')}"
                    )

        def check(apply: bool, lang: str) -> ImportOut:
            with context.unit_of_work(who) as db:
                report = importer.run(
                    db,
                    who,
                    filename=kept["name"].decode(),
                    data=kept["data"],
                    apply=apply,
                    skip_conflicts=bool(skip.value),
                )
                return views.import_out(report, lang)

        async def received(event: events.UploadEventArguments) -> None:
            data = bytearray()
            async for chunk in event.file.iterate():
                data.extend(chunk)
                if len(data) > importer.MAX_BYTES:
                    break
            kept["name"], kept["data"] = event.file.name.encode(), bytes(data)
            try:
                checked = await run.io_bound(check, False, language())
            except DomainError as error:
                summary.text = _t(error.code, **error.params)
                return
            if checked is not None:
                show(checked)

        async def apply() -> None:
            if "data" not in kept:
                return
            try:
                report = await run.io_bound(check, True, language())
            except DomainError as error:
                ui.notify(_t(error.code, **error.params), type="negative")
                return
            if report is None:
                return
            show(report)
            ui.notify(_t("web.import.applied", count=report.new), type="positive")

        ui.upload(on_upload=received, auto_upload=True, label=_t("web.import.file")).props(
            "data-testid=import-file accept=.csv,.xlsx"
        ).classes("w-full")
        ui.button(_t("web.import.apply"), on_click=apply).props("data-testid=import-apply")
