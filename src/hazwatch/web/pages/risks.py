"""The risk register's colour map (四色图): each site's rooms coloured by their highest current
risk, and the register below it (events with their factors, level and control measures)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from sqlalchemy import select

from hazwatch.core.scope import visible_organisations
from hazwatch.prevention.risks import service
from hazwatch.prevention.risks.choices import ControlKind
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod
from hazwatch.registry.models import Building, Room, Site
from hazwatch.web import session, state, widgets
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label
from hazwatch.web.widgets import badge, hex_of


@ui.page("/risks")
def risks_page(site: int | None = None) -> None:
    who = session.require("/risks")
    if who is None:
        return
    frame("web.nav.risks", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        visible = visible_organisations(db, who)
        with_rooms = select(Building.site_id).join(Room, Room.building_id == Building.id)
        if visible is not None:
            with_rooms = with_rooms.where(Room.organisation_id.in_(visible))
        query = select(Site).where(Site.id.in_(with_rooms))
        sites = {s.id: s.name for s in db.scalars(query.order_by(Site.id))}
        chosen = site if site in sites else next(iter(sites), None)
        rooms = service.colour_map(db, who, chosen) if chosen is not None else []
        events = service.list_events(db, who, chosen)
        controls = service.controls(db, [e.id for e, _o in events])
        factors = {
            e.id: (a.factors if (a := service.latest_assessment(db, e.id)) else {})
            for e, _o in events
        }
    if not sites:
        ui.label(_t("web.risk.no_site")).classes("text-grey-7")
        return
    ui.select(
        sites,
        value=chosen,
        label=_t("web.risk.site"),
        on_change=lambda e: ui.navigate.to(f"/risks?site={e.value}"),
    ).props("data-testid=site-select dense").classes("w-64")
    with ui.row().classes("gap-2 items-center"):
        for level in RiskLevel:
            badge(label(level), level.colour)
        badge(_t("risks.cli.none"), "grey")
    with ui.row().classes("gap-2 flex-wrap").props("data-testid=colour-map"):
        for room in rooms:
            colour = "grey" if room.level is None else room.level.colour
            with (
                ui.card()
                .classes("w-40 gap-0 text-white")
                .style(f"background:{hex_of(colour)}")
                .props(f"data-testid=room-{room.room_id} data-colour={colour}")
            ):
                ui.label(room.room).classes("text-subtitle1")
                ui.label(room.building).classes("text-caption")
                ui.label(label(room.level) if room.level else _t("risks.cli.none")).classes(
                    "text-caption"
                )
    ui.label(_t("web.risk.register")).classes("text-h6")
    columns = [
        {"name": "level", "label": _t("web.risk.level"), "field": "level", "align": "left"},
        {"name": "object", "label": _t("web.risk.object"), "field": "object", "align": "left"},
        {"name": "title", "label": _t("web.risk.event"), "field": "title", "align": "left"},
        {"name": "method", "label": _t("web.risk.method"), "field": "method", "align": "left"},
        {"name": "factors", "label": _t("web.risk.factors"), "field": "factors"},
        {"name": "score", "label": _t("web.risk.score"), "field": "score"},
        {
            "name": "controls",
            "label": _t("web.risk.controls"),
            "field": "controls",
            "align": "left",
        },
    ]
    rows: list[dict[str, Any]] = [
        {
            "id": e.id,
            "level": label(RiskLevel(e.level)) if e.level else "-",
            "object": o.name,
            "title": e.title,
            "method": label(RiskMethod(e.method)),
            "factors": " × ".join(f"{k}={v}" for k, v in factors[e.id].items()),
            "score": str(e.score),
            "controls": "；".join(
                f"{label(ControlKind(c.kind))}：{c.description}" for c in controls.get(e.id, [])
            ),
        }
        for e, o in events
    ]
    widgets.table(columns, rows).props("data-testid=register flat wrap-cells")
