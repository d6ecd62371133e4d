"""``hazwatch coverage``: the demo's indicators exit 1 (each has gaps) and print their
missing items; an enterprise user is refused; a non-finite number of years names its field
and stores nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.district.coverage.models import EnforcementOfficer
from hazwatch.prevention.hazard_findings.service import Moment

runner = CliRunner()


def test_coverage_from_the_command_line(cli_on_context: Context) -> None:
    context = cli_on_context
    with context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(context))
    shown = runner.invoke(app, ["coverage", "show", "--as", "regulator", "--json"])
    assert shown.exit_code == 1, shown.output
    keys = {f["key"] for f in json.loads(shown.stdout) if f["department_id"] is None}
    assert keys == {"safety_manager", "social_service", "vocational_training", "enforcement_staff"}
    text = runner.invoke(app, ["coverage", "show", "--as", "regulator"])
    assert "郑洁" in text.stdout and "target ≥ 75%" in text.stdout
    assert runner.invoke(app, ["coverage", "show", "--as", "chem"]).exit_code == 5
    with context.sessions() as session:
        before = session.scalar(select(func.count()).select_from(EnforcementOfficer))
    bad = runner.invoke(
        app,
        [
            "coverage",
            "add-officer",
            "--department",
            str(demo["ema"]),
            "--name",
            "x",
            "--years",
            "NaN",
        ],
    )
    assert bad.exit_code == 2 and "[experience_years]" in bad.output
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(EnforcementOfficer)) == before
