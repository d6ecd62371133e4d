"""The map's layers (labels in ``locale/*/map.po`` under ``choice.MapLayer.*``), in drawing
order: areas first, points last (on top)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


@with_colours(
    {
        "parks": "blue",
        "zones": "red",
        "sites": "grey",
        "major_hazards": "orange",
        "alarms": "red",
        "warnings": "orange",
        "manifests": "yellow",
        "waste_stores": "purple",
        "vehicles": "green",
    }
)
class MapLayer(Choice):
    PARKS = "parks"
    ZONES = "zones"
    SITES = "sites"
    MAJOR_HAZARDS = "major_hazards"
    MANIFESTS = "manifests"
    WASTE_STORES = "waste_stores"
    ALARMS = "alarms"
    WARNINGS = "warnings"
    VEHICLES = "vehicles"
