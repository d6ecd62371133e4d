"""Enumerations of transport (labels in ``locale/*/district.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


class ZoneKind(Choice):
    """A restricted segment or area (bridge, tunnel, water source: hazardous goods barred in
    its time windows), or a speed zone setting the road's limit (an expressway: 80 km/h)."""

    RESTRICTED = "restricted"
    SPEED = "speed"


@with_colours({"restricted": "red", "speeding": "orange"})
class WarningKind(Choice):
    RESTRICTED = "restricted"
    SPEEDING = "speeding"
