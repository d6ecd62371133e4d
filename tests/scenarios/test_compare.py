"""The 2·7 comparison the replay page opens on (issue 13 item 4), from real replay results
(tests/web/data): the story aligned minute by minute, escalations folded, the key events to
mark, and a chart whose legend clears the slider and whose shading does not fill the plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hazwatch.scenarios.compare import aligned, folded, key_events
from hazwatch.web import charts

DATA = Path(__file__).resolve().parents[1] / "web" / "data"


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA / f"replay_2_7_{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def should() -> dict[str, Any]:
    return _load("as_it_should_have_been")


@pytest.fixture(scope="module")
def was() -> dict[str, Any]:
    return _load("as_it_was")


def test_each_alarms_escalation_is_one_line(should: dict[str, Any]) -> None:
    lines = [e["text"] for e in folded(should, "en") if e["text"].startswith("alarm #")]
    alarms = {s["alarm_id"] for s in should["escalations"] if s["round"] == 0} - {None}
    assert len(lines) == len(alarms) >= 1
    first = should["outcomes"]["first_o2_alarm"]["at"][11:16]
    assert lines[0].startswith(f"alarm #1 escalated {first}–") and "duty officer" in lines[0]
    assert not any("None" in e["text"] for e in folded(should, "en"))


def test_the_report_and_hazwatch_share_one_time_column(should: dict[str, Any]) -> None:
    rows = {row.at: row for row in aligned(should, "zh_CN")}
    assert list(rows) == sorted(rows)
    assert "实验员" in " ".join(rows["08:22"].actual)
    assert "拒绝" in " ".join(rows["08:22"].hazwatch)  # the reader refused him
    first = rows[should["outcomes"]["first_o2_alarm"]["at"][11:16]]
    assert first.actual == [] and first.hazwatch  # HazWatch alone acts


def test_key_events_are_the_release_alarm_fan_and_refusals(should: dict[str, Any]) -> None:
    marks = [(m["at"][11:16], m["kind"]) for m in key_events(should, "en")]
    assert ("04:30", "release_start") in marks
    first = should["outcomes"]["first_o2_alarm"]["at"][11:16]
    assert (first, "alarm") in marks
    assert (first, "fan_started") in marks
    assert ("08:22", "entry_refused") in marks
    assert len(marks) == len(set(marks))


def test_the_comparison_chart(was: dict[str, Any], should: dict[str, Any]) -> None:
    marks = key_events(should, "en")
    options = charts.comparison(was, should, {"was": "as it was", "should": "should"}, marks)
    assert [s["name"] for s in options["series"]] == ["as it was", "should"]
    assert options["legend"]["top"] == 0
    slider = options["dataZoom"][1]
    assert slider["type"] == "slider" and slider["bottom"] + slider["height"] < 80
    assert options["grid"]["bottom"] >= 80  # the slider sits under the plot, the legend over
    assert all("markArea" not in s for s in options["series"])  # no band over the plot
    lines = options["series"][0]["markLine"]["data"]
    assert [m["name"] for m in lines if "yAxis" in m] == ["LL 18", "L 19.5"]
    assert len([m for m in lines if "xAxis" in m]) == len(marks)
    # as it was, O2 falls to nothing; as it should have been, the exhaust holds it
    assert min(v[1] for v in options["series"][0]["data"]) < 1
    assert min(v[1] for v in options["series"][1]["data"]) > 19


def test_the_single_replay_chart_names_rooms_not_keys(should: dict[str, Any]) -> None:
    options = charts.replay(should, "alarm", {"simulated": "simulated"})
    assert "干燥房1 (simulated)" in options["legend"]["data"]
    assert not any("dry_room_1" in name for name in options["legend"]["data"])
