"""``hazwatch transport``: coverage below 100 % and a carrier short of staff exit 1; a
position in the tunnel prints its dispatched warning; coordinates out of range are refused
naming the field."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.district.transport.demo import IN_TUNNEL
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def test_transport_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        full_demo.load(session, Moment.of(context))
    overview = runner.invoke(app, ["transport", "overview", "--as", "regulator", "--json"])
    assert overview.exit_code == 1, overview.output
    assert json.loads(overview.stdout)["staffing"][0]["short"] is True
    lat, lon = IN_TUNNEL
    entered = runner.invoke(
        app, ["transport", "position", "浙B·D0456", str(lat), str(lon), "--speed", "30", "--json"]
    )
    assert entered.exit_code == 1, entered.output
    (warning,) = json.loads(entered.stdout)
    assert warning["zone"] == "海港隧道" and warning["dispatch_id"] is not None
    wrong = runner.invoke(app, ["transport", "position", "浙B·D0456", "95", str(lon)])
    assert wrong.exit_code == 2 and "[lat]" in wrong.output
    bow_tie = runner.invoke(
        app,
        [
            "transport",
            "add-zone",
            "--department",
            "1",
            "--name",
            "x",
            "--wkt",
            "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))",
        ],
    )
    assert bow_tie.exit_code == 2 and "[geometry]" in bow_tie.output
    zones = runner.invoke(app, ["transport", "zones", "--json"])
    assert {z["name"] for z in json.loads(zones.stdout)} >= {"海港隧道", "沿海高速海港段"}
    listed = runner.invoke(app, ["transport", "warnings", "--as", "regulator"])
    assert listed.exit_code == 0 and "海港隧道" in listed.stdout
