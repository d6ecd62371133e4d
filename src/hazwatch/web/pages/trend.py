"""A point's trend: its history (downsampled by the monitoring service, dips kept) with the
alarm bands ending at their thresholds, the limits as labelled lines, the alarms marked on
the time axis, the current value, a CSV export of the shown range; extended live as
readings arrive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nicegui import ui

from hazwatch.core.errors import DomainError
from hazwatch.monitoring import service as monitoring
from hazwatch.web import charts, session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t
from hazwatch.web.widgets import badge

PERIODS_H = {1: "1 h", 6: "6 h", 24: "24 h", 168: "7 d"}


@ui.page("/points/{point_id}")
def trend_page(point_id: int) -> None:
    path = f"/points/{point_id}"
    who = session.require(path)
    if who is None:
        return
    page = frame("web.trend.title", who)
    context = state.context()
    try:
        with context.unit_of_work(who) as db:
            point = monitoring.get_point(db, who, point_id)
            name, unit, kind = point.name or point.code, point.unit, point.kind
            code = point.code
            deviation = point.storage_deviation
            bands = charts.alarm_bands(point.low_low, point.low, point.high, point.high_high)
            limits = {
                name: float(value)
                for name in ("low_low", "low", "high", "high_high")
                if (value := getattr(point, name)) is not None
            }
            alarm_ids = [
                a.id
                for a in monitoring.list_alarms(db, who, active_only=False)
                if a.point_id == point_id
            ]
    except DomainError as exc:
        ui.label(_t(exc.code, **exc.params)).classes("text-negative")
        return
    with ui.row().classes("items-center gap-3 w-full"):
        ui.label(name).classes("text-h6")
        if kind == "o2_modelled":
            badge(_t("web.point.modelled"), "blue", "modelled")
        ui.space()
        current = ui.label("").classes("text-h6 text-weight-bold").props("data-testid=current")
        period = ui.select(PERIODS_H, value=6, label=_t("web.history.period")).classes("w-28")
        export = ui.button(_t("console.trend.csv"), icon="download").props(
            "outline dense data-testid=csv"
        )
    chart = ui.echart(charts.trend(name, unit, [], bands, limits=limits)).classes("w-full")
    chart.style("height: 420px")
    chart.props("data-testid=trend")
    storage = _t(
        "web.trend.storage",
        deviation=f"{deviation:f}",
        unit=unit,
        seconds=context.settings.storage_max_interval_s,
    )
    ui.label(storage).classes("text-caption text-grey-7").props("data-testid=storage")

    shown: dict[str, Any] = {"rows": []}

    def load(newest: dict[str, Any] | None = None) -> None:
        end = context.clock.now()
        start = end - timedelta(hours=int(period.value))
        with context.unit_of_work(who) as db:
            _resolution, rows = monitoring.history(db, who, point_id, start, end)
            raised = [
                e.at
                for alarm_id in alarm_ids
                for e in monitoring.alarm_events(db, who, alarm_id=alarm_id, since=start)
                if e.event == "raise"
            ]
        if newest is not None:
            rows = charts.with_newest(rows, newest)
        shown["rows"] = rows
        present = state.runtime().present(point_id)
        if present is not None and present.quality == "good" and present.value is not None:
            current.set_text(f"{present.value:.1f} {unit}")
        elif present is not None:
            current.set_text(_t("web.point.unknown"))
        elif rows:
            current.set_text(f"{rows[-1]['value']:.1f} {unit}")
        chart.options.update(
            charts.trend(
                name,
                unit,
                rows,
                bands,
                limits=limits,
                alarms=raised,
                alarm_label=_t("console.trend.alarm"),
            )
        )
        chart.update()

    def download() -> None:
        zone = context.settings.timezone
        stamp = context.clock.now().strftime("%Y%m%d-%H%M")
        ui.download.content(
            charts.csv_of(shown["rows"], unit, zone), f"{code}-{stamp}.csv", "text/csv"
        )

    export.on_click(download)

    def live(event: dict[str, Any]) -> None:
        if event.get("point_id") == point_id:
            load(event)

    period.on_value_change(lambda: load())
    page.feed.on("point", live)
    load()
