"""ECharts options for the console's charts, as plain data (testable without a browser)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

#: Band colours: alarm bands in the regulators' palette, translucent over the trend.
BAND_RED = "rgba(211, 47, 47, 0.12)"
BAND_ORANGE = "rgba(239, 108, 0, 0.10)"
#: O2 low alarm, %vol (GB/T 50493-2019 practice; the minimum permissible, DOMAIN §3-4).
O2_LOW = 19.5


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def alarm_bands(
    low_low: Decimal | None,
    low: Decimal | None,
    high: Decimal | None,
    high_high: Decimal | None,
) -> list[list[dict[str, Any]]]:
    """Shaded value ranges where the point is in alarm (ECharts ``markArea`` pairs)."""
    bands = []
    if low_low is not None:
        bands.append(_band(None, float(low_low), BAND_RED))
    if low is not None:
        lower = float(low_low) if low_low is not None else None
        bands.append(_band(lower, float(low), BAND_ORANGE))
    if high is not None:
        upper = float(high_high) if high_high is not None else None
        bands.append(_band(float(high), upper, BAND_ORANGE))
    if high_high is not None:
        bands.append(_band(float(high_high), None, BAND_RED))
    return bands


def _band(lower: float | None, upper: float | None, colour: str) -> list[dict[str, Any]]:
    start: dict[str, Any] = {"itemStyle": {"color": colour}}
    start["yAxis"] = lower if lower is not None else "min"
    return [start, {"yAxis": upper if upper is not None else "max"}]


def with_newest(rows: list[dict[str, Any]], event: dict[str, Any]) -> list[dict[str, Any]]:
    """History followed by the reading a live event just announced: the event is published
    before its reading is written, and a reading inside the storage deviation is never
    written, so history alone would trail the gauge by a reading."""
    value, at = event.get("value"), event.get("at")
    if value is None or not at:
        return rows
    moment = datetime.fromisoformat(str(at))
    if rows and rows[-1]["t"] >= moment:
        return rows
    return [*rows, {"t": moment, "value": float(value)}]


def trend(
    name: str,
    unit: str,
    rows: list[dict[str, Any]],
    bands: list[list[dict[str, Any]]],
) -> dict[str, Any]:
    """A point's history with its alarm bands; time on a real time axis."""
    return {
        "animation": False,
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 60},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "dataZoom": [{"type": "inside"}, {"type": "slider"}],
        "series": [
            {
                "name": name,
                "type": "line",
                "showSymbol": False,
                "data": [[_ms(r["t"]), r["value"]] for r in rows],
                "markArea": {"silent": True, "data": bands},
            }
        ],
    }


def _wall_clock_ms(iso: str) -> int:
    """An ISO time's wall-clock reading placed on a UTC axis (the chart sets ``useUTC``): a
    replay is read in the scenario's zone (04:30 is 04:30 in Ningbo) whatever the browser's
    zone is."""
    return _ms(datetime.fromisoformat(iso).replace(tzinfo=UTC))


def replay(
    result: dict[str, Any], event_label: str, kind_labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """A replay result's O2 series (left axis, %vol) and tank level (right axis, mm) with the
    alarms raised marked on the time axis (in the scenario's wall-clock time); each series
    named with its kind (``simulated``, ``measured``, ``modelled``) in ``kind_labels``."""
    kinds = kind_labels or {}
    times = [_wall_clock_ms(at) for at in result["times"]]
    series = []
    legend = []
    for item in result["series"]:
        if item["unit"] not in ("%vol", "mm"):
            continue
        label = f"{item['name']} ({kinds.get(item['kind'], item['kind'])})"
        legend.append(label)
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "yAxisIndex": 0 if item["unit"] == "%vol" else 1,
                "lineStyle": {"type": "dashed"} if item["kind"] == "simulated" else {},
                "data": [[t, v] for t, v in zip(times, item["values"], strict=False)],
            }
        )
    raises = [
        a
        for a in result.get("alarms", [])
        if a["state"] == "active_unack" and a["previous_state"] != "active_unack"
    ]
    oxygen = next((s for s in series if s["yAxisIndex"] == 0), None)
    if oxygen is not None:
        oxygen["markLine"] = {
            "symbol": "none",
            "label": {"formatter": "{b}", "fontSize": 10},
            "lineStyle": {"color": "#d32f2f"},
            "data": [
                {"name": a.get("point") or event_label, "xAxis": _wall_clock_ms(a["at"])}
                for a in raises
            ],
        }
        oxygen["markArea"] = {
            "silent": True,
            "data": [[{"yAxis": 0, "itemStyle": {"color": BAND_RED}}, {"yAxis": O2_LOW}]],
        }
    return {
        "animation": False,
        "useUTC": True,
        "legend": {"data": legend, "type": "scroll"},
        "grid": {"left": 50, "right": 60, "top": 50, "bottom": 60},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "time"},
        "yAxis": [
            {"type": "value", "name": "O2 %vol", "min": 0, "max": 22},
            {"type": "value", "name": "mm", "scale": True},
        ],
        "dataZoom": [{"type": "inside"}, {"type": "slider"}],
        "series": series,
    }
