"""Replay-speed benchmark: a site of 50 points sampled every second (or every
``interval_s``) on a 1 s world step, through the live pipeline (``hazwatch bench replay``).

The site is generated rather than bundled so the point count and duration can be varied:
ten lab rooms with 49 fixed O2 detectors between them and a tank-level gauge, a nitrogen
leak into one room an hour in, its interlocked exhaust, a door attempt while it is low.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from hazwatch.scenarios.loader import LoadedScenario, load_text
from hazwatch.scenarios.runner import Progress, Run, run

#: Scenario times are wall-clock times in the scenario's zone; only their text is used.
START = datetime(2025, 2, 7, tzinfo=UTC)
ROOMS = 10


def _wall(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S")


def scenario(points: int = 50, hours: float = 24.0, interval_s: int = 1) -> LoadedScenario:
    """The generated site as a loaded scenario (it goes through the same loader as files)."""
    end = START + timedelta(hours=hours)
    leak = START + timedelta(hours=min(1.0, hours / 4))
    door = leak + timedelta(minutes=min(30.0, hours * 60 / 8))
    detectors = [
        {
            "code": f"O2-{number:02d}",
            "kind": "o2",
            "room": f"lab_{number % ROOMS}",
            "interval_s": interval_s,
            "noise": 0.03,
        }
        for number in range(points - 1)
    ]
    spec: dict[str, Any] = {
        "format": "hazwatch.scenario/1",
        "name": "bench_replay",
        "title": f"replay benchmark: {points} points every {interval_s} s",
        "start": _wall(START),
        "end": _wall(end),
        "resolution_s": 1,
        "tick_s": 5,
        "record_s": 60,
        "site": {"name": "基准厂区", "occupant": "基准实验室"},
        "rooms": [
            {"id": f"lab_{n}", "name": f"实验室{n}", "length_m": 6, "width_m": 4, "height_m": 2.8}
            for n in range(ROOMS)
        ],
        "tank": {
            "id": "ln2",
            "name": "液氮储罐",
            "volume_m3": 4.99,
            "diameter_m": 1.7,
            "initial_level_mm": 1500,
            "monthly_draw_kg": 4000,
            "feeds": ["lab_1"],
        },
        "sources": [
            {
                "id": "hose",
                "room": "lab_1",
                "name": "软管",
                "tank": "ln2",
                "release": {"tank_level_drop_mm_h": 30.9},
            }
        ],
        "sensors": [
            {
                "code": "LT-LN2",
                "kind": "tank_level",
                "tank": "ln2",
                "interval_s": interval_s,
                "noise": 3,
            },
            *detectors,
        ],
        "fans": [
            {
                "code": "FAN-1",
                "room": "lab_1",
                "air_changes_per_hour": 10,
                "interlock": {"on": ["low"]},
            }
        ],
        "doors": [{"code": "DOOR-1", "name": "实验室1门", "guards": ["lab_1"]}],
        "escalation": [{"after_minutes": 0, "target": "duty_officer"}],
        "events": [
            {"at": _wall(leak), "type": "release_start", "source": "hose"},
            {"at": _wall(door), "type": "door_attempt", "door": "DOOR-1", "person": "甲"},
        ],
    }
    return load_text(yaml.safe_dump(spec, allow_unicode=True), "<bench_replay>")


def measure(
    points: int, hours: float, interval_s: int = 1, progress: Progress | None = None
) -> Run:
    return run(scenario(points, hours, interval_s), progress)
