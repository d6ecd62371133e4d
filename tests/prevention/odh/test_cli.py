"""``hazwatch odh show/assess`` as an operator types them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context) -> DemoIds:
    with cli_on_context.unit_of_work() as session:
        return load_demo(session)


def test_show_and_assess_the_dry_room(demo: DemoIds) -> None:
    shown = runner.invoke(app, ["odh", "show", str(demo["dry_room_1"])])
    assert shown.exit_code == 0, shown.output
    assert "ODH class 3" in shown.output and "φ = 1.00e-02/h" in shown.output
    assert "release, no exhaust" in shown.output and "O2 0.0 %" in shown.output
    every = runner.invoke(app, ["odh", "assess", "--all"])
    assert every.exit_code == 0 and "ODH class 3" in every.output
    office = runner.invoke(app, ["odh", "assess", str(demo["changing_room"])])
    assert office.exit_code == 2 and "no inert-gas source" in office.output
    missing = runner.invoke(app, ["odh", "show", "999999"])
    assert missing.exit_code == 3
