from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_odh_room_prints_the_2_7_crossing_times() -> None:
    result = runner.invoke(
        app, ["odh", "room", "--volume", "83.1", "--inflow", "48.9", "--hours", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "O2 reaches 19.5 % after 7.1 min" in result.output
    assert "O2 reaches 8.8 % after 88.2 min" in result.output
    assert "(8.8 air changes per hour)" in result.output
    bad = runner.invoke(app, ["odh", "room", "--volume", "-1", "--inflow", "48.9"])
    assert bad.exit_code != 0


def test_validate_2_7_reports_the_band() -> None:
    result = runner.invoke(app, ["validate", "2-7"])
    assert result.exit_code == 0, result.output
    assert "O2 reaches 19.5 % at 04:37" in result.output
    assert "inside the reconstruction's 1.84–2.22 %" in result.output


def test_assess_file_prints_class_and_controls(tmp_path: Path) -> None:
    room = tmp_path / "room.yaml"
    room.write_text(
        "volume_m3: 83.1\nsources:\n  - {name: hose, inflow_m3_h: 48.9, rate_per_hour: 0.01}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["odh", "assess-file", str(room)])
    assert result.exit_code == 0, result.output
    assert "ODH class 3" in result.output and "Two people, in communication" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"volume_m3": -1}', encoding="utf-8")
    assert runner.invoke(app, ["odh", "assess-file", str(bad)]).exit_code == 2


def test_room_plot_and_leak_evaluation(tmp_path: Path) -> None:
    plot = tmp_path / "o2.png"
    result = runner.invoke(
        app,
        [
            "odh",
            "room",
            "--volume",
            "83.1",
            "--inflow",
            "48.9",
            "--exhaust",
            "831",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "never falls to 19.5 %" in result.output and plot.stat().st_size > 0
    leak = runner.invoke(app, ["leak", "evaluate", "--years", "0.2", "--runs", "2"])
    assert leak.exit_code == 0, leak.output
    assert "missed 0/2" in leak.output


def test_leak_evaluation_compares_profiles_noise_and_small_leaks_as_json() -> None:
    """``--json`` prints the JSON alone (progress goes to standard error): per leak rate the
    median and p90 delay and the misses of the leak alarm and of the modelled O2 alarm, and
    false alarms per tank-year of both; the contract profile is there beside the learned."""
    args = ["leak", "evaluate", "--years", "0.2", "--runs", "3", "--json"]
    rates = ["--leak-mm-h", "10", "--leak-mm-h", "30.9"]
    for profile in ("learned", "contract"):
        result = runner.invoke(app, [*args, *rates, "--profile", profile, "--noise", "3"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["profile"] == profile and report["noise_mm"] == 3.0
        assert report["false_alarms_per_year"] >= 0
        assert report["modelled_o2_false_alarms_per_year"] >= 0
        assert [leak["leak_mm_h"] for leak in report["leaks"]] == [10.0, 30.9]
        big = report["leaks"][1]
        assert big["runs"] == 3 and big["leak_alarm"]["missed"] == 0
        assert big["leak_alarm"]["median_h"] <= big["leak_alarm"]["p90_h"] < 3
        assert big["modelled_o2_alarm"]["median_h"] is not None
    bad = runner.invoke(app, ["leak", "evaluate", "--profile", "guessed"])
    assert bad.exit_code == 2
