"""The alarm list (issue 13 item 2): a dense table an operator filters (site, room, priority,
state, kind, time range, text), sorts by any column and acknowledges in bulk with a comment.
Rows come from ``monitoring.alarm_list`` (a low and a low-low on one point are one row at
its worst level); the acknowledgement rule is the board's: the enterprise acknowledges, a
regulator comments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nicegui import ui

from hazwatch.core.errors import DomainError
from hazwatch.monitoring import alarm_list
from hazwatch.monitoring.alarm_list import AlarmRow, Criteria
from hazwatch.monitoring.choices import AlarmState, Condition, Priority
from hazwatch.web import alarms, session, state, widgets
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, local_time

#: Time range choices in hours (0: any time).
RANGES = (0, 1, 8, 24, 168)


def _message(row: AlarmRow) -> str:
    if row.message_key:
        return _t(row.message_key, **row.params)
    return label(Condition(row.condition))


def _value(value: float | None, unit: str) -> str:
    return _t("web.point.unknown") if value is None else f"{value:.1f} {unit}".strip()


def _row(row: AlarmRow) -> dict[str, Any]:
    priority, alarm_state = Priority(row.priority), AlarmState(row.state)
    return {
        "id": row.id,
        "alarm_ids": list(row.alarm_ids),
        "site": row.site,
        "room": row.room,
        "room_id": row.room_id,
        "point": row.point,
        "point_id": row.point_id,
        "source": row.source,
        "priority": PRIORITY_SORT[row.priority],
        "priority_label": label(priority),
        "priority_colour": widgets.hex_of(priority.colour),
        "state": row.state,
        "state_label": label(alarm_state),
        "kind": " + ".join(label(Condition(c)) for c in row.conditions),
        "message": _message(row),
        "raised": local_time(row.raised_at, "%m-%d %H:%M:%S"),
        "at_raise": _value(row.value_at_raise, row.unit),
        "now": _value(row.value_now, row.unit),
        "unknown_now": row.value_now is None,
        "acked": _t("console.alarms.by_at", by=row.acked_by, at=local_time(row.acked_at, "%H:%M"))
        if row.acked_by
        else "",
        "shelved": _t(
            "console.alarms.shelved",
            by=row.shelved_by or "",
            until=local_time(row.shelved_until, "%m-%d %H:%M"),
        )
        if row.shelved_until
        else "",
        "steps": " → ".join(
            f"{_t(f'web.escalation.target.{s.target}')} {local_time(s.at, '%H:%M')}"
            for s in row.steps
        ),
    }


PRIORITY_SORT = {"urgent": 0, "high": 1, "medium": 2, "low": 3}

_PRIORITY_CELL = """
<q-td :props="props">
  <q-badge :style="{background: props.row.priority_colour}" :label="props.row.priority_label"
           data-testid="row-priority" />
</q-td>
"""
_POINT_CELL = """
<q-td :props="props" style="white-space: normal; min-width: 8em">
  <a v-if="props.row.point_id" :href="'/points/' + props.row.point_id"
     data-testid="point-link">{{ props.row.point }}</a>
  <span v-else>{{ props.row.point }}</span>
  <div class="text-caption text-grey-7">{{ props.row.message }}</div>
</q-td>
"""
_ROOM_CELL = """
<q-td :props="props" style="white-space: normal; min-width: 6em">
  <a v-if="props.row.room_id" :href="'/odh/' + props.row.room_id">{{ props.row.room }}</a>
  <div class="text-caption text-grey-7">{{ props.row.site }}</div>
</q-td>
"""
_NOW_CELL = """
<q-td :props="props"
      :class="props.row.unknown_now ? 'text-grey-8 text-italic' : 'text-weight-bold'">
  {{ props.row.now }}
</q-td>
"""
_STATE_CELL = """
<q-td :props="props" :data-state="props.row.state">{{ props.row.state_label }}</q-td>
"""


@ui.page("/alarms/list")
def alarm_list_page() -> None:
    who = session.require("/alarms/list")
    if who is None:
        return
    page = frame("console.nav.alarm_list", who)
    context = state.context()
    present = state.runtime().present

    def load() -> list[AlarmRow]:
        with context.unit_of_work(who) as db:
            return alarm_list.rows(db, who, present=present)

    everything = load()
    with ui.row().classes("w-full items-end gap-2"):
        text = (
            ui.input(_t("console.alarms.search"))
            .props("dense clearable data-testid=alarm-search")
            .classes("w-48")
        )
        sites = {r.site_id: r.site for r in everything}
        site = (
            ui.select(
                {None: _t("console.alarms.all")} | sites, value=None, label=_t("web.field.site_id")
            )
            .props("dense data-testid=filter-site")
            .classes("w-40")
        )
        rooms = {r.room_id: r.room for r in everything if r.room_id is not None}
        room = (
            ui.select(
                {None: _t("console.alarms.all")} | rooms, value=None, label=_t("web.field.room_id")
            )
            .props("dense data-testid=filter-room")
            .classes("w-40")
        )
        priorities = (
            ui.select(
                {p.value: label(p) for p in Priority},
                multiple=True,
                value=[],
                label=_t("console.alarms.priority"),
            )
            .props("dense use-chips data-testid=filter-priority")
            .classes("w-48")
        )
        states = (
            ui.select(
                {s.value: label(s) for s in AlarmState if s is not AlarmState.NORMAL},
                multiple=True,
                value=[],
                label=_t("console.alarms.state"),
            )
            .props("dense use-chips data-testid=filter-state")
            .classes("w-48")
        )
        kinds = (
            ui.select(
                {c.value: label(c) for c in Condition},
                multiple=True,
                value=[],
                label=_t("console.alarms.kind"),
            )
            .props("dense use-chips data-testid=filter-kind")
            .classes("w-48")
        )
        period = (
            ui.select(
                {
                    h: _t("console.alarms.any_time")
                    if h == 0
                    else _t("console.alarms.last_hours", n=h)
                    for h in RANGES
                },
                value=0,
                label=_t("console.alarms.raised"),
            )
            .props("dense data-testid=filter-period")
            .classes("w-36")
        )

    columns: list[dict[str, Any]] = [
        {
            "name": "priority",
            "label": _t("console.alarms.priority"),
            "field": "priority",
            "sortable": True,
            "align": "left",
        },
        {
            "name": "state",
            "label": _t("console.alarms.state"),
            "field": "state_label",
            "sortable": True,
            "align": "left",
        },
        {
            "name": "room",
            "label": _t("web.field.room_id"),
            "field": "room",
            "sortable": True,
            "align": "left",
        },
        {
            "name": "point",
            "label": _t("console.alarms.point"),
            "field": "point",
            "sortable": True,
            "align": "left",
        },
        {
            "name": "kind",
            "label": _t("console.alarms.kind"),
            "field": "kind",
            "sortable": True,
            "align": "left",
        },
        {
            "name": "now",
            "label": _t("console.alarms.now"),
            "field": "now",
            "classes": "text-no-wrap",
            "align": "right",
        },
        {
            "name": "at_raise",
            "label": _t("console.alarms.at_raise"),
            "field": "at_raise",
            "classes": "text-no-wrap",
            "align": "right",
        },
        {
            "name": "raised",
            "label": _t("console.alarms.raised"),
            "field": "raised",
            "classes": "text-no-wrap",
            "sortable": True,
            "align": "left",
        },
        {"name": "acked", "label": _t("console.alarms.acked"), "field": "acked", "align": "left"},
        {
            "name": "shelved",
            "label": _t("console.alarms.shelved_col"),
            "field": "shelved",
            "align": "left",
        },
        {"name": "steps", "label": _t("console.alarms.steps"), "field": "steps", "align": "left"},
    ]
    table = widgets.table(columns, [], pagination=50)
    table.props("dense flat bordered wrap-cells=false data-testid=alarm-table")
    table.set_selection("multiple")
    table.add_slot("body-cell-priority", _PRIORITY_CELL)
    table.add_slot("body-cell-point", _POINT_CELL)
    table.add_slot("body-cell-room", _ROOM_CELL)
    table.add_slot("body-cell-now", _NOW_CELL)
    table.add_slot("body-cell-state", _STATE_CELL)

    steer = alarms.may_steer(who)
    with ui.row().classes("items-center gap-2"):
        count = ui.label("").classes("text-caption").props("data-testid=alarm-count")
        bulk = ui.button(
            _t("console.alarms.bulk_ack") if steer else _t("console.alarms.bulk_comment"),
            on_click=lambda: bulk_dialog(),
        ).props("dense color=negative data-testid=bulk-ack")
    bulk.bind_enabled_from(table, "selected", backward=bool)

    def criteria() -> Criteria:
        hours = int(period.value or 0)
        return Criteria(
            site_id=site.value,
            room_id=room.value,
            priorities=frozenset(priorities.value or ()),
            states=frozenset(states.value or ()),
            conditions=frozenset(kinds.value or ()),
            since=context.clock.now() - timedelta(hours=hours) if hours else None,
            text=text.value or "",
            words=_message,
        )

    def show(reload: bool = False) -> None:
        nonlocal everything
        if reload:
            if session.principal() is None:
                session.to_login("/alarms/list")
                return
            everything = load()
        chosen = alarm_list.select_rows(everything, criteria())
        table.rows = [_row(r) for r in chosen]
        picked = {s["id"] for s in table.selected}
        table.selected = [r for r in table.rows if r["id"] in picked]
        count.set_text(
            _t("console.alarms.count", n=len(chosen), total=len(alarm_list.fold(everything)))
        )
        table.update()

    def bulk_dialog() -> None:
        picked = list(table.selected)
        if not picked:
            return
        with ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
            ui.label(
                _t("console.alarms.bulk_title", n=len(picked))
                if steer
                else _t("console.alarms.bulk_comment_title", n=len(picked))
            ).classes("text-h6")
            note = (
                ui.textarea(_t("web.alarm.comment"))
                .classes("w-full")
                .props("data-testid=bulk-comment")
            )
            problem = ui.label("").classes("text-negative").props("data-testid=bulk-error")

            def submit() -> None:
                comment = (note.value or "").strip()
                if not comment:
                    problem.set_text(_t("console.alarms.comment_required"))
                    return
                failures = []
                for row in picked:
                    for alarm_id in row["alarm_ids"]:
                        try:
                            if steer:
                                if row["state"] in alarm_list.UNACKED:
                                    alarms.acknowledge(who, alarm_id, comment)
                            else:
                                alarms.comment(who, alarm_id, comment)
                        except DomainError as exc:
                            failures.append(f"{row['point']}: {error_text(exc)}")
                if failures:
                    problem.set_text("；".join(failures))
                    return
                dialog.close()
                table.selected = []
                show(reload=True)

            with ui.row():
                ui.button(_t("web.alarm.ack") if steer else _t("web.save"), on_click=submit).props(
                    "data-testid=bulk-confirm"
                )
                ui.button(_t("web.cancel"), on_click=dialog.close).props("flat")
        dialog.open()

    for element in (site, room, priorities, states, kinds, period):
        element.on_value_change(lambda _e: show())
    text.on_value_change(lambda _e: show())
    show()

    changed = {"alarm": False}
    page.feed.on("alarm", lambda _e: changed.update(alarm=True))

    def refresh_on_change() -> None:
        if changed["alarm"]:
            changed["alarm"] = False
            show(reload=True)

    ui.timer(1.0, refresh_on_change)
