"""Alarm board (active alarms by priority and age, with acknowledge, shelve, comment and the
escalation ladder's progress), operator-load statistics, and the alarm history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from nicegui import ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.monitoring.choices import AlarmState, Condition, Priority
from hazwatch.web import alarms, registry_form, session, state, widgets
from hazwatch.web.alarms import AlarmView
from hazwatch.web.forms import clear_errors, require_filled, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, age, label, local_time
from hazwatch.web.widgets import badge, escalation_badges

#: Shelving choices offered (the engine refuses more than 24 h).
SHELVE_HOURS = (0.5, 1, 4, 8, 24)
HISTORY_EVENTS = (
    "raise",
    "clear",
    "ack",
    "shelve",
    "unshelve",
    "comment",
    "out_of_service",
    "return_to_service",
)


def _message(view: AlarmView) -> str:
    alarm = view.alarm
    if alarm.message_key:
        return _t(alarm.message_key, **alarm.params)
    return label(Condition(alarm.condition))


class Controls:
    """The board's refresh and the element dialogs live in: outside the refreshed board, so a
    live update while someone types into a dialog does not throw the dialog away."""

    def __init__(self, refresh: Callable[[], object], host: ui.element) -> None:
        self.refresh = refresh
        self.host = host


def _ack_dialog(who: Principal, view: AlarmView, done: Controls) -> None:
    with done.host, ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
        ui.label(_t("web.alarm.ack_title")).classes("text-h6")
        ui.label(_message(view))
        note = (
            ui.input(_t("web.alarm.comment_optional"))
            .classes("w-full")
            .props("data-testid=ack-comment")
        )
        general = ui.label("").classes("text-negative")

        def submit() -> None:
            try:
                alarms.acknowledge(who, view.alarm.id, note.value)
            except DomainError as exc:
                show_error(exc, {"comment": note}, general)
                return
            dialog.close()
            done.refresh()

        with ui.row():
            ui.button(_t("web.alarm.ack"), on_click=submit).props("data-testid=ack-confirm")
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
    dialog.open()


def _shelve_dialog(who: Principal, view: AlarmView, done: Controls) -> None:
    with done.host, ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
        ui.label(_t("web.alarm.shelve_title")).classes("text-h6")
        ui.label(_message(view))
        reason = (
            ui.input(_t("web.alarm.shelve_reason"))
            .classes("w-full")
            .props("data-testid=shelve-reason")
        )
        duration = (
            ui.select(
                {hours: _t("web.alarm.hours", n=f"{hours:g}") for hours in SHELVE_HOURS},
                label=_t("web.alarm.shelve_for"),
            )
            .classes("w-full")
            .props("data-testid=shelve-for")
        )
        general = ui.label("").classes("text-negative")
        fields = {"reason": reason, "until": duration}

        def submit() -> None:
            clear_errors(fields, general)
            if not require_filled(fields, ("reason", "until")):
                return
            until = state.context().clock.now() + timedelta(hours=float(duration.value))
            try:
                alarms.shelve(who, view.alarm.id, reason.value or "", until)
            except DomainError as exc:
                show_error(exc, fields, general)
                return
            dialog.close()
            done.refresh()

        with ui.row():
            ui.button(_t("web.alarm.shelve"), on_click=submit).props("data-testid=shelve-confirm")
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
    dialog.open()


def _comment_dialog(who: Principal, view: AlarmView, done: Controls) -> None:
    with done.host, ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
        ui.label(_t("web.alarm.comment")).classes("text-h6")
        text = ui.textarea(_t("web.alarm.comment")).classes("w-full")
        general = ui.label("").classes("text-negative")

        def submit() -> None:
            try:
                alarms.comment(who, view.alarm.id, text.value or "")
            except DomainError as exc:
                show_error(exc, {"comment": text}, general)
                return
            dialog.close()
            done.refresh()

        with ui.row():
            ui.button(_t("web.save"), on_click=submit)
            ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
    dialog.open()


def _act(who: Principal, action: str, view: AlarmView, done: Controls) -> None:
    """Every action re-checks the session first: an expired one goes back to login."""
    if session.principal() is None:
        session.to_login("/alarms")
        return
    if action == "unshelve":
        try:
            alarms.unshelve(who, view.alarm.id)
        except DomainError as exc:
            show_error(exc, {})
        done.refresh()
        return
    {"ack": _ack_dialog, "shelve": _shelve_dialog, "comment": _comment_dialog}[action](
        who, view, done
    )


def _alarm_card(who: Principal, view: AlarmView, done: Controls) -> None:
    alarm = view.alarm
    now = state.context().clock.now()
    state_choice = AlarmState(alarm.state)
    with (
        ui.card()
        .classes("w-full gap-1")
        .props(
            f"data-testid=alarm-{alarm.id} data-state={alarm.state} data-priority={alarm.priority}"
        )
    ):
        with ui.row().classes("w-full items-center gap-2"):
            priority = Priority(alarm.priority)
            badge(label(priority), priority.colour, "priority")
            badge(label(state_choice), state_choice.colour, "state")
            ui.label(_message(view)).classes("text-weight-bold grow")
        with ui.row().classes("w-full items-center gap-3 text-caption text-grey-8"):
            if view.room:
                ui.label(view.room)
            if alarm.value is not None:
                ui.label(_t("web.alarm.value", value=f"{alarm.value:.1f}"))
            raised = alarm.raised_at or alarm.changed_at
            ui.label(f"{local_time(raised)} ({age(raised, now)})")
            if alarm.acked_by and alarm.acked_at:
                ui.label(
                    _t(
                        "web.alarm.acked_by",
                        by=alarm.acked_by,
                        at=local_time(alarm.acked_at, "%m-%d %H:%M"),
                    )
                ).props("data-testid=acked-by")
            if alarm.shelved_until and state_choice is AlarmState.SHELVED:
                ui.label(
                    _t(
                        "web.alarm.shelved_until",
                        until=local_time(alarm.shelved_until, "%m-%d %H:%M"),
                        by=alarm.shelved_by or "",
                        reason=alarm.shelve_reason or "",
                    )
                )
        escalation_badges(view.escalation)
        steer = alarms.may_steer(who)
        with ui.row().classes("gap-2"):
            if steer and state_choice in (AlarmState.ACTIVE_UNACK, AlarmState.RTN_UNACK):
                ui.button(_t("web.alarm.ack"), on_click=lambda: _act(who, "ack", view, done)).props(
                    "color=negative dense data-testid=ack"
                )
            if not steer:
                pass  # a regulator comments; the enterprise acknowledges and shelves
            elif state_choice is AlarmState.SHELVED:
                ui.button(
                    _t("web.alarm.unshelve"), on_click=lambda: _act(who, "unshelve", view, done)
                ).props("dense outline data-testid=unshelve")
            else:
                ui.button(
                    _t("web.alarm.shelve"), on_click=lambda: _act(who, "shelve", view, done)
                ).props("dense outline data-testid=shelve")
            ui.button(
                _t("web.alarm.comment"), on_click=lambda: _act(who, "comment", view, done)
            ).props("dense flat")


def _statistics(who: Principal) -> None:
    context = state.context()
    with context.unit_of_work(who) as db:
        figures = alarms.statistics(db, who, context.clock.now())
    with ui.expansion(_t("web.alarm.statistics"), icon="insights").classes("w-full"):
        if not figures:
            ui.label(_t("web.alarm.no_statistics"))
        for site in figures:
            chattering = site["chattering"]
            ui.label(
                _t(
                    "web.alarm.statistics_line",
                    site=site["site_name"] or _t("web.monitor.site_of_lessor"),
                    activations=site["activations"],
                    peak=site["peak_per_10_min"],
                    floods=site["flood_windows"],
                    chattering=len(chattering) if isinstance(chattering, list) else 0,
                )
            ).props("data-testid=statistics")


@ui.page("/alarms")
def alarm_board_page() -> None:
    who = session.require("/alarms")
    if who is None:
        return
    page = frame("web.nav.alarms", who)
    context = state.context()

    shown: dict[str, object] = {"signature": None}

    @ui.refreshable
    def board(views: list[AlarmView]) -> None:
        if not views:
            ui.label(_t("web.alarm.none")).classes("text-positive text-h6").props(
                "data-testid=no-alarms"
            )
        for view in views:
            _alarm_card(who, view, controls)

    def reload() -> None:
        """Redraw only when what the board shows changed, so a button does not move away
        under the operator's finger when an unrelated event arrives."""
        with context.unit_of_work(who) as db:
            views = alarms.board(db, who)
        signature = [alarms.signature(view) for view in views]
        if signature != shown["signature"]:
            shown["signature"] = signature
            board.refresh(views)

    _statistics(who)
    controls = Controls(reload, ui.element("div"))
    with ui.column().classes("w-full gap-2"):
        board([])
    reload()
    changed = {"alarm": False}
    page.feed.on("alarm", lambda _e: changed.update(alarm=True))

    def refresh_on_change() -> None:
        if changed["alarm"]:
            changed["alarm"] = False
            reload()

    ui.timer(1.0, refresh_on_change)


@ui.page("/alarms/history")
def alarm_history_page() -> None:
    who = session.require("/alarms/history")
    if who is None:
        return
    frame("web.nav.alarm_history", who)
    context = state.context()
    with ui.row().classes("w-full items-end gap-3"):
        hours = ui.select(
            {1: "1 h", 8: "8 h", 24: "24 h", 168: "7 d", 720: "30 d"},
            value=24,
            label=_t("web.history.period"),
        ).classes("w-32")
        event = ui.select(
            {"": _t("web.history.all_events")}
            | {name: _t(f"web.history.event.{name}") for name in HISTORY_EVENTS},
            value="",
            label=_t("web.history.event"),
        ).classes("w-40")
        with context.unit_of_work(who) as db:
            rooms = registry_form.options(db, who, "rooms")
        room = ui.select(
            {None: _t("web.access.all_rooms")} | rooms, value=None, label=_t("web.field.room_id")
        ).classes("w-48")

    columns = [
        {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
        {"name": "event", "label": _t("web.history.event"), "field": "event", "align": "left"},
        {"name": "alarm", "label": _t("web.history.alarm"), "field": "alarm", "align": "left"},
        {"name": "state", "label": _t("web.history.state"), "field": "state", "align": "left"},
        {"name": "actor", "label": _t("web.history.actor"), "field": "actor", "align": "left"},
        {"name": "comment", "label": _t("web.alarm.comment"), "field": "comment", "align": "left"},
    ]
    table = widgets.table(columns, [], pagination=50)

    def load() -> None:
        since = context.clock.now() - timedelta(hours=int(hours.value))
        with context.unit_of_work(who) as db:
            rows = alarms.history(
                db, who, since=since, event=event.value or None, room_id=room.value
            )
            table.rows = [
                {
                    "id": row.id,
                    "at": local_time(row.at),
                    "event": _t(f"web.history.event.{row.event}")
                    if row.event in HISTORY_EVENTS
                    else row.event,
                    "alarm": f"#{alarm.id} "
                    + (
                        _t(alarm.message_key, **alarm.params)
                        if alarm.message_key
                        else label(Condition(alarm.condition))
                    ),
                    "state": label(AlarmState(row.state)),
                    "actor": row.actor or "",
                    "comment": _t(row.comment) if row.comment else "",
                }
                for row, alarm in rows
            ]
        table.update()

    hours.on_value_change(load)
    event.on_value_change(load)
    room.on_value_change(load)
    load()
