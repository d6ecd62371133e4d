"""``hazwatch permit``: approval by someone other than the applicant, the guardian on site, a
gas test, closing; --json prints JSON alone; refusals exit non-zero."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import utcnow
from hazwatch.core.context import Context
from hazwatch.prevention import service
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def test_a_hot_work_permit_is_approved_guarded_tested_and_closed(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
        now = utcnow()  # the command line's clock
        permit = service.open_permit(
            session,
            SYSTEM,
            room_id=demo["dry_room_2"],
            number="HW-7",
            kind="hot_work",
            applicant="lab",
            valid_from=now - timedelta(minutes=5),
            valid_until=now + timedelta(hours=4),
        )
        permit_id = permit.id

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["permit", *args])
        return result.exit_code, result.stdout

    code, _out = run("approve", str(permit_id), "--as", "lab")
    assert code != 0  # the applicant approves nothing
    code, out = run("approve", str(permit_id), "--as", "labhead", "--json")
    assert code == 0, out
    assert json.loads(out)[0]["reason"] == "access.reason.no_guardian"
    code, out = run("guardian", str(permit_id), "监火人 钱", "--as", "lab", "--json")
    assert json.loads(out)[0]["guardian_present"] is True
    code, _out = run("gas-test", str(permit_id), "--o2", "20.8", "--as", "lab")
    assert code != 0  # hot work needs the combustible gas analysis
    code, out = run(
        "gas-test", str(permit_id), "--o2", "20.8", "--lel", "3", "--gas-lel", "15", "--as", "lab",
        "--json",
    )  # fmt: skip
    shown = json.loads(out)[0]
    assert code == 0 and shown["clears"] is True
    assert (shown["combustible_percent"], shown["combustible_limit_percent"]) == ("0.45", "0.5")
    code, out = run(
        "gas-test", str(permit_id), "--o2", "20.8", "--combustible", "0.21", "--gas-lel", "2.1",
        "--gas", "丙烷", "--as", "lab", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)[0]["clears"] is False  # LEL < 4 %: limit 0.2 %
    code, _out = run("gas-test", str(permit_id), "--o2", "x", "--as", "lab")
    assert code != 0
    code, out = run("list", "--open", "--as", "lab", "--json")
    assert [p["number"] for p in json.loads(out)] == ["HW-7"]
    code, out = run("close", str(permit_id), "--as", "lab", "--json")
    assert json.loads(out)[0]["closed"] is True
    code, _out = run("approve", str(permit_id), "--as", "chem")
    assert code != 0
