"""Access log: each door decision with its reasons, filterable by room and person."""

from __future__ import annotations

from nicegui import ui

from hazwatch.monitoring.choices import EntryPurpose
from hazwatch.web import access_log, registry_form, session, state, widgets
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, local_time


@ui.page("/access")
def access_page() -> None:
    who = session.require("/access")
    if who is None:
        return
    frame("web.nav.access", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        rooms = registry_form.options(db, who, "rooms")
    with ui.row().classes("w-full items-end gap-3"):
        room = ui.select(
            {None: _t("web.access.all_rooms")} | rooms, value=None, label=_t("web.field.room_id")
        ).classes("w-56")
        person = ui.input(_t("web.access.person")).props("clearable data-testid=person")
    columns = [
        {"name": "at", "label": _t("web.history.at"), "field": "at", "align": "left"},
        {"name": "door", "label": _t("web.access.door"), "field": "door", "align": "left"},
        {"name": "person", "label": _t("web.access.person"), "field": "person", "align": "left"},
        {"name": "purpose", "label": _t("web.access.purpose"), "field": "purpose", "align": "left"},
        {"name": "allowed", "label": _t("web.access.decision"), "field": "allowed"},
        {"name": "reasons", "label": _t("web.access.reasons"), "field": "reasons", "align": "left"},
    ]
    table = widgets.table(columns, [], pagination=50)
    table.props(f'wrap-cells no-data-label="{_t("console.access.empty")}"')

    def load() -> None:
        with context.unit_of_work(who) as db:
            rows = access_log.decisions(db, who, person=person.value or None, room_id=room.value)
            table.rows = [
                {
                    "id": row.id,
                    "at": local_time(row.at),
                    "door": row.door_code,
                    "person": row.person,
                    "purpose": label(EntryPurpose(row.purpose)),
                    "allowed": _t("web.door.allowed") if row.allowed else _t("web.door.refused"),
                    "reasons": "；".join(access_log.reason_text(r) for r in row.reasons),
                }
                for row in rows
            ]
        table.update()

    room.on_value_change(load)
    person.on_value_change(load)
    load()
