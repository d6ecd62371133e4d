"""The bundled 2·7 scenario replayed through the live pipeline, in both variants, and the
replay's story as people read it: in their language, rooms by their names (one name, as in
the registry), and no log lines in the middle of it.

Each variant is replayed once per module (a replay builds its own throw-away database, a
minute of CPU on a loaded machine); every reader's result is assembled from that one run."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hazwatch.benchmarks.replay import measure
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.core.i18n import LANGUAGES
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.tanks.attribution import ExcessAttribution
from hazwatch.physics.leak import DrawProfile, LeakDetector
from hazwatch.registry.demo import load_demo
from hazwatch.registry.models import Room
from hazwatch.scenarios import plot, saved
from hazwatch.scenarios.format import Scenario
from hazwatch.scenarios.loader import LoadedScenario, bundled, load
from hazwatch.scenarios.result import (
    FORMAT,
    assemble,
    render_timeline,
    scenario_text,
    story_in,
)
from hazwatch.scenarios.runner import Run, run
from tests.monitoring.test_tanks_output import FLOAT_TAIL

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+")


def replay(name: str) -> dict[str, Any]:
    loaded = load(bundled()[name])
    return assemble(loaded, run(loaded), "en")


@pytest.fixture(scope="module")
def should() -> dict[str, Any]:
    return replay("ningbo_2_7_as_it_should_have_been")


@pytest.fixture(scope="module")
def as_it_was() -> tuple[LoadedScenario, Run]:
    """The variant most tests read, run once (assembling a result only reads the run)."""
    loaded = load(bundled()["ningbo_2_7_as_it_was"])
    return loaded, run(loaded)


@pytest.fixture(scope="module")
def was(as_it_was: tuple[LoadedScenario, Run]) -> dict[str, Any]:
    return assemble(*as_it_was, "en")


@pytest.fixture(scope="module")
def was_in_chinese(as_it_was: tuple[LoadedScenario, Run]) -> tuple[Scenario, dict[str, Any]]:
    """Replayed for a Chinese reader (as ``make run`` does), read later in English."""
    loaded, replayed = as_it_was
    return loaded.spec, assemble(loaded, replayed, "zh_CN")


def entry(result: dict[str, Any], clock: str) -> dict[str, Any]:
    return next(e for e in result["access"] if e["at"][11:16] == clock)


def test_fit_to_the_tank_level_drop_lands_in_the_reconstruction_band(
    should: dict[str, Any],
) -> None:
    (fitted,) = should["fits"]
    assert fitted["inflow_m3_h"] == pytest.approx(48.5, abs=0.2)  # DOMAIN §3: ≈ 48.9
    assert fitted["within_band"] and 1.84 <= fitted["o2_after_reference_percent"] <= 2.22
    assert fitted["crossing_minutes"]["19.5"] == pytest.approx(7.1, abs=0.1)
    assert fitted["crossing_minutes"]["8.8"] == pytest.approx(89, abs=1)


def test_as_it_should_have_been(should: dict[str, Any]) -> None:
    outcomes = should["outcomes"]
    first = outcomes["first_o2_alarm"]
    assert first["point"] == "O2-DRY1" and not first["modelled"]
    assert first["minutes_after_release"] <= 10
    (command,) = should["interlocks"]
    assert command["device"] == "FAN-DRY1" and command["status"] == "confirmed"
    assert command["sent_at"] == first["at"]
    # the exhaust turns the fall round at once and holds the room above 19.5 %: it dips
    # below only between the true crossing and the fan's start (a 5 s detector with noise,
    # a 5 s start delay), then recovers towards 19.7 % with V/Q = 6 min (DOMAIN §3, case B)
    assert outcomes["o2_minimum_after_exhaust_percent"]["dry_room_1"] > 19.4
    assert outcomes["seconds_below_19_5"]["dry_room_1"] < 120
    assert outcomes["o2_final_percent"]["dry_room_1"] >= 19.5
    assert not entry(should, "08:22")["allowed"] and not entry(should, "12:11")["allowed"]
    targets = [step["target"] for step in outcomes["escalation_targets"]]
    assert targets == ["duty_officer", "safety_manager", "principal", "landlord", "regulator"]


def test_as_it_was_the_tank_and_the_model_still_close_the_door(was: dict[str, Any]) -> None:
    outcomes = was["outcomes"]
    assert outcomes["first_leak_alarm"]["minutes_after_release"] <= 60  # DOMAIN §2 target
    first = outcomes["first_o2_alarm"]
    assert first["modelled"] and first["point"] == "O2M-DRY1"
    assert was["interlocks"] == []
    for clock in ("08:22", "12:11"):
        decision = entry(was, clock)
        codes = {reason["code"] for reason in decision["reasons"]}
        assert not decision["allowed"]
        assert {"access.reason.o2_alarm", "access.reason.room_alarm"} <= codes
    denied = next(e["text"] for e in was["timeline"]["hazwatch"] if "08:22" in e["at"])
    assert "(work)" in denied and "Low, Low-low" in denied  # purpose and conditions named
    rescue = entry(was, "13:25")
    assert rescue["purpose"] == "rescue" and not rescue["allowed"]
    assert "emergency.scba_low_pressure" in {r["code"] for r in rescue["reasons"]}
    # the simulated room reaches the lethal level the investigators put at about 06:50
    lethal = next(c for c in was["crossings"] if c["level_percent"] == 8.8)
    assert "05:50" <= lethal["at"][11:16] <= "06:50"


def test_result_is_self_describing_json(was: dict[str, Any]) -> None:
    assert was["format"] == FORMAT
    assert set(was) >= {
        "scenario", "fits", "times", "series", "events", "alarms", "escalations",
        "interlocks", "access", "scba_checks", "crossings", "outcomes", "timeline",
        "performance",
    }  # fmt: skip
    assert json.loads(json.dumps(was, ensure_ascii=False)) == was
    assert all(datetime.fromisoformat(t).utcoffset() is not None for t in was["times"])
    for series in was["series"]:
        assert {"key", "name", "quantity", "kind", "unit", "values"} <= set(series)
        assert len(series["values"]) == len(was["times"])
    kinds = {(s["quantity"], s["kind"]) for s in was["series"]}
    assert {("o2", "simulated"), ("o2_modelled", "modelled"), ("tank_level", "measured")} <= kinds
    assert [e["at"][11:16] for e in was["timeline"]["actual"]][:3] == ["04:30", "06:50", "08:22"]
    assert any(e["kind"] == "escalation" for e in was["timeline"]["hazwatch"])


def test_plot_is_a_png(was: dict[str, Any], tmp_path: Path) -> None:
    path = plot.render(was, tmp_path / "replay.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_lists_examples_and_reports_bad_files(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["replay", "--list"])
    assert listed.exit_code == 0 and "ningbo_2_7_as_it_was" in listed.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: hazwatch.scenario/1\nname: x\ncolour: red\n", encoding="utf-8")
    refused = runner.invoke(app, ["replay", str(bad)])
    assert refused.exit_code == 2
    assert f"{bad}:3: colour" in refused.output


def test_replay_benchmark_runs_the_generated_site_through_the_pipeline() -> None:
    """`hazwatch bench replay`: every point at 1 s is ingested, the leak is alarmed."""
    record = measure(points=6, hours=0.25)
    assert record.readings == 6 * (15 * 60 + 1)
    assert any(change.state == "active_unack" for change in record.alarms)
    args = ["bench", "replay", "--points", "3", "--hours", "0.1", "--interval", "5"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "3 个测点" in result.output and "每 5 秒" in result.output
    assert "（219 条读数）" in result.output  # 3 points × (360 s / 5 s + 1)


def test_saved_results_appear_where_the_console_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`replay --save` keeps a result; `demo replays` replays only the bundled scenarios
    not kept yet."""
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        folder = saved.folder(get_settings())
        assert len(saved.missing_bundled(get_settings())) == 2
        result = CliRunner().invoke(app, ["replay", "ningbo_2_7_as_it_was", "--save"])
        assert result.exit_code == 0, result.output
        was = json.loads((folder / "ningbo_2_7_as_it_was.json").read_text(encoding="utf-8"))
        assert was["format"] == FORMAT and was["outcomes"]["first_leak_alarm"] is not None
        kept = folder / "ningbo_2_7_as_it_should_have_been.json"
        kept.write_text("{}", encoding="utf-8")
        result = CliRunner().invoke(app, ["demo", "replays"])
        assert result.exit_code == 0, result.output
        assert kept.read_text(encoding="utf-8") == "{}"  # kept: not replayed again
        assert saved.missing_bundled(get_settings()) == []
    finally:
        get_settings.cache_clear()


def test_as_it_was_the_modelled_o2_falls_with_the_room(was: dict[str, Any]) -> None:
    """From 04:30 to 05:30 the modelled O2 follows the simulated room: it takes the excess
    the detector estimates from the start of the suspected leak, continuously, and alarms
    at 19.5 % on its own (04:50) before the leak alarm (05:10). Measured: max error 3.61 %
    O2, RMS 1.37 (it stood at 20.9 % until the leak alarm and then jumped: 6.67 / 3.44)."""
    room = next(s for s in was["series"] if s["key"] == "o2:dry_room_1")["values"]
    model = next(s for s in was["series"] if s["quantity"] == "o2_modelled")["values"]
    errors = [
        abs(real - modelled)
        for at, real, modelled in zip(was["times"], room, model, strict=True)
        if "04:30" <= at[11:16] <= "05:30" and real is not None and modelled is not None
    ]
    assert len(errors) > 100
    assert max(errors) < 4.0
    assert math.sqrt(sum(e * e for e in errors) / len(errors)) < 1.8
    outcomes = was["outcomes"]
    first = outcomes["first_o2_alarm"]
    assert first["modelled"] and first["at"] < outcomes["first_leak_alarm"]["at"]
    assert first["minutes_after_release"] <= 30


def test_attribution_follows_the_suspected_leak() -> None:
    """Nothing below the suspicion level; from it on the estimated excess since the leak
    began, step by step; after the alarm it keeps growing; a refill adds nothing and what
    was attributed stays."""
    detector = LeakDetector(
        DrawProfile({}, 0.0), threshold=20.0, allowance=0.5, step_noise_mm=2.0, suspicion_mm=6.0
    )
    attribution = ExcessAttribution()
    t0, level = datetime(2025, 2, 7, 4, tzinfo=UTC), 2000.0
    step = timedelta(minutes=5)
    totals = []
    for n in range(6):  # flat half an hour
        detector.update(t0 + n * step, level)
        attribution.record(detector)
    assert attribution.total_mm == 0.0
    for n in range(6, 20):  # 3 mm per step (36 mm/h) from 04:30
        level -= 3.0
        detector.update(t0 + n * step, level)
        attribution.record(detector)
        totals.append((detector.suspected, detector.alarmed_at is not None, attribution.total_mm))
    suspected = [total for is_suspected, _, total in totals if is_suspected]
    assert all(total == 0.0 for is_suspected, _, total in totals if not is_suspected)
    assert suspected[0] > 0.0  # the whole excess since the leak began, at once
    assert suspected == sorted(suspected)  # then continuously
    assert any(alarmed for _, alarmed, _ in totals)
    assert attribution.total_mm == pytest.approx(3.0 * 14, rel=0.1)  # the real excess
    kept = attribution.total_mm
    detector.update(t0 + 20 * step, level + 1200.0)  # a refill
    attribution.record(detector)
    assert attribution.total_mm == kept
    again = ExcessAttribution.from_state(json.loads(json.dumps(attribution.to_state())))
    assert again == attribution


def test_a_replay_result_has_no_float_tails(was: dict[str, Any]) -> None:
    text = json.dumps(was, ensure_ascii=False)
    assert not FLOAT_TAIL.search(text), FLOAT_TAIL.findall(text)[:5]


def _names(spec: Scenario) -> list[str]:
    """What the scenario names in its own words (people, rooms, doors, devices)."""
    names = [room.name for room in spec.rooms] + [source.name for source in spec.sources]
    names += [door.name for door in spec.doors] + [sensor.name for sensor in spec.sensors]
    names += [spec.tank.name] if spec.tank else []
    names += [str(getattr(event, "person", "")) for event in spec.events]
    return sorted({n for n in names if n}, key=len, reverse=True)


def test_the_story_reads_in_english_with_room_names_not_codes(
    was_in_chinese: tuple[Scenario, dict[str, Any]],
) -> None:
    spec, result = was_in_chinese
    assert set(result["timelines"]) == set(LANGUAGES)
    english = render_timeline(result, "en")
    hazwatch_lines = [e["text"] for e in story_in(result, "en")["hazwatch"]]
    for code in ("dry_room_1", "changing_room", "duty_officer"):
        assert code not in english, code
    assert any("干燥房1" in line for line in hazwatch_lines)
    for line in hazwatch_lines:
        for name in _names(spec):
            line = line.replace(name, "")
        assert not CJK.search(line), line
    chinese = [e["text"] for e in story_in(result, "zh_CN")["hazwatch"]]
    assert any("报警" in line for line in chinese) and chinese != hazwatch_lines


def test_one_name_for_the_room_in_the_registry_and_the_replay(
    context: Context, was_in_chinese: tuple[Scenario, dict[str, Any]]
) -> None:
    spec, result = was_in_chinese
    with context.unit_of_work() as session:
        demo = load_demo(session)
        registry = {
            key: session.get(Room, demo[key]).name  # type: ignore[union-attr]
            for key in ("dry_room_1", "dry_room_2")
        }
    replayed = {room.id: room.name for room in spec.rooms if room.id in registry}
    assert replayed == registry == {"dry_room_1": "干燥房1", "dry_room_2": "干燥房2"}
    text = render_timeline(result, "zh_CN")
    assert "干燥间" not in text and "干燥间" not in spec.title + spec.description


def test_a_chinese_replay_prints_no_english_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "zh_CN")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["replay", "ningbo_2_7_as_it_was"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.stderr
    assert "leak suspected" not in result.output and "疑似泄漏" in result.stdout


def test_title_description_and_what_happened_read_in_english(
    was_in_chinese: tuple[Scenario, dict[str, Any]],
) -> None:
    spec, result = was_in_chinese
    english = render_timeline(result, "en").splitlines()
    assert english[0] == spec.title_en and english[0] != spec.title
    assert render_timeline(result, "zh_CN").splitlines()[0] == spec.title
    assert scenario_text(result, "description", "en") == spec.description_en
    assert scenario_text(result, "title", "zh_CN") == spec.title
    actual = [e["text"] for e in story_in(result, "en")["actual"]]
    assert len(actual) == len(spec.actual)
    for line in actual:
        assert not CJK.search(line.replace("干燥房1", "")), line
    for line in [spec.title_en, spec.description_en]:
        assert not CJK.search(line.replace("干燥房1", "")), line
