"""``hazwatch risk events|map`` as an operator types them (English)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context) -> DemoIds:
    with cli_on_context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(cli_on_context))


def test_events_and_map(demo: DemoIds) -> None:
    shown = runner.invoke(app, ["risk", "events", "--as", "lab"])
    assert shown.exit_code == 0, shown.output
    first = shown.output.splitlines()[0]
    assert "[Major (red)]" in first and "LS risk matrix, L=4 × S=5, 20" in first
    assert "Engineering: " in shown.output
    red = runner.invoke(app, ["risk", "events", "--level", "red", "--json"])
    assert {e["title"] for e in json.loads(red.output)} == {"氮气泄漏致缺氧窒息"}
    mapped = runner.invoke(app, ["risk", "map", "--site", str(demo["plant"])])
    assert mapped.exit_code == 0, mapped.output
    assert "1号钢棚/干燥房1: Major (red) (1 events)" in mapped.output
    everything = json.loads(runner.invoke(app, ["risk", "map", "--json"]).output)
    assert {m["site_id"] for m in everything} >= {demo["plant"], demo["chem_site"]}
