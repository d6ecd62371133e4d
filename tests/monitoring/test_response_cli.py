"""``hazwatch escalation show`` and ``hazwatch notify test`` as an operator types them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds
from tests.monitoring.conftest import Received
from tests.services import free_port

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context) -> DemoIds:
    with cli_on_context.unit_of_work() as session:
        return full_demo.load(session)


def test_show_the_ladder_and_its_gaps(demo: DemoIds) -> None:
    shown = runner.invoke(app, ["escalation", "show", str(demo["lab"]), "--priority", "urgent"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[1].split()[:4] == ["+", "0", "min", "duty"]
    assert "console:console" in lines[1]
    assert any("landlord" in line and "console:console" in line for line in lines)
    supplier = runner.invoke(app, ["escalation", "show", str(demo["gas_supplier"])])
    assert supplier.exit_code == 1 and "reaches nobody" in supplier.output
    assert runner.invoke(app, ["escalation", "show", "999999"]).exit_code != 0


def test_notify_reports_the_outcome(demo: DemoIds, webhook: tuple[str, Received]) -> None:
    url, received = webhook
    sent = runner.invoke(app, ["notify", "test", "webhook", "--address", f"{url}/hook"])
    assert sent.exit_code == 0, sent.output
    assert "Delivered over webhook" in sent.output
    assert [(path, body["subject"]) for path, body in received.requests] == [
        ("/hook", "[HazWatch] test message")
    ]
    closed = free_port()
    failed = runner.invoke(
        app, ["notify", "test", "wecom", "--address", f"http://127.0.0.1:{closed}/x"]
    )
    assert failed.exit_code == 1 and "Delivery failed: ConnectError" in failed.output
    unknown = runner.invoke(app, ["notify", "test", "fax", "--address", "x"])
    assert unknown.exit_code == 2 and "Unknown channel fax" in unknown.output
