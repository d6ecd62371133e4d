"""``hazwatch tank status``, ``hazwatch tank leak-settings`` and ``hazwatch monitoring points``
as an operator types them."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from typer.testing import CliRunner

from hazwatch.cli import common
from hazwatch.cli.main import app
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context, build_context
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.tanks.models import TankLeakSetting
from hazwatch.registry.demo import DemoIds
from tests.monitoring.test_tanks import telemetry, with_level_point

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> DemoIds:
    """The commands run at the test's instant (a stored level is current or stale by it)."""
    monkeypatch.setattr(common, "build_context", partial(build_context, clock=clock))
    return with_level_point(cli_on_context)


def test_status_says_unknown_then_the_leak_and_exits_non_zero(
    demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    tank = str(demo["ln2_tank"])
    unknown = runner.invoke(app, ["tank", "status", tank])
    assert unknown.exit_code == 1  # a level nobody knows is not fine
    assert "Level not known (Unknown)" in unknown.output

    runtime = EngineRuntime(context)
    normal = telemetry(clock.now(), 12)
    clock.set(normal[-1].ts)
    runtime.engine.submit(normal)
    runtime.engine.flush()
    fine = runner.invoke(app, ["tank", "status", tank])
    assert fine.exit_code == 0, fine.output
    level = normal[-1].value
    assert f"Level {level:.0f} mm · {2.2698e-3 * level:.2f} m³" in fine.output
    assert "No leak alarm; rooms fed: 干燥房1" in fine.output

    leaking = telemetry(clock.now(), 12 * 3, leak_after=0)
    clock.set(leaking[-1].ts)
    runtime.engine.submit(leaking)
    runtime.engine.tick()  # the watch saves its detector
    runtime.stop()
    alarmed = runner.invoke(app, ["tank", "status"])
    assert alarmed.exit_code == 1
    assert "LEAK ALARM since" in alarmed.output and "干燥房1" in alarmed.output


def test_leak_settings_are_tuned_or_refused_with_the_range(demo: DemoIds, context: Context) -> None:
    tank = str(demo["ln2_tank"])
    refused = runner.invoke(
        app, ["tank", "leak-settings", tank, "--false-alarms-per-year", "0.1", "--noise-mm", "3"]
    )
    assert refused.exit_code == 2
    assert "from 0.2 to 52 per tank-year" in refused.output
    with context.sessions() as session:
        assert session.get(TankLeakSetting, demo["ln2_tank"]) is None  # nothing half-saved

    saved = runner.invoke(
        app, ["tank", "leak-settings", tank, "--false-alarms-per-year", "0.5", "--noise-mm", "3"]
    )
    assert saved.exit_code == 0, saved.output
    with context.sessions() as session:
        setting = session.get(TankLeakSetting, demo["ln2_tank"])
        assert setting is not None
        assert f"threshold {setting.threshold_mm:.1f} mm" in saved.output
    missing = runner.invoke(
        app, ["tank", "leak-settings", "999999", "--false-alarms-per-year", "1", "--noise-mm", "3"]
    )
    assert missing.exit_code == 3


def test_points_read_stale_once_the_stored_reading_is_past_its_limit(
    demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    """``hazwatch monitoring points`` runs beside the engine, not in it: a stored reading
    past its stale limit (1.5 expected intervals, plus the storage heartbeat a steady
    point's stored state may lag by) reads stale, never as the old number."""
    runtime = EngineRuntime(context)
    readings = telemetry(clock.now(), 3)
    clock.set(readings[-1].ts)
    runtime.engine.submit(readings)
    runtime.stop()
    shown = runner.invoke(app, ["monitoring", "points"])
    assert shown.exit_code == 0, shown.output
    (level,) = [line for line in shown.output.splitlines() if line.startswith("LT-LN2")]
    assert f"{readings[-1].value:g} mm" in level and "Good" in level
    clock.advance(timedelta(seconds=1.5 * 300 + context.settings.storage_max_interval_s + 1))
    later = runner.invoke(app, ["monitoring", "points"])
    (level,) = [line for line in later.output.splitlines() if line.startswith("LT-LN2")]
    assert "Stale (unknown)" in level and " mm" not in level
