"""The replay as a picture: O2 (simulated, measured, modelled) and the tank level over time,
with the scenario's events and HazWatch's first alarms marked. Drawn from the result JSON
alone (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

STYLE = {"simulated": "-", "measured": "--", "modelled": ":"}


def render(result: dict[str, Any], path: Path) -> Path:
    times = [datetime.fromisoformat(t) for t in result["times"]]
    zone = times[0].tzinfo if times else None
    figure, (o2_axis, level_axis) = plt.subplots(
        2, 1, sharex=True, figsize=(11, 6.5), height_ratios=(3, 1.4)
    )
    for series in result["series"]:
        values = [float("nan") if v is None else v for v in series["values"]]
        label = f"{series['name']} ({series['kind']})"
        if series["quantity"] in ("o2", "o2_modelled"):
            o2_axis.plot(times, values, STYLE[series["kind"]], label=label, linewidth=1.2)
        elif series["quantity"] == "tank_level":
            level_axis.plot(times, values, STYLE[series["kind"]], label=label, linewidth=1.0)
    for level in (19.5, 18.0):
        o2_axis.axhline(level, color="tab:red", linewidth=0.6, alpha=0.5)
    for event in result["events"]:
        at = datetime.fromisoformat(event["at"])
        colour = "tab:gray"
        if event["type"] == "door_attempt":
            colour = "tab:green" if event["allowed"] else "tab:red"
        for axis in (o2_axis, level_axis):
            axis.axvline(at, color=colour, linewidth=0.8, linestyle="-.")
        name = event.get("door") or event.get("source") or event.get("fan") or event.get("set")
        o2_axis.annotate(
            f"{event['type']} {name}", (at, 21.5), rotation=90, fontsize=7, va="top", ha="right"
        )
    first = result["outcomes"]["first_o2_alarm"], result["outcomes"]["first_leak_alarm"]
    for marker, colour in zip(first, ("tab:orange", "tab:purple"), strict=True):
        if marker is not None:
            level_axis.axvline(datetime.fromisoformat(marker["at"]), color=colour, linewidth=1.5)
    o2_axis.set_ylabel("O2 (%vol)")
    o2_axis.set_ylim(0, 22)
    o2_axis.legend(loc="lower left", fontsize=8)
    level_axis.set_ylabel("level (mm)")
    level_axis.legend(loc="lower left", fontsize=8)
    level_axis.xaxis.set_major_formatter(
        mdates.DateFormatter("%H:%M", tz=zone)  # type: ignore[no-untyped-call]
    )
    o2_axis.set_title(result["scenario"]["name"])
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
