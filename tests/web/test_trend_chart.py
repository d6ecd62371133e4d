"""The trend chart's options (issue 13 item 3), without a browser: bands end at their
thresholds, limits are labelled lines, alarms are marked, time labels never overprint, and
the CSV holds the shown readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hazwatch.web import charts

T0 = datetime(2026, 2, 7, 4, 30, tzinfo=UTC)
LIMITS = {"low_low": 18.0, "low": 19.5, "high": 23.5}


def test_normal_air_sits_outside_every_band_and_the_limits_are_labelled() -> None:
    rows = [{"t": T0 + timedelta(minutes=i), "value": 20.9 + (i % 2) / 10} for i in range(10)]
    bands = charts.alarm_bands(Decimal("18"), Decimal("19.5"), Decimal("23.5"), None)
    options = charts.trend("O2", "%vol", rows, bands, limits=LIMITS, alarms=[T0], alarm_label="!")
    series = options["series"][0]
    areas = [(a["yAxis"], b["yAxis"]) for a, b in series["markArea"]["data"]]
    low, high = options["yAxis"]["min"], options["yAxis"]["max"]
    assert areas == [(low, 18.0), (18.0, 19.5), (23.5, high)]
    assert low < 18.0 and high > 23.5
    for value in (20.9, 21.0):
        assert not any(a <= value <= b for a, b in areas)
    lines = [m["name"] for m in series["markLine"]["data"] if "yAxis" in m]
    assert lines == ["LL 18", "L 19.5", "H 23.5"]
    marks = [m for m in series["markLine"]["data"] if "xAxis" in m]
    assert [m["xAxis"] for m in marks] == [int(T0.timestamp() * 1000)]
    assert options["xAxis"]["axisLabel"]["hideOverlap"] is True
    assert series["markPoint"]["label"]["formatter"] == "21.0"  # the newest value


def test_csv_of_the_shown_range_in_local_and_utc_time() -> None:
    text = charts.csv_of([{"t": T0, "value": 20.9}], "%vol", "Asia/Shanghai")
    assert text.splitlines() == [
        "time (Asia/Shanghai),time (UTC),value (%vol)",
        "2026-02-07 12:30:00,2026-02-07T04:30:00+00:00,20.9",
    ]
