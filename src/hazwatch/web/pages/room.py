"""A room's detail (issue 16 item 7): its floor plan sketch, to scale when its length and
width are registered, with its detectors (value and state), the doors guarding it (red
when the door check refuses entry) and who is inside as the door events and exits tell
(monitoring occupancy), so a rescuer sees at a glance who to look for and where."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

from nicegui import ui

from hazwatch.monitoring.occupancy import service as occupancy
from hazwatch.monitoring.occupancy.service import Occupant
from hazwatch.registry.models import Room
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.rooms import RoomView, room_views
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import hex_of

#: Plan pixels per metre, and the box drawn when the room's size is not registered.
SCALE = 60
UNKNOWN_SIZE = (Decimal(6), Decimal(4))
MARGIN = 40


def sketch(view: RoomView, room: Room, inside: list[Occupant]) -> str:
    """The room as SVG: walls to scale, detectors along the far wall, doors on the near
    wall, a figure per person inside."""
    sized = room.length_m is not None and room.width_m is not None
    length, width = (room.length_m, room.width_m) if sized else UNKNOWN_SIZE
    w, h = int(float(length or 6) * SCALE), int(float(width or 4) * SCALE)
    colour = hex_of(view.colour)
    dashed = "" if sized else ' stroke-dasharray="10 6"'
    size = _t("web.room.size", length=length, width=width) if sized else _t("web.room.size_unknown")
    parts = [
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{w}" height="{h}" fill="{colour}" '
        f'fill-opacity="0.08" stroke="#37474f" stroke-width="4"{dashed}/>',
        f'<text x="{MARGIN + 8}" y="{MARGIN + h - 10}" font-size="13" fill="#37474f">'
        f"{html.escape(size)}</text>",
    ]
    for n, point in enumerate(view.points):
        x = MARGIN + (n + 1) * w // (len(view.points) + 1)
        known = point.known and not point.conditions
        shown = "?" if point.value is None else f"{point.value:g}"
        parts.append(
            f'<g data-testid="room-detector-{html.escape(point.code)}">'
            f'<circle cx="{x}" cy="{MARGIN + 22}" r="11" '
            f'fill="{hex_of("green" if known else "red")}"/>'
            f'<text x="{x}" y="{MARGIN + 52}" font-size="12" text-anchor="middle">'
            f"{html.escape(point.code)} {html.escape(shown)} {html.escape(point.unit)}</text></g>"
        )
    for n, door in enumerate(view.doors):
        y = MARGIN + (n + 1) * h // (len(view.doors) + 1) - 20
        parts.append(
            f'<g data-testid="room-door-{html.escape(door.code)}">'
            f'<rect x="{MARGIN - 8}" y="{y}" width="16" height="40" '
            f'fill="{hex_of("green" if door.entry_allowed else "red")}"/>'
            f'<text x="{MARGIN + 14}" y="{y + 24}" font-size="12">{html.escape(door.code)}</text>'
            "</g>"
        )
    for n, person in enumerate(inside):
        x = MARGIN + 50 + (n % 6) * 70
        y = MARGIN + h // 2 + (n // 6) * 50
        parts.append(
            f'<g data-testid="room-person">'
            f'<circle cx="{x}" cy="{y - 12}" r="7" fill="#1f3a5f"/>'
            f'<rect x="{x - 7}" y="{y - 3}" width="14" height="18" rx="4" fill="#1f3a5f"/>'
            f'<text x="{x}" y="{y + 30}" font-size="12" text-anchor="middle">'
            f"{html.escape(person.person)}</text></g>"
        )
    return (
        f'<svg viewBox="0 0 {w + 2 * MARGIN} {h + 2 * MARGIN}" xmlns="http://www.w3.org/2000/svg" '
        f'style="width: 100%; max-width: {w + 2 * MARGIN}px" data-testid="room-sketch">'
        f"{''.join(parts)}</svg>"
    )


@ui.page("/rooms/{room_id}")
def room_page(room_id: int) -> None:
    who = session.require(f"/rooms/{room_id}")
    if who is None:
        return
    frame("web.room.title", who)
    context = state.context()
    now = context.clock.now()
    max_stay = timedelta(minutes=context.settings.occupancy_max_stay_minutes)
    with context.unit_of_work(who) as db:
        views = room_views(db, who, room_id=room_id, present=state.runtime().present)
        room = db.get(Room, room_id) if views else None
        inside = occupancy.room_occupants(db, room_id, now, max_stay) if views else []
    if not views or room is None:
        ui.label(_t("scope.not_found")).classes("text-negative")
        return
    view = views[0]
    ui.label(f"{view.name} · {view.site}").classes("text-h6").props("data-testid=room-name")
    ui.html(sketch(view, room, inside), sanitize=False).classes("w-full")
    ui.label(_t("web.room.inside", count=len(inside))).classes("text-subtitle1").props(
        "data-testid=room-inside"
    )
    if not view.doors:
        ui.label(_t("web.room.no_door_events")).classes("text-caption text-grey-8")
    for person in inside:
        ui.label(
            _t(
                "web.room.person",
                person=person.person,
                door=person.door,
                at=local_time(person.entered_at, "%m-%d %H:%M"),
            )
        ).classes("text-body2").props("data-testid=room-occupant")
