"""The replay's story as people read it: in their language, rooms by their names (one name, as
in the registry), and no log lines in the middle of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.core.i18n import LANGUAGES
from hazwatch.core.settings import get_settings
from hazwatch.registry.demo import load_demo
from hazwatch.registry.models import Room
from hazwatch.scenarios.format import Scenario
from hazwatch.scenarios.loader import bundled, load
from hazwatch.scenarios.result import assemble, render_timeline, scenario_text, story_in
from hazwatch.scenarios.runner import run

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+")


@pytest.fixture(scope="module")
def was() -> tuple[Scenario, dict[str, Any]]:
    """Replayed for a Chinese reader (as ``make run`` does), read later in English."""
    loaded = load(bundled()["ningbo_2_7_as_it_was"])
    return loaded.spec, assemble(loaded, run(loaded), "zh_CN")


def _names(spec: Scenario) -> list[str]:
    """What the scenario names in its own words (people, rooms, doors, devices)."""
    names = [room.name for room in spec.rooms] + [source.name for source in spec.sources]
    names += [door.name for door in spec.doors] + [sensor.name for sensor in spec.sensors]
    names += [spec.tank.name] if spec.tank else []
    names += [str(getattr(event, "person", "")) for event in spec.events]
    return sorted({n for n in names if n}, key=len, reverse=True)


def test_the_story_reads_in_english_with_room_names_not_codes(
    was: tuple[Scenario, dict[str, Any]],
) -> None:
    spec, result = was
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
    context: Context, was: tuple[Scenario, dict[str, Any]]
) -> None:
    spec, result = was
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
    was: tuple[Scenario, dict[str, Any]],
) -> None:
    spec, result = was
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
