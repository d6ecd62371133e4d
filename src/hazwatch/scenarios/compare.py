"""The 2·7 comparison the console's replay page opens on (issue 13 item 4): the room as it
was and as it should have been on one time axis, what happened (the investigation report)
beside what HazWatch did, minute by minute, with the key events to mark on the chart.
Pure: it reads replay results (``hazwatch.replay/1``), never runs one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hazwatch.core.i18n import translate
from hazwatch.scenarios.result import story_in

#: The bundled scenarios compared: without and with fixed O2 detection and exhaust.
AS_IT_WAS = "ningbo_2_7_as_it_was"
AS_IT_SHOULD_HAVE_BEEN = "ningbo_2_7_as_it_should_have_been"
COMPARISON = (AS_IT_WAS, AS_IT_SHOULD_HAVE_BEEN)

#: What is marked on the chart, and in which colour.
MARKED = {
    "release_start": "#455a64",
    "release_stop": "#455a64",
    "alarm": "#d32f2f",
    "fan_started": "#2e7d32",
    "fan_failed": "#ef6c00",
    "entry_refused": "#6a1b9a",
    "entry_allowed": "#b71c1c",
}


@dataclass
class Row:
    """One minute of the aligned timelines (``HH:MM``)."""

    at: str
    actual: list[str] = field(default_factory=list)
    hazwatch: list[str] = field(default_factory=list)


def _minute(at: str) -> str:
    return at[11:16]


def folded(result: dict[str, Any], language: str | None) -> list[dict[str, str]]:
    """HazWatch's timeline with each alarm's escalation steps folded into one line (the
    steps, their first and last time, who was told): five "step n: x notified" lines per
    alarm buried the story."""
    entries = [e for e in story_in(result, language)["hazwatch"] if e.get("kind") != "escalation"]
    steps: dict[int, list[dict[str, Any]]] = {}
    for step in result.get("escalations", []):
        if step.get("round", 0) != 0:
            continue  # repeats are in the JSON
        if step.get("alarm_id") is not None:
            steps.setdefault(int(step["alarm_id"]), []).append(step)
        else:  # a notice that is no alarm's ladder (the landlord told of a sub-lease)
            target = translate(f"scenarios.target.{step['target']}", language)
            text = translate("scenarios.compare.notice", language, target=target)
            entries.append({"at": step["at"], "kind": "escalation", "text": text})
    for alarm, taken in steps.items():
        taken.sort(key=lambda s: (s["at"], s["step"]))
        targets: list[str] = []
        for step in taken:
            name = translate(f"scenarios.target.{step['target']}", language)
            if name not in targets:
                targets.append(name)
        entries.append(
            {
                "at": taken[0]["at"],
                "kind": "escalation",
                "text": translate(
                    "scenarios.compare.escalation",
                    language,
                    alarm=alarm,
                    first=_minute(taken[0]["at"]),
                    last=_minute(taken[-1]["at"]),
                    targets=translate("access.list_separator", language).join(targets),
                ),
            }
        )
    entries.sort(key=lambda e: e["at"])
    return entries


def aligned(result: dict[str, Any], language: str | None) -> list[Row]:
    """The report's timeline and HazWatch's (folded) side by side, one row per minute in
    which either has something."""
    rows: dict[str, Row] = {}
    for column, entries in (
        ("actual", story_in(result, language)["actual"]),
        ("hazwatch", folded(result, language)),
    ):
        for entry in entries:
            at = _minute(entry["at"])
            texts = getattr(rows.setdefault(at, Row(at)), column)
            if entry["text"] not in texts:  # one line for the same notice to two contacts
                texts.append(entry["text"])
    return [rows[at] for at in sorted(rows)]


def key_events(result: dict[str, Any], language: str | None) -> list[dict[str, str]]:
    """What to mark on the chart, one mark per minute and kind with a short label: the
    release and other scenario events, alarms raised, the fan confirmed running, entries
    refused or let in."""
    found: list[tuple[str, str]] = []
    for event in result.get("events", []):
        kind = event["type"]
        if kind == "door_attempt":
            kind = "entry_allowed" if event.get("allowed") else "entry_refused"
        found.append((event["at"], kind))
    found += [
        (alarm["at"], "alarm")
        for alarm in result.get("alarms", [])
        if alarm["state"] == "active_unack" and alarm["previous_state"] != "active_unack"
    ]
    found += [(item["at"], item["event"]) for item in result.get("world", [])]
    marks: dict[tuple[str, str], dict[str, str]] = {}
    for at, kind in sorted(found):
        if kind in MARKED and (_minute(at), kind) not in marks:
            marks[(_minute(at), kind)] = {
                "at": at,
                "kind": kind,
                "label": translate(f"scenarios.compare.mark.{kind}", language),
                "colour": MARKED[kind],
            }
    return sorted(marks.values(), key=lambda m: m["at"])


def room_names(result: dict[str, Any]) -> dict[str, str]:
    """Room keys of the scenario (``dry_room_1``) to their names (干燥房1)."""
    names = result.get("scenario", {}).get("rooms") or {}
    return {str(k): str(v) for k, v in names.items()}
