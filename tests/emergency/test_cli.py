"""``hazwatch emergency``: the training matrix (exit 1 with a lapsed qualification) and its
Excel, the equipment registry, and a check that opens a hidden danger, as a named user."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def test_training_matrix_equipment_and_a_failed_check(
    cli_on_context: Context, tmp_path: Path
) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        full_demo.load(session, Moment.of(context))
    matrix = runner.invoke(app, ["emergency", "training", "--as", "lab", "--json"])
    assert matrix.exit_code == 1, matrix.output  # 张伟's SCBA wearer certificate lapsed
    people = {row["person"]: row for row in json.loads(matrix.stdout)}
    assert people["张伟"]["qualifications"]["scba_user"]["lapsed"] is True
    out = tmp_path / "matrix.xlsx"
    exported = runner.invoke(app, ["emergency", "training-export", str(out), "--as", "lab"])
    assert exported.exit_code == 0, exported.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "Training matrix" and len(rows) == 3 + 3
    listed = runner.invoke(app, ["emergency", "equipment", "--as", "lab", "--json"])
    # (the command line's clock is today's: the demo's checks may be overdue by now)
    assert listed.exit_code in (0, 1), listed.output
    assert {i["code"] for i in json.loads(listed.stdout)} >= {"LAB-PO2-1", "SCBA-LAB-1"}
    failed = runner.invoke(
        app,
        [
            "emergency",
            "check",
            "LAB-PO2-1",
            "--failed",
            "-m",
            "传感器失效",
            "--as",
            "lab",
            "--json",
        ],
    )
    assert failed.exit_code == 0, failed.output
    assert json.loads(failed.stdout)["hidden_danger_id"] is not None
    again = runner.invoke(app, ["emergency", "equipment", "--as", "lab"])
    assert again.exit_code == 1 and "LAB-PO2-1" in again.stdout
    refused = runner.invoke(
        app, ["emergency", "check", "SCBA-LAB-1", "--pressure", "x", "--as", "lab"]
    )
    assert refused.exit_code != 0
    other = runner.invoke(app, ["emergency", "check", "LAB-PO2-1", "--as", "chem"])
    assert other.exit_code != 0


def test_the_equipment_checks_ledger_on_the_command_line(
    cli_on_context: Context, tmp_path: Path
) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        full_demo.load(session, Moment.of(context))
    listed = runner.invoke(app, ["emergency", "checks", "--as", "landlord", "--json"])
    assert listed.exit_code == 1, listed.output  # the landlord's sets were low
    rows = json.loads(listed.stdout)
    low = [r for r in rows if "readiness.ledger.low_pressure" in r["defects"]]
    assert low and all(r["kind"] == "scba" and not r["passed"] for r in low)
    lab = json.loads(runner.invoke(app, ["emergency", "checks", "--as", "lab", "--json"]).stdout)
    assert {r["code"] for r in lab}.isdisjoint({r["code"] for r in low})  # tenancy
    out = tmp_path / "checks.xlsx"
    exported = runner.invoke(app, ["emergency", "checks-export", str(out), "--as", "landlord"])
    assert exported.exit_code == 0, exported.output
    table = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert table[0][0] == "Equipment checks ledger" and len(table) == 3 + len(rows)
    assert "cylinder below its minimum pressure" in {str(r[9]) for r in table[3:]}


def test_the_equipment_checks_ledger_of_one_site(cli_on_context: Context, tmp_path: Path) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    every = json.loads(runner.invoke(app, ["emergency", "checks", "--json"]).stdout)
    plant = runner.invoke(app, ["emergency", "checks", "--site", str(demo["plant"]), "--json"])
    kept = json.loads(plant.stdout)
    assert kept and {r["site_id"] for r in kept} == {demo["plant"]}
    assert len(kept) == len([r for r in every if r["site_id"] == demo["plant"]])
    chem = runner.invoke(app, ["emergency", "checks", "--site", str(demo["chem_site"]), "--json"])
    assert chem.exit_code == 0
    assert json.loads(chem.stdout) == [r for r in every if r["site_id"] == demo["chem_site"]]
    lab = runner.invoke(app, ["emergency", "checks", "--org", str(demo["lab"]), "--json"])
    assert {r["organisation_id"] for r in json.loads(lab.stdout)} == {demo["lab"]}
    out = tmp_path / "plant.xlsx"
    exported = runner.invoke(
        app, ["emergency", "checks-export", str(out), "--site", str(demo["plant"])]
    )
    assert exported.exit_code == 0, exported.output
    table = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(table) == 3 + len(kept)


def test_plans_and_drills_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))

    def run(*args: str) -> Any:
        return runner.invoke(app, [*args, "--as", "lab", "--json"])

    today = datetime.now(UTC).date()
    org, site = str(demo["lab"]), str(demo["plant"])
    plan = ["emergency", "plan-add", "--org", org, "--site", site, "--title", "液氮泄漏专项预案"]
    past = run(*plan, "--approved", str(today), "--review-due", str(today - timedelta(days=1)))
    assert past.exit_code == 2 and "[review_due]" in past.output
    bad = run(*plan, "--approved", "1 March", "--review-due", str(today + timedelta(days=90)))
    assert bad.exit_code == 2 and "[approved_on]" in bad.output
    titles = {p["title"] for p in json.loads(run("emergency", "plans").stdout)}
    assert "液氮泄漏专项预案" not in titles  # nothing stored
    made = run(*plan, "--approved", str(today), "--review-due", str(today + timedelta(days=90)))
    assert made.exit_code == 0, made.output
    drill = ["emergency", "drill-plan", "--org", org, "--site", site, "--title", "疏散演练"]
    assert run(*drill, "--at", "tomorrow").exit_code == 2
    soon = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    planned = run(*drill, "--at", soon, "--plan", str(json.loads(made.stdout)["id"]))
    assert planned.exit_code == 0, planned.output
    ident = str(json.loads(planned.stdout)["id"])
    early = run("emergency", "drill-finding", ident, "-m", "标志被遮挡")
    assert early.exit_code == 4 and "[state]" in early.output  # not held yet
    nobody = run("emergency", "drill-hold", ident, "--participants", "0", "-m", "演练")
    assert nobody.exit_code == 2 and "[participants]" in nobody.output
    held = run("emergency", "drill-hold", ident, "--participants", "8", "-m", "用时3分钟")
    assert json.loads(held.stdout)["state"] == "held"
    found = run("emergency", "drill-finding", ident, "-m", "疏散标志被货架遮挡")
    assert json.loads(found.stdout)["hidden_danger_id"] is not None
    listed = {d["title"]: d for d in json.loads(run("emergency", "drills").stdout)}
    assert listed["疏散演练"]["findings"][0]["text"] == "疏散标志被货架遮挡"
    chem = runner.invoke(app, ["emergency", "drill-hold", ident, "--participants", "3", "-m", "x",
                               "--as", "chem"])  # fmt: skip
    assert chem.exit_code in (3, 5), chem.output


def test_a_plan_is_changed_and_withdrawn_from_the_command_line(cli_on_context: Context) -> None:
    """``plan-edit`` changes only what is given (a refusal names the option's field, exit 2
    and nothing changes); ``plan-retire`` takes it off the list."""
    with cli_on_context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(cli_on_context))
    today = datetime.now(UTC).date()
    added = runner.invoke(
        app,
        [
            "emergency", "plan-add", "--org", str(demo["lab"]), "--site", str(demo["plant"]),
            "--title", "缺氧窒息专项应急预案", "--approved", str(today - timedelta(days=5)),
            "--review-due", str(today + timedelta(days=300)), "--as", "lab", "--json",
        ],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    plan = str(json.loads(added.stdout)["id"])
    past = runner.invoke(
        app, ["emergency", "plan-edit", plan, "--review-due", str(today - timedelta(days=2))]
    )
    assert past.exit_code != 0 and "review_due" in past.output
    bad = runner.invoke(app, ["emergency", "plan-edit", plan, "--approved", "tomorrow"])
    assert bad.exit_code == 2 and "approved_on" in bad.output
    other = runner.invoke(app, ["emergency", "plan-edit", plan, "--version", "V9", "--as", "chem"])
    assert other.exit_code != 0
    changed = runner.invoke(
        app, ["emergency", "plan-edit", plan, "--version", "V2", "--as", "lab", "--json"]
    )
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["version"] == "V2"
    retired = runner.invoke(app, ["emergency", "plan-retire", plan, "--as", "lab"])
    assert retired.exit_code == 0 and "withdrawn" in retired.output
    listed = runner.invoke(app, ["emergency", "plans", "--as", "lab", "--json"])
    assert int(plan) not in {p["id"] for p in json.loads(listed.stdout)}
    again = runner.invoke(app, ["emergency", "plan-retire", plan, "--as", "lab"])
    assert again.exit_code != 0
