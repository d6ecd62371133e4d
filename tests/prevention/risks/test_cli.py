"""``hazwatch risk events|map`` as an operator types them (English)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.risks.models import RiskEvent
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


def test_objects_events_controls_and_gradings_from_the_command_line(
    demo: DemoIds, cli_on_context: Context
) -> None:
    def run(*args: str) -> Any:
        return runner.invoke(app, [*args, "--as", "lab", "--json"])

    def events() -> int:
        with cli_on_context.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(RiskEvent)) or 0)

    org, site = str(demo["lab"]), str(demo["plant"])
    made = run("risk", "object-add", "--org", org, "--site", site, "--name", "氮气汇流排")
    assert made.exit_code == 0, made.output
    obj = str(json.loads(made.stdout)["id"])
    assert obj in {str(o["id"]) for o in json.loads(run("risk", "objects").stdout)}
    before = events()
    for factors, field in ((["-f", "L=7", "-f", "S=4"], "factors.L"), (["-f", "L=3"], "factors.S")):
        refused = run("risk", "event-add", obj, "--title", "软管脱落", *factors)
        assert refused.exit_code == 2 and f"[{field}]" in refused.output, refused.output
    assert events() == before  # nothing stored
    event = run("risk", "event-add", obj, "--title", "软管脱落", "-f", "L=3", "-f", "S=4")
    assert json.loads(event.stdout)["level"] == "yellow"
    ident = str(json.loads(event.stdout)["id"])
    graded = run("risk", "assess", ident, "-f", "L=5", "-f", "S=4")
    assert json.loads(graded.stdout)["level"] == "red"
    control = run("risk", "control-add", ident, "--kind", "engineering", "-m", "软管加卡箍")
    assert json.loads(control.stdout)["description"] == "软管加卡箍"
    chem = runner.invoke(app, ["risk", "assess", ident, "-f", "L=1", "-f", "S=1", "--as", "chem"])
    assert chem.exit_code in (3, 5), chem.output  # another enterprise's register


def test_objects_and_events_are_changed_and_retired_from_the_command_line(
    demo: DemoIds,
) -> None:
    def run(*args: str, user: str = "lab") -> Any:
        return runner.invoke(app, ["risk", *args, "--as", user, "--json"])

    org, site = str(demo["lab"]), str(demo["plant"])
    added = run("object-add", "--org", org, "--site", site, "--name", "汇流排")
    obj = str(json.loads(added.stdout)["id"])
    made = run("event-add", obj, "--title", "软管脱落", "-f", "L=3", "-f", "S=4")
    event = str(json.loads(made.stdout)["id"])
    assert run("object-edit", obj, "--name", "x", user="chem").exit_code != 0
    assert run("object-edit", obj, "--kind", "volcano").exit_code == 2
    renamed = run("object-edit", obj, "--name", "氮气汇流排")
    assert renamed.exit_code == 0 and json.loads(renamed.stdout)["name"] == "氮气汇流排"
    reworded = run("event-edit", event, "--consequence", "缺氧窒息")
    assert json.loads(reworded.stdout)["consequence"] == "缺氧窒息"
    assert run("event-retire", event).exit_code == 0
    listed = json.loads(run("events").stdout)
    assert int(event) not in {e["id"] for e in listed}
    assert run("event-edit", event, "--title", "y").exit_code != 0
    assert run("object-retire", obj).exit_code == 0
    assert int(obj) not in {o["id"] for o in json.loads(run("objects").stdout)}
