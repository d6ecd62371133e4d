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
#: O2 low-low alarm, %vol (DOMAIN §4).
O2_LOW_LOW = 18.0


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


def axis_range(values: list[float], limits: list[float]) -> tuple[float, float]:
    """The value axis: every limit and every value inside it, with a little room, so a band
    ends where its threshold is and never at whatever the data's maximum happens to be."""
    shown = [*values, *limits]
    if not shown:
        return 0.0, 1.0
    low, high = min(shown), max(shown)
    pad = max((high - low) * 0.08, 0.5)
    return round(low - pad, 1), round(high + pad, 1)


def bounded_bands(
    bands: list[list[dict[str, Any]]], lower: float, upper: float
) -> list[list[dict[str, Any]]]:
    """``alarm_bands`` with their open ends ("min"/"max") closed at the axis range."""
    out = []
    for start, end in bands:
        first = start["yAxis"] if start["yAxis"] != "min" else lower
        last = end["yAxis"] if end["yAxis"] != "max" else upper
        out.append([{**start, "yAxis": first}, {**end, "yAxis": last}])
    return out


#: Labels of the limit lines, by setpoint.
LIMIT_NAMES = {"low_low": "LL", "low": "L", "high": "H", "high_high": "HH"}


def limit_lines(limits: dict[str, float]) -> list[dict[str, Any]]:
    """One labelled horizontal line per configured setpoint (``L 19.5``)."""
    colours = {"low_low": "#d32f2f", "low": "#ef6c00", "high": "#ef6c00", "high_high": "#d32f2f"}
    return [
        {
            "name": f"{LIMIT_NAMES[name]} {value:g}",
            "yAxis": value,
            "lineStyle": {"color": colours[name], "type": "dashed", "width": 1},
            "label": {"formatter": "{b}", "position": "insideEndTop", "fontSize": 11},
        }
        for name, value in limits.items()
    ]


def trend(
    name: str,
    unit: str,
    rows: list[dict[str, Any]],
    bands: list[list[dict[str, Any]]],
    *,
    limits: dict[str, float] | None = None,
    alarms: list[datetime] | None = None,
    alarm_label: str = "",
    narrow: bool = False,
) -> dict[str, Any]:
    """A point's history with its alarm bands (ending at their thresholds), its limits as
    labelled lines, its alarms marked on the time axis and its newest value labelled; time
    labels thin themselves out rather than overprint (fewer still on a phone)."""
    values = [float(r["value"]) for r in rows if r.get("value") is not None]
    lower, upper = axis_range(values, list((limits or {}).values()))
    marks = limit_lines(limits or {})
    marks += [
        {
            "name": alarm_label,
            "xAxis": _ms(at),
            "lineStyle": {"color": "#d32f2f", "type": "solid", "width": 1},
            "label": {"formatter": "{b}", "position": "end", "fontSize": 10},
        }
        for at in alarms or []
    ]
    newest = rows[-1] if rows else None
    return {
        "animation": False,
        "grid": {"left": 50, "right": 30 if narrow else 70, "top": 30, "bottom": 60},
        "tooltip": {"trigger": "axis"},
        "xAxis": time_axis(3 if narrow else 6),
        "yAxis": {"type": "value", "name": unit, "min": lower, "max": upper},
        "dataZoom": [{"type": "inside"}, {"type": "slider"}],
        "series": [
            {
                "name": name,
                "type": "line",
                "showSymbol": False,
                "data": [[_ms(r["t"]), r["value"]] for r in rows],
                "markArea": {"silent": True, "data": bounded_bands(bands, lower, upper)},
                "markLine": {"symbol": "none", "silent": True, "data": marks},
                "markPoint": {
                    "symbolSize": 0,
                    "label": {"formatter": f"{newest['value']:.1f}", "fontWeight": "bold"},
                    "data": [{"coord": [_ms(newest["t"]), newest["value"]]}],
                }
                if newest is not None and newest.get("value") is not None
                else {"data": []},
            }
        ],
    }


def time_axis(ticks: int) -> dict[str, Any]:
    """A time axis of about ``ticks`` labels that hides a label rather than overprint it."""
    return {"type": "time", "splitNumber": ticks, "axisLabel": {"hideOverlap": True}}


def csv_of(rows: list[dict[str, Any]], unit: str, zone: str) -> str:
    """The shown readings as CSV: local time, UTC time, value with its unit in the header."""
    from zoneinfo import ZoneInfo

    lines = [f"time ({zone}),time (UTC),value ({unit})"]
    for row in rows:
        moment: datetime = row["t"]
        local = moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{local},{moment.astimezone(UTC).isoformat()},{row['value']}")
    return "\n".join(lines) + "\n"


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
    rooms = result.get("scenario", {}).get("rooms") or {}
    times = [_wall_clock_ms(at) for at in result["times"]]
    series = []
    legend = []
    for item in result["series"]:
        if item["unit"] not in ("%vol", "mm"):
            continue
        name = rooms.get(item["name"], item["name"])  # 干燥房1, not dry_room_1
        label = f"{name} ({kinds.get(item['kind'], item['kind'])})"
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
                *(
                    {"name": a.get("point") or event_label, "xAxis": _wall_clock_ms(a["at"])}
                    for a in raises
                ),
                *limit_lines({"low_low": O2_LOW_LOW, "low": O2_LOW}),
            ],
        }
    return {
        "animation": False,
        "useUTC": True,
        "legend": {"data": legend, "type": "scroll", "top": 0},
        "grid": {"left": 50, "right": 60, "top": 50, "bottom": 80},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "time"},
        "yAxis": [
            {"type": "value", "name": "O2 %vol", "min": 0, "max": 22},
            {"type": "value", "name": "mm", "scale": True},
        ],
        "dataZoom": [{"type": "inside"}, {"type": "slider", "bottom": 8, "height": 24}],
        "series": series,
    }


def _o2_of_room(result: dict[str, Any], room: str | None) -> dict[str, Any] | None:
    """The simulated O2 series of ``room`` (the first simulated O2 when None)."""
    return next(
        (
            s
            for s in result["series"]
            if s["kind"] == "simulated" and s["unit"] == "%vol" and room in (None, s["name"])
        ),
        None,
    )


#: Marks closer than this share the chart's width: their labels go at different heights.
CLOSE_MARKS_MS = 45 * 60 * 1000
_LABEL_HEIGHTS = ("insideEndTop", "insideMiddleTop", "insideStartTop")


def _staggered(marks: list[dict[str, str]]) -> list[str]:
    """A label position for each mark (in time order): the next height along for a mark
    close to the one before, so vertical labels never print over each other."""
    positions: list[str] = []
    previous: int | None = None
    for mark in marks:
        at = _wall_clock_ms(mark["at"])
        close = previous is not None and at - previous < CLOSE_MARKS_MS
        index = (_LABEL_HEIGHTS.index(positions[-1]) + 1) % 3 if close else 0
        positions.append(_LABEL_HEIGHTS[index])
        previous = at
    return positions


def comparison(
    was: dict[str, Any],
    should: dict[str, Any],
    labels: dict[str, str],
    marks: list[dict[str, str]],
) -> dict[str, Any]:
    """The room's O2 as it was and as it should have been on one time axis (the scenario's
    wall clock), the low and low-low limits as labelled lines, the key events as labelled
    vertical marks; the line turns orange, then red, below the limits instead of a shaded
    band over most of the plot. ``labels``: ``was``, ``should`` (series names)."""
    series = []
    legend = []
    for key, result, colour in (("was", was, "#b71c1c"), ("should", should, "#2e7d32")):
        o2 = _o2_of_room(result, None)
        if o2 is None:
            continue
        times = [_wall_clock_ms(at) for at in result["times"]]
        legend.append(labels[key])
        series.append(
            {
                "name": labels[key],
                "type": "line",
                "showSymbol": False,
                "color": colour,
                "lineStyle": {"width": 2},
                "data": [[t, v] for t, v in zip(times, o2["values"], strict=False)],
            }
        )
    if series:
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "data": [
                *limit_lines({"low_low": O2_LOW_LOW, "low": O2_LOW}),
                *(
                    {
                        "name": mark["label"],
                        "xAxis": _wall_clock_ms(mark["at"]),
                        "lineStyle": {"color": mark["colour"], "type": "dotted", "width": 1},
                        "label": {
                            "formatter": "{b}",
                            "position": position,
                            "fontSize": 10,
                            "color": mark["colour"],
                        },
                    }
                    for mark, position in zip(marks, _staggered(marks), strict=True)
                ),
            ],
        }
    return {
        "animation": False,
        "useUTC": True,
        # the legend on top, the slider at the bottom: never on each other
        "legend": {"data": legend, "top": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 30, "top": 36, "bottom": 80},
        "tooltip": {"trigger": "axis"},
        "xAxis": time_axis(8),
        "yAxis": {"type": "value", "name": "O2 %vol", "min": 0, "max": 22},
        "visualMap": {
            "show": False,
            "seriesIndex": 0,
            "dimension": 1,
            "pieces": [
                {"lt": O2_LOW_LOW, "color": "#b71c1c"},
                {"gte": O2_LOW_LOW, "lt": O2_LOW, "color": "#ef6c00"},
                {"gte": O2_LOW, "color": "#546e7a"},
            ],
        },
        "dataZoom": [{"type": "inside"}, {"type": "slider", "bottom": 8, "height": 24}],
        "series": series,
    }
