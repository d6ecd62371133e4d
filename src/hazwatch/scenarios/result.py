"""The replay result: one self-describing JSON document (``hazwatch.replay/1``).

The console renders it as it is (series on a shared time axis, events, both timelines), the
CLI prints its timeline and :mod:`.plot` draws it, so every view shows the same facts. Times
are ISO 8601 in the scenario's time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hazwatch.core.i18n import LANGUAGES, normalise_language, translate
from hazwatch.monitoring.access.service import describe as describe_reason
from hazwatch.monitoring.choices import EntryPurpose
from hazwatch.monitoring.events import AlarmChange
from hazwatch.physics.fit import CROSSINGS
from hazwatch.scenarios.fit import fit_sources
from hazwatch.scenarios.loader import LoadedScenario
from hazwatch.scenarios.runner import Run

FORMAT = "hazwatch.replay/1"
O2_CONDITIONS = ("low", "low_low")


def assemble(loaded: LoadedScenario, run: Run, language: str | None = None) -> dict[str, Any]:
    spec = loaded.spec

    def iso(at: datetime | None) -> str | None:
        return None if at is None else loaded.local(at).isoformat()

    codes = {point_id: code for code, point_id in run.built.points.items()}
    kinds = {sensor.code: sensor.kind for sensor in spec.sensors}
    room_keys = {room_id: key for key, room_id in run.built.rooms.items()}
    release_at: datetime | None = next(
        (e["at"] for e in run.events if e["type"] == "release_start"), None
    )

    def minutes_after_release(at: datetime | None) -> float | None:
        if at is None or release_at is None:
            return None
        return round((at - release_at).total_seconds() / 60, 2)

    alarms = [_alarm(change, codes, room_keys, iso, language) for change in run.alarms]
    raises = [
        (c, a)
        for c, a in zip(run.alarms, alarms, strict=True)
        if c.state == "active_unack" and c.previous_state != "active_unack"
    ]
    first_o2 = next(
        (
            (c, a)
            for c, a in raises
            if c.condition in O2_CONDITIONS and kinds.get(str(a["point"])) in ("o2", "o2_modelled")
        ),
        None,
    )
    first_leak = next(((c, a) for c, a in raises if c.condition == "leak"), None)
    crossings = _crossings(loaded, run, release_at)
    result: dict[str, Any] = {
        "format": FORMAT,
        "scenario": {
            "name": spec.name,
            "title": _in(language, spec.title, spec.title_en),
            "description": _in(language, spec.description, spec.description_en),
            # both languages, for a reader of the other one (the console's replay page)
            "titles": {lang: _in(lang, spec.title, spec.title_en) for lang in LANGUAGES},
            "descriptions": {
                lang: _in(lang, spec.description, spec.description_en) for lang in LANGUAGES
            },
            "file": loaded.file,
            "timezone": spec.timezone,
            "start": iso(loaded.start),
            "end": iso(loaded.end),
            "seed": spec.seed,
            "resolution_s": spec.resolution_s,
            "tick_s": spec.tick_s,
            "rooms": {room.id: room.name for room in spec.rooms},
        },
        "fits": [f.as_dict() for f in fit_sources(spec)],
        "times": [iso(t) for t in run.times],
        "series": [_series(key, values, loaded) for key, values in run.series.items()],
        "events": [_jsonable({**e, "at": iso(e["at"])}) for e in run.events],
        "alarms": alarms,
        "escalations": [{**n, "at": iso(n["at"])} for n in run.notifications],
        "interlocks": [
            {**c, "sent_at": iso(c["sent_at"]), "confirmed_at": iso(c["confirmed_at"])}
            for c in run.commands
        ],
        "access": [_jsonable({**a, "at": iso(a["at"])}) for a in run.access],
        "scba_checks": [{**s, "at": iso(s["at"])} for s in run.scba_checks],
        "world": [
            {"at": iso(at), "event": kind, **params} for at, kind, params in run.world.log.entries
        ],
        "crossings": [{**c, "at": iso(c["at"])} for c in crossings],
        "outcomes": {
            "release_at": iso(release_at),
            "first_o2_alarm": None
            if first_o2 is None
            else {
                "at": first_o2[1]["at"],
                "point": first_o2[1]["point"],
                "modelled": kinds.get(str(first_o2[1]["point"])) == "o2_modelled",
                "minutes_after_release": minutes_after_release(first_o2[0].at),
            },
            "first_leak_alarm": None
            if first_leak is None
            else {
                "at": first_leak[1]["at"],
                "minutes_after_release": minutes_after_release(first_leak[0].at),
            },
            "o2_minimum_after_exhaust_percent": {
                room: round(o2 * 100, 3) for room, o2 in run.world.lowest_with_exhaust.items()
            },
            "seconds_below_19_5": dict(run.world.seconds_below_low),
            "o2_final_percent": {
                key.split(":", 1)[1]: values[-1]
                for key, values in run.series.items()
                if key.startswith("o2:") and values
            },
            "entries": [
                {
                    "at": iso(a["at"]),
                    "door": a["door"],
                    "person": a["person"],
                    "purpose": a["purpose"],
                    "allowed": a["allowed"],
                }
                for a in run.access
            ],
            "escalation_targets": _first_by_target(run, iso),
        },
        "performance": {
            "wall_seconds": round(run.wall_seconds, 3),
            "simulated_hours": round((loaded.end - loaded.start).total_seconds() / 3600, 3),
            "readings": run.readings,
            "simulated_hours_per_wall_second": round(
                (loaded.end - loaded.start).total_seconds() / 3600 / max(run.wall_seconds, 1e-9),
                3,
            ),
        },
    }
    # The story in each language (the console shows its reader's); "timeline" is the one asked.
    result["timelines"] = {lang: timeline(loaded, result, lang) for lang in LANGUAGES}
    result["timeline"] = result["timelines"][normalise_language(language)]
    return result


def _in(language: str | None, text: str, english: str) -> str:
    """A scenario's own words in ``language``: its English version where it has one."""
    return english if english and normalise_language(language) == "en" else text


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _alarm(
    change: AlarmChange,
    codes: dict[int, str],
    room_keys: dict[int, str],
    iso: Any,
    language: str | None,
) -> dict[str, Any]:
    return {
        "at": iso(change.at),
        "alarm_id": change.alarm_id,
        "condition": change.condition,
        "priority": change.priority,
        "state": change.state,
        "previous_state": change.previous_state,
        "room": room_keys.get(change.room_id) if change.room_id else None,
        "point": codes.get(change.point_id) if change.point_id else None,
        "value": change.value,
        "message": translate(change.message_key, language, **change.params)
        if change.message_key
        else "",
        # to say it again in another language
        "message_key": change.message_key,
        "params": _jsonable(change.params),
    }


#: Series that are not points: (unit, kind) by key prefix.
_SERIES = {
    "o2": ("%vol", "simulated"),
    "level": ("mm", "simulated"),
    "fan": ("m³/h", "actuator"),
}


def _series(key: str, values: list[float | None], loaded: LoadedScenario) -> dict[str, Any]:
    prefix, name = key.split(":", 1)
    if prefix == "point":
        sensor = next(s for s in loaded.spec.sensors if s.code == name)
        unit = "mm" if sensor.kind == "tank_level" else "%vol"
        kind = "modelled" if sensor.kind == "o2_modelled" else "measured"
        return {
            "key": key,
            "name": name,
            "quantity": sensor.kind,
            "kind": kind,
            "unit": unit,
            "room": sensor.room,
            "values": values,
        }
    unit, kind = _SERIES[prefix]
    quantity = {"o2": "o2", "level": "tank_level", "fan": "exhaust"}[prefix]
    room = name if prefix == "o2" else None
    return {
        "key": key,
        "name": name,
        "quantity": quantity,
        "kind": kind,
        "unit": unit,
        "room": room,
        "values": values,
    }


def _crossings(
    loaded: LoadedScenario, run: Run, release_at: datetime | None
) -> list[dict[str, Any]]:
    """When each room's simulated O2 first fell below each level (series resolution)."""
    found = []
    for key, values in run.series.items():
        if not key.startswith("o2:"):
            continue
        for level in CROSSINGS:
            index = next(
                (i for i, v in enumerate(values) if v is not None and v < level * 100), None
            )
            if index is None:
                continue
            at = run.times[index]
            found.append(
                {
                    "room": key.split(":", 1)[1],
                    "level_percent": round(level * 100, 1),
                    "at": at,
                    "minutes_after_release": None
                    if release_at is None
                    else round((at - release_at).total_seconds() / 60, 1),
                }
            )
    return found


def _first_by_target(run: Run, iso: Any) -> list[dict[str, Any]]:
    """When each step of the alarms' ladder was first reached (work items' and notices'
    messages, such as a landlord told of a sub-lease, are not the alarm ladder)."""
    firsts: dict[str, datetime] = {}
    for notification in run.notifications:
        if notification["alarm_id"] is not None:
            firsts.setdefault(notification["target"], notification["at"])
    return [{"target": t, "at": iso(at)} for t, at in sorted(firsts.items(), key=lambda x: x[1])]


def timeline(
    loaded: LoadedScenario, result: dict[str, Any], language: str | None
) -> dict[str, list[dict[str, str]]]:
    """Two columns: what actually happened, and what HazWatch did in the replay."""
    actual = [
        {"at": loaded.local(at).isoformat(), "text": _in(language, entry.text, entry.text_en)}
        for at, entry in zip(loaded.actual_times, loaded.spec.actual, strict=True)
    ]
    entries: list[dict[str, str]] = []
    source_names = {source.id: source.name for source in loaded.spec.sources}
    room_names = {room.id: room.name for room in loaded.spec.rooms}

    def add(at: str | None, kind: str, key: str, **params: Any) -> None:
        if at is not None:
            entries.append({"at": at, "kind": kind, "text": translate(key, language, **params)})

    for event in result["events"]:
        kind = event["type"]
        if kind == "door_attempt":
            reasons = event.get("reasons") or []
            why = describe_reason(reasons[0], language) if reasons else ""
            key = (
                "scenarios.timeline.door_allowed"
                if event["allowed"]
                else ("scenarios.timeline.door_denied")
            )
            add(
                event["at"],
                "access",
                key,
                door=event["door"],
                person=event["person"],
                purpose=EntryPurpose(event["purpose"]).label(language),
                reason=why,
            )
        elif kind == "scba_check":
            pressure = event["pressure_mpa"]
            if event["ready"]:
                add(
                    event["at"],
                    "scba",
                    "scenarios.timeline.scba_ready",
                    set=event["set"],
                    pressure=pressure,
                )
            else:
                reason = translate(event["reason"], language, scba=event["set"], pressure=pressure)
                add(
                    event["at"],
                    "scba",
                    "scenarios.timeline.scba_not_ready",
                    set=event["set"],
                    pressure=pressure,
                    reason=reason,
                )
        else:
            add(
                event["at"],
                "scenario",
                f"scenarios.timeline.{kind}",
                name=source_names.get(event.get("source", ""), event.get("fan", "")),
            )
    for alarm in result["alarms"]:
        if alarm["state"] == "active_unack" and alarm["previous_state"] != "active_unack":
            value = "-" if alarm["value"] is None else f"{alarm['value']:g}"
            message = (
                translate(alarm["message_key"], language, **alarm["params"])
                if alarm.get("message_key")
                else alarm["message"]
            )
            add(
                alarm["at"],
                "alarm",
                "scenarios.timeline.alarm",
                message=message,
                where=alarm["point"] or room_names.get(alarm["room"], alarm["room"]) or "-",
                value=value,
            )
    seen: set[tuple[int, int]] = set()
    for step in result["escalations"]:  # the first round; repeats are in the JSON
        mark = (step["alarm_id"], step["step"])
        if step["round"] == 0 and mark not in seen:
            seen.add(mark)
            add(
                step["at"],
                "escalation",
                "scenarios.timeline.escalation",
                target=translate(f"scenarios.target.{step['target']}", language),
                alarm=step["alarm_id"],
                step=step["step"] + 1,
            )
    for command in result["interlocks"]:
        add(
            command["sent_at"],
            "interlock",
            "scenarios.timeline.command_sent",
            action=command["action"],
            device=command["device"],
        )
        if command["status"] == "confirmed":
            add(
                command["confirmed_at"],
                "interlock",
                "scenarios.timeline.command_confirmed",
                device=command["device"],
            )
    for item in result["world"]:
        add(item["at"], "world", f"scenarios.timeline.{item['event']}", name=item.get("fan", ""))
    for crossing in result["crossings"]:
        add(
            crossing["at"],
            "physics",
            "scenarios.timeline.crossing",
            room=room_names.get(crossing["room"], crossing["room"]),
            level=crossing["level_percent"],
        )
    entries.sort(key=lambda e: e["at"])
    return {"actual": actual, "hazwatch": entries}


def scenario_text(result: dict[str, Any], what: str, language: str | None) -> str:
    """The replayed scenario's ``title`` or ``description`` in ``language`` (results saved
    before both were kept have the one they were made in)."""
    scenario = result.get("scenario", {})
    both = scenario.get(f"{what}s", {})
    return str(both.get(normalise_language(language)) or scenario.get(what) or "")


def story_in(result: dict[str, Any], language: str | None) -> dict[str, list[dict[str, str]]]:
    """The two timelines in ``language`` (results saved before they were kept in both
    languages have only the one they were made in)."""
    story: dict[str, list[dict[str, str]]] = result.get("timelines", {}).get(
        normalise_language(language)
    ) or result.get("timeline", {"actual": [], "hazwatch": []})
    return story


def render_timeline(result: dict[str, Any], language: str | None = None) -> str:
    """The two timelines merged by time, then the key figures, as plain text."""
    story = story_in(result, language)
    rows = [
        (e["at"], translate("scenarios.column.actual", language), e["text"])
        for e in story["actual"]
    ]
    rows += [(e["at"], "HazWatch", e["text"]) for e in story["hazwatch"]]
    rows.sort(key=lambda row: row[0])
    lines = [scenario_text(result, "title", language), ""]
    lines += [f"{at[11:19]}  {column:<9} {text}" for at, column, text in rows]
    lines.append("")
    for fitted in result["fits"]:
        lines.append(translate("scenarios.summary.fit", language, **_fit_params(fitted)))
    outcomes = result["outcomes"]
    first = outcomes["first_o2_alarm"]
    if first is not None:
        lines.append(
            translate(
                "scenarios.summary.first_o2_alarm",
                language,
                at=first["at"][11:19],
                minutes=first["minutes_after_release"],
                point=first["point"],
            )
        )
    leak = outcomes["first_leak_alarm"]
    if leak is not None:
        lines.append(
            translate(
                "scenarios.summary.first_leak_alarm",
                language,
                at=leak["at"][11:19],
                minutes=leak["minutes_after_release"],
            )
        )
    names = result["scenario"].get("rooms", {})
    for room, value in outcomes["o2_minimum_after_exhaust_percent"].items():
        lines.append(
            translate(
                "scenarios.summary.exhaust_minimum",
                language,
                room=names.get(room, room),
                value=f"{value:.2f}",
                seconds=f"{outcomes['seconds_below_19_5'].get(room, 0):.0f}",
                final=f"{outcomes['o2_final_percent'].get(room, 0):.2f}",
            )
        )
    performance = result["performance"]
    lines.append(
        translate(
            "scenarios.summary.performance",
            language,
            hours=performance["simulated_hours"],
            seconds=performance["wall_seconds"],
            rate=performance["simulated_hours_per_wall_second"],
            readings=performance["readings"],
        )
    )
    return "\n".join(lines) + "\n"


def _fit_params(fitted: dict[str, Any]) -> dict[str, Any]:
    crossing = fitted["crossing_minutes"]
    return {
        "source": fitted["source"],
        "drop": fitted["tank_level_drop_mm_h"]
        if fitted["tank_level_drop_mm_h"] is not None
        else "-",
        "inflow": fitted["inflow_m3_h"],
        "o2": fitted["o2_after_reference_percent"],
        "band": "–".join(f"{b:g}" for b in fitted["reference_band_percent"]),
        "verdict": "✓" if fitted["within_band"] else "✗",
        "t195": crossing.get("19.5"),
        "t18": crossing.get("18"),
        "t88": crossing.get("8.8"),
    }
