"""Live monitoring, danger first: a summary bar per site (rooms in alarm, unknown, doors
refusing entry, people inside when the doors count them), then one card per room, the most
dangerous first (``monitoring.danger``), each dangerous one with a line saying what to do.
A card's colour follows severity and value; acknowledgement is a separate mark. Each card
shows its points (value, unit, age, state colour; unknown never shown as a number; modelled
O2 labelled), ventilation and door state. Cards change and move as the engine publishes,
without a reload."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui

from hazwatch.monitoring.choices import AlarmState, Quality
from hazwatch.monitoring.danger import RoomDanger, SiteSummary, summaries
from hazwatch.registry.choices import VentilationType
from hazwatch.web import session, state
from hazwatch.web.access_log import reason_text
from hazwatch.web.danger import advice_text, dangers
from hazwatch.web.layout import frame
from hazwatch.web.rooms import PointView, RoomView, room_views
from hazwatch.web.text import _t, age, label
from hazwatch.web.widgets import badge, hex_of, odh_badge

#: Seconds between refreshes of every card (reading ages; quality changes also arrive live).
AGE_REFRESH_S = 10.0
#: Seconds between redraws of the cards the live feed touched.
LIVE_REFRESH_S = 1.0
#: Widths below Quasar's md breakpoint are phones: the site tree starts folded there.
PHONE_MAX_PX = 1024


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
        with ui.link(target=f"/points/{point.point_id}").classes("text-inherit").style(NAME_STYLE):
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


#: Room and site names wrap between words, never one character per line: the name keeps
#: this much width and the badges move to the next line instead.
NAME_STYLE = "min-width: 7em; flex: 1 1 7em; overflow-wrap: anywhere"


def _ack_mark(view: RoomView, danger: RoomDanger) -> None:
    """The alarm state as an outlined mark beside the severity: acknowledging an alarm
    changes this mark, never the colour of the danger."""
    status = _status_text(view)
    if danger.unacknowledged:
        ui.icon("notifications_active", color="red").props("data-testid=unacked").tooltip(status)
    mark = ui.badge(status).props("outline data-testid=room-status")
    mark.style(f"color:{hex_of(view.colour)} !important")


def _room_body(view: RoomView, danger: RoomDanger) -> None:
    with ui.row().classes("w-full items-center gap-1"):
        ui.label(view.name).classes("text-subtitle1 text-weight-bold").style(NAME_STYLE)
        if view.odh_class is not None or view.odh_missing:
            odh_badge(view.odh_class, view.room_id)
        if danger.severity not in ("normal", "unmonitored"):
            badge(_t(f"console.severity.{danger.severity}"), danger.colour, "room-severity")
        _ack_mark(view, danger)
    if danger.advice:
        with ui.row().classes("w-full items-start no-wrap gap-1"):
            ui.icon("warning").style(f"color:{hex_of(danger.colour)}")
            ui.label(advice_text(danger.advice)).classes("text-body2 text-weight-bold").props(
                "data-testid=room-advice"
            )
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


def _summary_bar(summary: SiteSummary) -> None:
    """One site's line: rooms in alarm, unknown, doors refusing entry, people inside."""
    with (
        ui.row()
        .classes("w-full items-center gap-2 q-px-sm q-py-xs rounded-borders")
        .style(f"border-left: 8px solid {hex_of(summary.colour)}; background: #f5f5f5")
        .props(f"data-testid=site-summary-{summary.site_id} data-severity={summary.severity}")
    ):
        ui.label(summary.site or _t("web.monitor.site_of_lessor")).classes(
            "text-subtitle2 text-weight-bold"
        ).style(NAME_STYLE)
        figures = (
            ("notifications_active", "in_alarm", summary.in_alarm, "red"),
            ("help", "unknown", summary.unknown, "purple"),
            ("door_front", "doors_denied", summary.doors_denied, "red"),
        )
        for icon, key, count, colour in figures:
            with ui.row().classes("items-center gap-1 no-wrap").props(f"data-testid={key}"):
                ui.icon(icon).style(f"color:{hex_of(colour if count else 'grey')}")
                ui.label(_t(f"console.summary.{key}", n=count)).classes("text-body2")
        with ui.row().classes("items-center gap-1 no-wrap").props("data-testid=people_inside"):
            ui.icon("groups").classes("text-grey-7")
            if summary.people_inside is None:
                ui.label(_t("console.summary.people_unknown")).classes("text-body2 text-grey-7")
            else:
                ui.label(_t("console.summary.people_inside", n=summary.people_inside)).classes(
                    "text-body2"
                )


@ui.page("/")
def monitoring_page() -> None:
    who = session.require("/")
    if who is None:
        return
    page = frame("web.nav.monitoring", who)
    context = state.context()
    present = state.runtime().present
    max_stay = timedelta(minutes=context.settings.occupancy_max_stay_minutes)

    def assessed() -> tuple[list[RoomView], list[RoomDanger]]:
        with context.unit_of_work(who) as db:
            found = room_views(db, who, present=present)
            return found, dangers(db, found, context.clock.now(), max_stay)

    views, ranked = assessed()
    cards: dict[int, ui.card] = {}
    #: Room ids in the order their cards are shown, and each card's (tier, priority).
    order: list[int] = []
    previous: dict[int, tuple[int, int]] = {}
    selected: set[int] | None = None

    def draw(view: RoomView, danger: RoomDanger) -> None:
        card = cards[view.room_id]
        card.clear()
        card.props(f"data-status={view.status} data-severity={danger.severity}")
        card.style(f"border-left: 8px solid {hex_of(danger.colour)}")
        with card:
            _room_body(view, danger)
        card.set_visibility(selected is None or view.room_id in selected)

    @ui.refreshable
    def summary_bars(ranked: list[RoomDanger]) -> None:
        for summary in summaries(ranked):
            _summary_bar(summary)

    def redraw(room_ids: set[int] | None) -> None:
        """Every room is reassessed (the order depends on all of them); the cards the feed
        touched are redrawn, and every card moves to its place."""
        nonlocal views
        if session.principal() is None:
            session.to_login("/")
            return
        if room_ids is not None and not room_ids:
            return
        views, fresh = assessed()
        by_id = {view.room_id: view for view in views}
        shown = [d for d in fresh if d.facts.room_id in cards]
        for danger in shown:
            room_id = danger.facts.room_id
            if room_ids is None or room_id in room_ids or danger.key[:2] != previous.get(room_id):
                draw(by_id[room_id], danger)
            previous[room_id] = danger.key[:2]
        wanted = [d.facts.room_id for d in shown]
        if wanted != order[: len(wanted)]:
            for index, room_id in enumerate(wanted):
                cards[room_id].move(grid, target_index=index)
            order[:] = wanted
        summary_bars.refresh(fresh)

    with ui.column().classes("w-full gap-1").props("data-testid=site-summaries"):
        summary_bars(ranked)
    with ui.element("div").classes("w-full flex flex-col md:flex-row md:flex-nowrap gap-4"):
        # beside the cards on a wide screen; above them on a phone, folded (fold_on_phone)
        with (
            ui.expansion(_t("web.monitor.tree"), icon="account_tree", value=True)
            .classes("w-full md:w-auto shrink-0")
            .style("min-width: 230px")
            .props("dense data-testid=site-tree") as folder
        ):
            tree = ui.tree(_tree_nodes(views), label_key="label", on_select=lambda e: pick(e.value))
            tree.expand()
        with (
            ui.element("div")
            .classes("w-full grid gap-3")
            .style("grid-template-columns: repeat(auto-fill, minmax(min(300px, 100%), 1fr))")
            .props("data-testid=room-cards") as grid
        ):
            if not views:
                ui.label(_t("web.monitor.no_rooms"))
            by_id = {view.room_id: view for view in views}
            for danger in ranked:
                room_id = danger.facts.room_id
                card = ui.card().classes("w-full gap-1").props(f"data-testid=room-{room_id}")
                cards[room_id] = card
                draw(by_id[room_id], danger)
                previous[room_id] = danger.key[:2]
                order.append(room_id)

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

    async def fold_on_phone() -> None:
        """The tree would push the rooms below the fold on a phone: fold it there."""
        if await ui.run_javascript("window.innerWidth") < PHONE_MAX_PX:
            folder.value = False

    ui.timer(0, fold_on_phone, once=True)
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
