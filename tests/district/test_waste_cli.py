"""``hazwatch waste``: the demo's short manifest fails reconciliation (exit 1); a bad code
or quantity is refused naming the field, and nothing is stored."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def test_manifests_issue_and_hand_over_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    listed = runner.invoke(app, ["waste", "manifests", "--as", "regulator", "--json"])
    assert listed.exit_code == 1, listed.output
    short = next(m for m in json.loads(listed.stdout) if m["id"] == demo["manifest_short"])
    assert short["fails_reconciliation"] is True
    base = [
        "waste",
        "issue",
        "--producer",
        str(demo["chem"]),
        "--carrier",
        str(demo["carrier"]),
        "--receiver",
        str(demo["disposer"]),
        "--plate",
        "浙B·C1",
        "--name",
        "废矿物油",
        "--as",
        "chem",
    ]
    bad_code = runner.invoke(app, [*base, "--code", "900-041-44", "--quantity", "10"])
    assert bad_code.exit_code == 2 and "[waste_code]" in bad_code.output
    bad_quantity = runner.invoke(app, [*base, "--code", "900-249-08", "--quantity", "-3"])
    assert bad_quantity.exit_code == 2 and "[quantity_kg]" in bad_quantity.output
    made = runner.invoke(app, [*base, "--code", "900-249-08", "--quantity", "10", "--json"])
    assert made.exit_code == 0, made.output
    manifest = json.loads(made.stdout)[0]
    wrong = runner.invoke(
        app, ["waste", "handover", str(manifest["id"]), "pickup", "10", "--as", "chem"]
    )
    assert wrong.exit_code == 5 and "[carrier_id]" in wrong.output
    licences = runner.invoke(app, ["waste", "licences", "--as", "regulator", "--json"])
    assert {lic["kind"] for lic in json.loads(licences.stdout)} == {"carrier", "receiver"}
    days = runner.invoke(app, ["calendar", "list", "--year", "2025", "--json"])
    assert {"day": "2025-02-08", "working": True, "name": "春节调休上班"} in json.loads(days.stdout)
