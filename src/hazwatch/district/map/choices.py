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
        "projects": "purple",
        "equipment": "teal",
        "coverage": "orange",
    }
)
class MapLayer(Choice):
    PARKS = "parks"
    ZONES = "zones"
    SITES = "sites"
    PROJECTS = "projects"
    MAJOR_HAZARDS = "major_hazards"
    COVERAGE = "coverage"
    MANIFESTS = "manifests"
    WASTE_STORES = "waste_stores"
    EQUIPMENT = "equipment"
    ALARMS = "alarms"
    WARNINGS = "warnings"
    VEHICLES = "vehicles"
