"""Floor plan (issue 13 item 5): a building's rooms as boxes with their detectors, its doors
and the rooms each guards (dashed), coloured live by each room's danger; a box dragged to
another place stays there (``registry.plan``). The 2·7 suite reads as it was: entrance
reader → changing room and dry room 2 → inner door → dry room 1."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from nicegui import events, ui

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.monitoring.danger import SEVERITIES, SEVERITY_COLOURS
from hazwatch.registry import plan
from hazwatch.registry.plan import BOX_H, BOX_W
from hazwatch.registry.schemas import PlacementIn, PlanOut
from hazwatch.web import session, state
from hazwatch.web.danger import dangers
from hazwatch.web.layout import frame
from hazwatch.web.rooms import room_views
from hazwatch.web.text import _t
from hazwatch.web.widgets import hex_of

#: Seconds between redraws when live events touched a room on the plan.
LIVE_REFRESH_S = 2.0
#: Drags a box with the pointer and reports where it was dropped (plan units).
_DRAG_SCRIPT = """
<script>
document.addEventListener('pointerdown', (down) => {
  const box = down.target.closest('[data-plan-room]');
  const svg = box && box.ownerSVGElement;
  if (!box || !svg) return;
  down.preventDefault();
  const scale = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width;
  const [x0, y0] = [Number(box.dataset.x), Number(box.dataset.y)];
  let [x, y] = [x0, y0];
  const move = (e) => {
    x = Math.max(0, Math.round(x0 + (e.clientX - down.clientX) * scale));
    y = Math.max(0, Math.round(y0 + (e.clientY - down.clientY) * scale));
    box.setAttribute('transform', `translate(${x} ${y})`);
  };
  const up = () => {
    document.removeEventListener('pointermove', move);
    document.removeEventListener('pointerup', up);
    if (x !== x0 || y !== y0) emitEvent('plan_place', {room: Number(box.dataset.planRoom), x, y});
  };
  document.addEventListener('pointermove', move);
  document.addEventListener('pointerup', up);
});
</script>
"""


def _svg(shown: PlanOut, colours: dict[int, str], severities: dict[int, str]) -> str:
    """The plan as SVG: rooms (live colour, detectors), doors on the edge of the shallowest
    room they guard, dashed lines to the other rooms they guard."""
    where = {room.id: room for room in shown.rooms}
    parts = []
    for door in shown.doors:
        anchor = where.get(door.at_room) if door.at_room is not None else None
        if anchor is None:
            continue
        dx, dy = anchor.x, anchor.y + BOX_H // 2
        for room_id in door.guards:
            if room_id != anchor.id and room_id in where:
                target = where[room_id]
                parts.append(
                    f'<line x1="{dx}" y1="{dy}" x2="{target.x}" y2="{target.y + BOX_H // 2}" '
                    'stroke="#6a1b9a" stroke-dasharray="5 4" stroke-width="1.5"/>'
                )
    for room in shown.rooms:
        colour = colours.get(room.id, hex_of("grey"))
        detectors = html.escape(", ".join(room.points) or _t("web.plan.no_detector"))
        parts.append(
            f'<g data-plan-room="{room.id}" data-x="{room.x}" data-y="{room.y}" '
            f'data-testid="plan-room-{room.id}" data-severity="{severities.get(room.id, "")}" '
            f'transform="translate({room.x} {room.y})" style="cursor: move">'
            f'<rect width="{BOX_W}" height="{BOX_H}" rx="6" fill="{colour}" fill-opacity="0.15" '
            f'stroke="{colour}" stroke-width="3"/>'
            f'<text x="10" y="26" font-size="17" font-weight="bold">{html.escape(room.name)}</text>'
            f'<text x="10" y="52" font-size="12" fill="#37474f">{detectors}</text>'
            "</g>"
        )
    for door in shown.doors:
        anchor = where.get(door.at_room) if door.at_room is not None else None
        if anchor is None:
            continue
        x, y = anchor.x - 9, anchor.y + BOX_H // 2 - 16
        parts.append(
            f'<g data-testid="plan-door-{html.escape(door.code)}">'
            f'<rect x="{x}" y="{y}" width="18" height="32" fill="#6a1b9a"/>'
            f'<text x="{x - 4}" y="{y + 48}" font-size="11" text-anchor="end" fill="#6a1b9a">'
            f"{html.escape(door.code)}</text></g>"
        )
    return (
        f'<svg viewBox="-20 -10 {shown.width + 40} {shown.height + 20}" '
        f'style="width: 100%; max-width: {shown.width + 40}px; touch-action: none" '
        f'xmlns="http://www.w3.org/2000/svg" data-testid="plan">{"".join(parts)}</svg>'
    )


@ui.page("/plan")
def plan_page(building: int | None = None) -> None:
    who = session.require("/plan" if building is None else f"/plan?building={building}")
    if who is None:
        return
    page = frame("web.nav.plan", who)
    ui.add_body_html(_DRAG_SCRIPT)
    context = state.context()
    with context.unit_of_work(who) as db:
        views = room_views(db, who)
    buildings: dict[int, str] = {}
    for view in views:
        buildings.setdefault(
            view.building_id,
            view.building or _t("web.monitor.building_n", id=view.building_id),
        )
    if not buildings:
        ui.label(_t("web.monitor.no_rooms"))
        return
    chosen = building if building in buildings else next(iter(buildings))
    ui.select(
        buildings,
        value=chosen,
        label=_t("web.plan.building"),
        on_change=lambda e: ui.navigate.to(f"/plan?building={e.value}"),
    ).classes("w-72 max-w-full").props("data-testid=plan-building")
    ui.label(_t("web.plan.help")).classes("text-caption text-grey-8")

    @ui.refreshable
    def drawing() -> None:
        shown, colours, severities = _load(who, chosen)
        if shown is None:
            ui.label(_t("scope.not_found"))
            return
        ui.html(_svg(shown, colours, severities), sanitize=False).classes("w-full")
        with ui.row().classes("gap-3 text-caption").props("data-testid=plan-legend"):
            for severity in SEVERITIES:
                with ui.row().classes("items-center gap-1 no-wrap"):
                    ui.element("span").style(
                        f"width: 12px; height: 12px; "
                        f"background: {hex_of(SEVERITY_COLOURS[severity])}"
                    )
                    ui.label(_t(f"console.severity.{severity}"))

    def placed(event: events.GenericEventArguments) -> None:
        args: dict[str, Any] = event.args
        try:
            data = PlacementIn(x=int(args["x"]), y=int(args["y"]))
            with context.unit_of_work(who) as db:
                plan.place_room(db, who, int(args["room"]), data)
        except (DomainError, ValueError, KeyError) as exc:
            text = _t(exc.code, **exc.params) if isinstance(exc, DomainError) else str(exc)
            ui.notify(text, type="negative")
        drawing.refresh()

    ui.on("plan_place", placed)
    drawing()
    touched: set[object] = set()
    page.feed.on("alarm", lambda e: touched.add(e.get("room_id")))
    page.feed.on("point", lambda e: touched.add(e.get("room_id")))

    def live() -> None:
        if touched:
            touched.clear()
            drawing.refresh()

    ui.timer(LIVE_REFRESH_S, live)


def _load(
    who: Principal, building_id: int
) -> tuple[PlanOut | None, dict[int, str], dict[int, str]]:
    context = state.context()
    max_stay = timedelta(minutes=context.settings.occupancy_max_stay_minutes)
    try:
        with context.unit_of_work(who) as db:
            shown = plan.building_plan(db, who, building_id)
            views = [
                v
                for v in room_views(db, who, present=state.runtime().present)
                if v.building_id == building_id
            ]
            ranked = dangers(db, views, context.clock.now(), max_stay)
    except DomainError:
        return None, {}, {}
    colours = {d.facts.room_id: hex_of(d.colour) for d in ranked}
    severities = {d.facts.room_id: str(d.severity) for d in ranked}
    return shown, colours, severities
