"""``hazwatch supervision incident-*|duty-*``: an accident recorded and followed up (Order 493)
and the bureau's 24-hour duty kept from the command line. Bad input exits 2 naming the field
and nothing is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.supervision.models import DutyShift, Incident

runner = CliRunner()
REG = ("--as", "regulator", "--json")


def run(*args: str, code: int = 0) -> Any:
    done = runner.invoke(app, ["supervision", *args])
    assert done.exit_code == code, done.output
    return json.loads(done.stdout) if "--json" in args and code in (0, 1) else done.output


def count(context: Context, model: type[Any]) -> int:
    with context.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def local(context: Context, hours: float) -> str:
    """A local time ``hours`` from now, as a person types it (the commands run on the real
    clock, not the test context's)."""
    moment = datetime.now(UTC) + timedelta(hours=hours)
    return moment.astimezone(ZoneInfo(context.settings.timezone)).strftime("%Y-%m-%dT%H:%M")


def test_an_accident_recorded_and_followed_up(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    chem = str(demo["chem"])
    before = count(context, Incident)
    refused = run(
        "incident-record", chem, "泄漏", "--at", local(context, -2), "--deaths", "-1", *REG, code=2
    )
    assert "[deaths]" in refused
    assert "[occurred_at]" in run("incident-record", chem, "泄漏", "--at", "昨天", *REG, code=2)
    assert count(context, Incident) == before
    made = run(
        "incident-record", chem, "液氨储罐区泄漏", "--at", local(context, -2),
        "--deaths", "1", "--loss", "500000", *REG,
    )  # fmt: skip
    assert (made["grade"], made["deaths"]) == ("general", 1)
    ident = str(made["id"])
    reported = run("incident-report", ident, "county", "--at", local(context, -1.5), *REG)
    county = next(s for s in reported["steps"] if s["level"] == "county")
    assert county["reported_at"] is not None and not county["late"]
    changed = run(
        "incident-casualties", ident, "--deaths", "3", "--injuries", "0",
        "--at", local(context, -1), *REG,
    )  # fmt: skip
    assert changed["grade"] == "larger"
    assert "[days]" in run(
        "incident-extend", ident, "--days", "61", "--approved-by", "区政府", *REG, code=2
    )
    extended = run("incident-extend", ident, "--days", "30", "--approved-by", "区政府", *REG)
    assert extended["investigation_due"] > changed["investigation_due"]


def test_the_bureau_keeps_its_duty_roster_and_hands_over(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    ema = str(demo["ema"])
    shifts = count(context, DutyShift)
    backwards = ("--from", local(context, 9), "--to", local(context, 1))
    assert "[ends_at]" in run("duty-shift", ema, "张值班", *backwards, *REG, code=2)
    assert count(context, DutyShift) == shifts
    shift = ("--from", local(context, 1), "--to", local(context, 9))
    assert run("duty-shift", ema, "张值班", *shift, *REG)["officer"] == "张值班"
    roster = run("duty-roster", ema, *REG, code=1)  # nobody the first hour nor after 9 h
    assert [s["officer"] for s in roster["shifts"]] == ["张值班"] and len(roster["gaps"]) == 2
    assert "[handed_to]" in run("duty-write", ema, "交班", "--hand-over-to", "无名氏", *REG, code=2)
    handed = run("duty-write", ema, "夜班无异常", "--hand-over-to", "张值班", *REG)
    assert (handed["kind"], handed["handed_to"]) == ("handover", "张值班")
    assert run("duty-log", ema, *REG)[0]["text"] == "夜班无异常"
