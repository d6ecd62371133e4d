"""``hazwatch resources``: a dispatch asking more than the library holds exits 1 and prints
the shortfall; the demo drill's dispatch is listed; coordinates out of range and negative
quantities are refused naming the field, with nothing stored."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.clock import utcnow
from hazwatch.core.context import Context
from hazwatch.district.resources.models import LibraryItem, ResourceDispatch
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def _counts(context: Context) -> tuple[int, int]:
    with context.sessions() as session:
        return (
            int(session.scalar(select(func.count()).select_from(ResourceDispatch)) or 0),
            int(session.scalar(select(func.count()).select_from(LibraryItem)) or 0),
        )


def test_resources_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        # the command runs on the wall clock: the library's checks must be recent for it
        demo = full_demo.load(session, Moment(utcnow(), context.settings))
    listed = runner.invoke(app, ["resources", "dispatches", "--as", "regulator"])
    assert listed.exit_code == 0 and "液氨泄漏事故综合应急演练" in listed.stdout
    nearest = runner.invoke(app, ["resources", "nearest", "29.93", "121.805", "--json"])
    (team,) = json.loads(nearest.stdout)  # the plant brigade lacks certified members
    assert team["label"] == "海港区消防救援大队化工救援中队"
    drill = str(demo["resource_drill"])
    where = ["--lat", "29.93", "--lon", "121.805"]
    short = runner.invoke(
        app, ["resources", "dispatch", "--drill", drill, *where, "--need", "foam=9000", "--json"]
    )
    assert short.exit_code == 1, short.output
    sent = json.loads(short.stdout)
    assert [(s["kind"], s["missing"]) for s in sent["shortfalls"]] == [("foam", "4000")]
    before = _counts(context)
    wrong = runner.invoke(
        app, ["resources", "dispatch", "--drill", drill, "--lat", "95", "--lon", "121"]
    )
    assert wrong.exit_code == 2 and "[lat]" in wrong.output
    negative = runner.invoke(
        app, ["resources", "dispatch", "--drill", drill, *where, "--need", "absorbent=-3"]
    )
    assert negative.exit_code == 2 and "[needs.0.quantity]" in negative.output
    item = ["resources", "add-item", "--owner", str(demo["chem"]), "--kind", "foam"]
    nan = runner.invoke(
        app, [*item, "--code", "X", "--lat", "29.9", "--lon", "121.8", "--quantity", "NaN"]
    )
    assert nan.exit_code == 2 and "[quantity]" in nan.output
    assert _counts(context) == before
