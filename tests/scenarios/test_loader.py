"""Scenario files: bad input is refused with the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hazwatch.scenarios.loader import ScenarioError, bundled, load, load_text

MINIMAL = """\
format: hazwatch.scenario/1
name: small
title: a small room
start: "2025-02-07T04:00:00"
end: "2025-02-07T06:00:00"
site:
  name: plant
  occupant: lab
rooms:
  - {id: room_a, name: A, length_m: 4, width_m: 3, height_m: 2.5}
tank:
  id: ln2
  name: tank
  volume_m3: 4.99
  diameter_m: 1.7
  initial_level_mm: 1500
  feeds: [room_a]
sources:
  - id: hose
    room: room_a
    name: hose
    tank: ln2
    release:
      tank_level_drop_mm_h: 30.9
sensors:
  - {code: O2-A, kind: o2, room: room_a, interval_s: 5}
fans:
  - code: FAN-A
    room: room_a
    air_changes_per_hour: 10
    interlock: {on: [low]}
doors:
  - {code: DOOR-A, name: door, guards: [room_a]}
events:
  - {at: "04:30", type: release_start, source: hose}
  - {at: "05:11", type: door_attempt, door: DOOR-A, person: p}
"""


def error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "bad.yaml")
    return caught.value


def test_minimal_scenario_loads_and_clock_times_stay_times() -> None:
    loaded = load_text(MINIMAL, "ok.yaml")
    # "05:11" would be the base-60 integer 311 in YAML 1.1; "on" would be the boolean true
    assert [loaded.local(t).strftime("%H:%M") for t in loaded.event_times] == ["04:30", "05:11"]
    assert loaded.spec.fans[0].interlock is not None
    assert loaded.spec.fans[0].interlock.on == ["low"]
    assert loaded.start.utcoffset() is not None and loaded.start.hour == 20  # 04:00 +08:00


def test_unknown_key_names_file_line_and_field() -> None:
    exc = error(MINIMAL.replace("  occupant: lab\n", "  occupant: lab\n  ocupant: typo\n"))
    assert (exc.code, exc.file, exc.line, exc.field) == (
        "scenarios.error.unknown_key",
        "bad.yaml",
        9,
        "site.ocupant",
    )
    assert exc.describe("en").startswith("bad.yaml:9: site.ocupant: unknown key")


def test_impossible_geometry() -> None:
    exc = error(MINIMAL.replace("length_m: 4,", "length_m: -4,"))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.out_of_range",
        10,
        "rooms[0].length_m",
    )
    exc = error(MINIMAL.replace("initial_level_mm: 1500", "initial_level_mm: 9000"))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.level_above_top",
        16,
        "tank.initial_level_mm",
    )
    exc = error(MINIMAL.replace(", length_m: 4, width_m: 3", ""))
    assert (exc.code, exc.line) == ("scenarios.error.room_volume", 10)
    exc = error(MINIMAL.replace("diameter_m: 1.7\n", "diameter_m: 3\n  heads: hemispherical\n"))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.heads_exceed_volume",
        16,
        "tank.heads",
    )


def test_dished_heads_raise_the_top_of_the_tank() -> None:
    # flat heads put the top of a 4.99 m³, 1.7 m tank at 2198 mm; 2:1 heads at 2482 mm
    tall = MINIMAL.replace("initial_level_mm: 1500", "initial_level_mm: 2400")
    assert error(tall).code == "scenarios.error.level_above_top"
    dished = tall.replace("diameter_m: 1.7\n", "diameter_m: 1.7\n  heads: ellipsoidal_2_1\n")
    assert load_text(dished).spec.tank is not None


def test_negative_rate() -> None:
    exc = error(MINIMAL.replace("tank_level_drop_mm_h: 30.9", "tank_level_drop_mm_h: -30.9"))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.out_of_range",
        24,
        "sources[0].release.tank_level_drop_mm_h",
    )


def test_events_out_of_order_or_outside_the_window() -> None:
    exc = error(MINIMAL.replace('at: "05:11"', 'at: "04:10"'))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.out_of_order",
        36,
        "events[1].at",
    )
    exc = error(MINIMAL.replace('at: "05:11"', 'at: "07:00"'))
    assert (exc.code, exc.line) == ("scenarios.error.outside_window", 36)
    exc = error(MINIMAL.replace('at: "05:11"', 'at: "5 past 11"'))
    assert (exc.code, exc.line) == ("scenarios.error.bad_time", 36)


def test_references_to_missing_rooms_and_doors() -> None:
    exc = error(MINIMAL.replace("kind: o2, room: room_a", "kind: o2, room: room_b"))
    assert (exc.code, exc.line, exc.field, exc.params["name"]) == (
        "scenarios.error.unknown_reference",
        26,
        "sensors[0].room",
        "room_b",
    )
    exc = error(MINIMAL.replace("door: DOOR-A", "door: DOOR-B"))
    assert (exc.code, exc.line, exc.field) == (
        "scenarios.error.unknown_reference",
        36,
        "events[1].door",
    )
    exc = error(MINIMAL.replace("guards: [room_a]", "guards: [room_a, cellar]"))
    assert (exc.line, exc.field) == (33, "doors[0].guards[1]")


def test_unknown_event_type_duplicate_key_and_syntax() -> None:
    exc = error(MINIMAL.replace("type: door_attempt", "type: door_slam"))
    assert (exc.code, exc.line) == ("scenarios.error.unknown_event_type", 36)
    exc = error(MINIMAL.replace("name: small\n", "name: small\nname: again\n"))
    assert (exc.code, exc.line, exc.field) == ("scenarios.error.duplicate_key", 3, "name")
    exc = error(MINIMAL.replace("  name: plant\n", "  name: [plant\n"))
    assert exc.code == "scenarios.error.yaml_syntax" and exc.line >= 7


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path / "missing.yaml")
    assert caught.value.code == "scenarios.error.unreadable"


def test_bundled_scenarios_load() -> None:
    examples = bundled()
    assert {"ningbo_2_7_as_it_was", "ningbo_2_7_as_it_should_have_been"} <= set(examples)
    for path in examples.values():
        loaded = load(path)
        assert loaded.spec.rooms[-1].volume == pytest.approx(83.1, abs=0.05)
