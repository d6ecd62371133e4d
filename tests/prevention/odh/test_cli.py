"""``hazwatch odh show/assess`` as an operator types them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.core.settings import get_settings
from hazwatch.registry.demo import DemoIds, load_demo

runner = CliRunner()


@pytest.fixture
def demo(context: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoIds]:
    monkeypatch.setenv("HAZWATCH_DATABASE_URL", context.settings.effective_database_url)
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(context.settings.data_dir))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    with context.unit_of_work() as session:
        ids = load_demo(session)
    yield ids
    get_settings.cache_clear()


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
