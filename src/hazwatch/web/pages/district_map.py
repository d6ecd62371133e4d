"""The district map (issue 16 item 7): parks as outlines, restricted road segments, sites,
construction projects under admission review, major hazards, waste manifests and stores,
emergency equipment, rescue teams and recent resource dispatches, open alarms and warnings,
and vehicles where they last reported, for the person's organisations and jurisdiction.
Tiles come from the ``map_tile_url`` setting; without one (no internet) the layers are
drawn on a plain background. Leaflet's script and style ship in NiceGUI's wheel; NiceGUI's default
OpenStreetMap tile layer is removed, so nothing is fetched from the internet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nicegui import app, ui
from nicegui.elements.leaflet.leaflet_layer import Layer

from hazwatch.district.map import service
from hazwatch.district.map.choices import MapLayer
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language
from hazwatch.web.widgets import hex_of

MAP_SCRIPT = app.add_static_file(
    local_file=Path(__file__).resolve().parents[1] / "static" / "hazwatch-map.js",
    url_path="/static/hazwatch-map.js",
)
#: Where the view starts before it fits the layers (the demo district; zoomed out).
START = (29.9, 121.7)
PLAIN_BACKGROUND = "#eef1f4"


@ui.page("/district/map")
def map_page() -> None:
    who = session.require("/district/map")
    if who is None:
        return
    frame("web.nav.map", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        found = service.layers(db, who, Moment.of(context), language())
    box = service.bounds(found.values())
    tiles = context.settings.map_tile_url
    if not tiles:
        ui.label(_t("map.no_tiles")).classes("text-caption text-grey-8").props(
            "data-testid=map-no-tiles"
        )
    shown = (
        ui.leaflet(center=START, zoom=10, additional_resources=[MAP_SCRIPT])
        .classes("w-full")
        .style(f"height: 65vh; background: {PLAIN_BACKGROUND}")
        .props("data-testid=map")
    )
    shown.clear_layers()
    if tiles:
        shown.tile_layer(
            url_template=tiles,
            options={"attribution": context.settings.map_tile_attribution, "maxZoom": 19},
        )
    drawn: dict[str, Layer] = {}

    def draw(key: str) -> None:
        data: dict[str, Any] = found[key]
        for item in data["features"]:
            item["properties"]["hex"] = hex_of(item["properties"]["colour"])
        drawn[key] = shown.generic_layer(name="hazwatchLayer", args=[data])

    def toggle(key: str, visible: bool) -> None:
        if visible and key not in drawn:
            draw(key)
        elif not visible and key in drawn:
            shown.remove_layer(drawn.pop(key))

    for key in found:
        draw(key)

    async def fit() -> None:
        await shown.initialized()
        if box is not None:
            south, west, north, east = box
            shown.run_map_method("fitBounds", [[south, west], [north, east]], {"padding": [24, 24]})

    ui.timer(0.1, fit, once=True)
    with ui.row().classes("w-full gap-x-4 gap-y-1 items-center").props("data-testid=map-legend"):
        for key, data in found.items():
            with ui.row().classes("items-center gap-1 no-wrap").props(f"data-testid=legend-{key}"):
                ui.element("span").style(
                    f"width: 12px; height: 12px; border-radius: 6px; "
                    f"background: {hex_of(MapLayer(key).colour)}"
                )
                ui.checkbox(
                    f"{data['label']} ({len(data['features'])})",
                    value=True,
                    on_change=lambda e, key=key: toggle(key, bool(e.value)),
                ).props(f"dense data-testid=toggle-{key}")
    with ui.column().classes("w-full gap-1").props("data-testid=map-features"):
        for data in found.values():
            for item in data["features"]:
                ui.label(f"{data['label']} · {item['properties']['label']}").classes(
                    "text-body2"
                ).props(f"data-testid=feature-{item['id']}")
