"""``hazwatch supervision credit-record|dishonesty-add|points-*|code-*|park-score``: what a
regulator records and an enterprise files, from the command line. Bad input exits non-zero
naming the field, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.choices import HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.supervision.models import CreditRecord, DishonestyListing, PointEvent

runner = CliRunner()


def run(*args: str, code: int = 0) -> Any:
    done = runner.invoke(app, ["supervision", *args])
    assert done.exit_code == code, done.output
    return json.loads(done.stdout) if "--json" in args and code in (0, 1) else done.output


def count(context: Context, model: type[Any]) -> int:
    with context.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_credit_the_list_points_codes_and_parks_from_the_command_line(
    cli_on_context: Context,
) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    reg = ("--as", "regulator", "--json")
    lab, chem = str(demo["lab"]), str(demo["chem"])
    # credit: a bad record with its source; an unknown person is refused, nothing stored
    credits = count(context, CreditRecord)
    made = run(
        "credit-record", chem, "bad", "未按规定检测报警", "--source", "海应急责改〔2026〕3号", *reg
    )
    assert made["kind"] == "bad" and made["source"] == "海应急责改〔2026〕3号"
    refused = run(
        "credit-record", chem, "bad", "x", "--source", "s", "--person", "无名氏", *reg, code=2
    )
    assert "[person]" in refused
    assert run("credit-record", chem, "good", "t", "--source", "s", "--on", "2026-13-01", code=2)
    assert count(context, CreditRecord) == credits + 1
    # the serious-dishonesty list: 3 years from the day listed
    listed = run(
        "dishonesty-add", chem, "--reason", "瞒报事故", "--source", "海应急罚〔2026〕1号",
        "--on", "2026-01-05", *reg,
    )  # fmt: skip
    assert (listed["listed_on"], listed["ends_on"]) == ("2026-01-05", "2029-01-05")
    run("dishonesty-add", chem, "--reason", "r", "--source", "s", "--as", "labhead", code=5)
    assert count(context, DishonestyListing) == 2
    # points: the lab appeals one, the regulator upholds it (voided); cancelling asks for
    # one piece of evidence, and a hidden danger not yet closed is no evidence
    points = [p for p in run("points", *reg) if p["organisation_id"] == demo["lab"]]
    first, second = str(points[0]["id"]), str(points[1]["id"])
    assert run("points-appeal", first, "--reason", "已整改", "--as", "regulator", code=2)
    appealed = run("points-appeal", first, "--reason", "已整改", "--as", "labhead", "--json")
    assert appealed["state"] == "appealed"
    decided = run("points-decide", first, "--uphold", *reg)
    assert decided["state"] == "voided"
    assert "--training" in run("points-cancel", second, *reg, code=2)
    with context.unit_of_work() as session:
        open_finding = session.scalar(
            select(HazardFinding.id).where(
                HazardFinding.organisation_id == demo["lab"],
                HazardFinding.state != HazardState.CLOSED.value,
            )
        )
    refused = run("points-cancel", second, "--finding", str(open_finding), *reg, code=2)
    assert "[hazard_finding_id]" in refused
    assert count(context, PointEvent) == len(run("points", *reg))
    # a code appeal: filed by the lab, pending (exit 1), rejected with a note
    filed = run("code-appeal", "enterprise", lab, "--reason", "重大隐患已整改", "--as", "labhead",
                "--json")  # fmt: skip
    assert filed["state"] == "pending" and filed["colour_appealed"] == "red"
    assert [a["id"] for a in run("code-appeals", *reg, code=1)] == [filed["id"]]
    rejected = run("code-decide", str(filed["id"]), "--reject", "--note", "未验收", *reg)
    assert rejected["state"] == "rejected" and rejected["decision_note"] == "未验收"
    assert run("code-appeals", *reg)[0]["state"] == "rejected"
    # a park's score: 55 is class A (high risk) by the park guide; 101 is refused
    park = str(demo["park"])
    graded = run("park-score", park, "55", "--source", "应急〔2019〕78号 评估", *reg)
    assert graded["level"] == "A" and "55" in graded["reasons"][0]["text"]
    assert "[score]" in run("park-score", park, "101", "--source", "s", *reg, code=2)
    assert run("park-score", park, "abc", "--source", "s", *reg, code=2)
