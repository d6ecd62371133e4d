"""Live monitoring: site → building → room tree and one card per room with its points
(value, unit, age, state colour; unknown never shown as a number; modelled O2 labelled),
ventilation and door state. Cards change as the engine publishes, without a reload."""

from __future__ import annotations

from nicegui import ui

from hazwatch.monitoring.choices import AlarmState, Quality
from hazwatch.registry.choices import VentilationType
from hazwatch.web import session, state
from hazwatch.web.access_log import reason_text
from hazwatch.web.layout import frame
from hazwatch.web.rooms import PointView, RoomView, room_views
from hazwatch.web.text import _t, age, label
from hazwatch.web.widgets import badge, hex_of, odh_badge

#: Seconds between refreshes of every card (reading ages; quality changes also arrive live).
AGE_REFRESH_S = 10.0
#: Seconds between redraws of the cards the live feed touched.
LIVE_REFRESH_S = 1.0


def _status_text(view: RoomView) -> str:
    status = view.status
    if status.startswith("alarm:"):
        return label(AlarmState(status.removeprefix("alarm:")))
    return _t(f"web.status.{status}")


def _point_row(point: PointView) -> None:
    now = state.context().clock.now()
    with (
        ui.row()
        .classes("w-full items-center no-wrap gap-2")
        .props(f"data-testid=point-{point.code}")
    ):
        colour = "red" if point.conditions else ("green" if point.known else "grey")
        ui.icon("circle").style(f"color:{hex_of(colour)}").classes("text-xs")
        with ui.link(target=f"/points/{point.point_id}").classes("text-inherit grow"):
            ui.label(point.name).classes("text-body2")
        if point.modelled:
            badge(_t("web.point.modelled"), "blue", "modelled")
        if point.uncalibrated:
            badge(_t("web.calibration.uncalibrated"), "orange", "uncalibrated")
        if point.known and point.value is not None:
            ui.label(f"{point.value:.1f} {point.unit}").classes("text-weight-bold").props(
                "data-testid=value"
            )
        else:
            text = _t("web.point.unknown")
            if point.quality != Quality.UNKNOWN:
                text += " · " + label(Quality(point.quality))
            ui.label(text).classes("text-weight-bold text-grey-8").props("data-testid=value")
        ui.label(age(point.at, now)).classes("text-caption text-grey-7")


def _room_body(view: RoomView) -> None:
    with ui.row().classes("w-full items-center no-wrap"):
        ui.label(view.name).classes("text-subtitle1 text-weight-bold grow")
        if view.odh_class is not None or view.odh_missing:
            odh_badge(view.odh_class, view.room_id)
        badge(_status_text(view), view.colour, "room-status")
    if view.site or view.building:
        place = " · ".join(part for part in (view.site, view.building) if part)
        ui.label(place).classes("text-caption text-grey-7")
    if not view.points:
        ui.label(_t("web.room.no_points")).classes("text-caption text-negative")
    for point in view.points:
        _point_row(point)
    ventilation = label(VentilationType(view.ventilation_type))
    if view.air_changes_per_hour:
        ventilation += " · " + _t("web.room.ach", ach=f"{view.air_changes_per_hour:g}")
    if view.ventilation_interlocked:
        ventilation += " · " + _t("web.room.interlocked")
    with ui.row().classes("items-center gap-1"):
        ui.icon("air").classes("text-grey-7")
        ui.label(ventilation).classes("text-caption")
    for door in view.doors:
        with ui.row().classes("items-center gap-1 no-wrap"):
            ui.icon("door_front").classes("text-grey-7")
            ui.label(door.name).classes("text-caption")
            if door.entry_allowed:
                badge(_t("web.door.allowed"), "green", "door-state")
            else:
                reasons = "；".join(reason_text(r) for r in door.reasons)
                badge(_t("web.door.refused"), "red", "door-state").tooltip(reasons)


@ui.page("/")
def monitoring_page() -> None:
    who = session.require("/")
    if who is None:
        return
    page = frame("web.nav.monitoring", who)
    context = state.context()
    present = state.runtime().engine.present
    with context.unit_of_work(who) as db:
        views = room_views(db, who, present=present)
    cards: dict[int, ui.card] = {}
    selected: set[int] | None = None

    def draw(view: RoomView) -> None:
        card = cards[view.room_id]
        card.clear()
        card.props(f"data-status={view.status}")
        card.style(f"border-left: 8px solid {hex_of(view.colour)}")
        with card:
            _room_body(view)
        card.set_visibility(selected is None or view.room_id in selected)

    def redraw(room_ids: set[int] | None) -> None:
        if session.principal() is None:
            session.to_login("/")
            return
        if room_ids is not None and not room_ids:
            return
        with context.unit_of_work(who) as db:
            fresh = (
                room_views(db, who, present=present)
                if room_ids is None or len(room_ids) > 1
                else room_views(db, who, room_id=next(iter(room_ids)), present=present)
            )
        for view in fresh:
            if view.room_id in cards and (room_ids is None or view.room_id in room_ids):
                draw(view)

    with ui.row().classes("w-full no-wrap items-start gap-4"):
        with ui.column().classes("gt-sm").style("min-width: 230px"):
            ui.label(_t("web.monitor.tree")).classes("text-subtitle2")
            tree = ui.tree(_tree_nodes(views), label_key="label", on_select=lambda e: pick(e.value))
            tree.expand()
        with (
            ui.element("div")
            .classes("w-full grid gap-3")
            .style("grid-template-columns: repeat(auto-fill, minmax(300px, 1fr))")
        ):
            if not views:
                ui.label(_t("web.monitor.no_rooms"))
            for view in views:
                cards[view.room_id] = (
                    ui.card().classes("w-full gap-1").props(f"data-testid=room-{view.room_id}")
                )
                draw(view)

    def pick(node: str | None) -> None:
        nonlocal selected
        selected = _rooms_under(views, node)
        for view in views:
            cards[view.room_id].set_visibility(selected is None or view.room_id in selected)

    dirty: set[int] = set()
    page.feed.on("point", lambda e: dirty.add(int(e["room_id"])) if e.get("room_id") else None)
    page.feed.on("alarm", lambda e: dirty.add(int(e["room_id"])) if e.get("room_id") else None)

    def flush() -> None:
        touched = set(dirty)
        dirty.clear()
        redraw(touched)

    ui.timer(LIVE_REFRESH_S, flush)
    ui.timer(AGE_REFRESH_S, lambda: redraw(None))


def _tree_nodes(views: list[RoomView]) -> list[dict[str, object]]:
    sites: dict[int, dict[str, object]] = {}
    buildings: dict[int, dict[str, object]] = {}
    for view in views:
        site = sites.setdefault(
            view.site_id,
            {
                "id": f"site:{view.site_id}",
                "label": view.site or _t("web.monitor.site_of_lessor"),
                "children": [],
            },
        )
        if view.building_id not in buildings:
            buildings[view.building_id] = {
                "id": f"building:{view.building_id}",
                "label": view.building or _t("web.monitor.building_n", id=view.building_id),
                "children": [],
            }
            site["children"].append(buildings[view.building_id])  # type: ignore[attr-defined]
        buildings[view.building_id]["children"].append(  # type: ignore[attr-defined]
            {"id": f"room:{view.room_id}", "label": view.name}
        )
    return list(sites.values())


def _rooms_under(views: list[RoomView], node: str | None) -> set[int] | None:
    """Rooms inside the selected tree node; None (all rooms) when nothing is selected."""
    if not node:
        return None
    kind, _, ident = node.partition(":")
    key = {"site": "site_id", "building": "building_id", "room": "room_id"}[kind]
    return {v.room_id for v in views if getattr(v, key) == int(ident)}
