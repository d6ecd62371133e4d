"""Figures as people read them: no floating-point tails (0.30000000000000004) in the tank
API, the CLI or a replay's result, and no files dropped where the command happened to run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.settings import get_settings
from tests.monitoring.test_tanks import Login, serving, telemetry, with_level_point

runner = CliRunner()

#: A decimal fraction with a run of six zeros or nines: binary floating point showing through.
FLOAT_TAIL = re.compile(r"\d\.\d*(?:0{6,}|9{6,})\d")


def test_tank_figures_have_no_float_tails(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    login_as: Login,
    cli_on_context: Context,
) -> None:
    demo = with_level_point(context)
    runtime = serving(client)
    readings = telemetry(clock.now(), 12 * 4, leak_after=12)
    clock.set(readings[-1].ts)
    for reading in readings:
        runtime.engine.submit([reading])
    runtime.engine.tick()
    operator = login_as(Role.SAFETY_OFFICER, organisation_id=demo["sublessor"])
    listed = client.get("/api/tanks", headers=operator)
    one = client.get(f"/api/tanks/{demo['ln2_tank']}", headers=operator)
    for response in (listed, one):
        assert response.status_code == 200, response.text
        assert not FLOAT_TAIL.search(response.text), FLOAT_TAIL.findall(response.text)
    status = one.json()
    assert status["detector"]["leak_alarm_active"] is True
    for figure in ("level_mm", "volume_m3", "mass_kg", "fill_fraction", "kg_per_mm"):
        assert len(repr(status[figure]).split(".")[-1]) <= 4, (figure, status[figure])
    shown = runner.invoke(app, ["tank", "status"])
    assert "干燥房1" in shown.stdout and not FLOAT_TAIL.search(shown.stdout), shown.stdout


def test_plot_without_out_goes_to_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, elsewhere = tmp_path / "data", tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(data))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["replay", "ningbo_2_7_as_it_was", "--plot"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.stderr
    assert list(elsewhere.iterdir()) == []
    plot = data / "replays" / "ningbo_2_7_as_it_was.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(plot) in result.stderr
