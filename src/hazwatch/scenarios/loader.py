"""Reading a scenario file, with errors that name the file, the line and the field.

The YAML is composed into nodes first (PyYAML keeps each node's ``start_mark``), so a
validation error located by a path such as ``rooms[0].length_m`` is mapped back to the
line it came from. The YAML resolver is narrowed to what a scenario needs: ``12:11`` stays
the string "12:11" (YAML 1.1 would read it as the base-60 integer 731), ``on`` stays a key
(not the boolean true) and timestamps are strings until the loader resolves them in the
scenario's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import translate
from hazwatch.scenarios import fit
from hazwatch.scenarios.format import Scenario

MAX_DURATION = timedelta(days=7)
Path_ = tuple[str | int, ...]


class ScenarioError(InvalidInput):
    """A scenario file problem at ``file``:``line`` in ``field``."""

    def __init__(self, key: str, *, file: str, line: int, field: str, **params: Any) -> None:
        super().__init__(key, field=field, **params)
        self.file = file
        self.line = line

    def describe(self, language: str | None = None) -> str:
        message = translate(self.code, language, **self.params)
        return f"{self.file}:{self.line}: {self.field}: {message}"


class _Loader(yaml.SafeLoader):
    """Safe YAML with decimal numbers and true/false only (no base-60, no yes/no/on/off,
    no timestamps)."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag
        not in (
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:timestamp",
        )
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
    ),
    list("-+0123456789."),
)


@dataclass(frozen=True)
class LoadedScenario:
    spec: Scenario
    file: str
    zone: ZoneInfo
    start: datetime
    end: datetime
    event_times: tuple[datetime, ...]
    actual_times: tuple[datetime, ...]

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)


def field_name(path: Path_) -> str:
    """``('rooms', 0, 'length_m')`` → ``rooms[0].length_m``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name or "-"


class _Lines:
    """Line numbers of every key and value in the document, by path."""

    def __init__(self, root: yaml.Node, file: str) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {(): root.start_mark.line + 1}
        self._walk(root, ())

    def _walk(self, node: yaml.Node, path: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in seen:
                    raise ScenarioError(
                        "scenarios.error.duplicate_key",
                        file=self.file,
                        line=key_node.start_mark.line + 1,
                        field=field_name((*path, key)),
                    )
                seen.add(key)
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                self._walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._walk(item, (*path, index))

    def resolve(self, location: tuple[str | int, ...]) -> tuple[Path_, int]:
        """The deepest known path along ``location`` (pydantic adds union tags that are
        not in the document; they are skipped) and its line."""
        path: Path_ = ()
        for part in location:
            if (*path, part) in self.lines:
                path = (*path, part)
        return path, self.lines[path]

    def error(self, key: str, location: tuple[str | int, ...], **params: Any) -> ScenarioError:
        _path, line = self.resolve(location)
        return ScenarioError(key, file=self.file, line=line, field=field_name(location), **params)


_PYDANTIC_KEYS = {
    "extra_forbidden": "scenarios.error.unknown_key",
    "missing": "scenarios.error.missing_key",
    "union_tag_invalid": "scenarios.error.unknown_event_type",
    "union_tag_not_found": "scenarios.error.missing_key",
    "literal_error": "scenarios.error.not_one_of",
    "greater_than": "scenarios.error.out_of_range",
    "greater_than_equal": "scenarios.error.out_of_range",
    "less_than": "scenarios.error.out_of_range",
    "less_than_equal": "scenarios.error.out_of_range",
}


def _from_pydantic(error: ErrorDetails, lines: _Lines) -> ScenarioError:
    location = tuple(error["loc"])
    context = error.get("ctx", {})
    message = str(context.get("error", ""))
    if error["type"] == "value_error" and message.startswith("scenarios.error."):
        return lines.error(message, location)
    key = _PYDANTIC_KEYS.get(error["type"], "scenarios.error.invalid_value")
    if error["type"] == "union_tag_not_found":
        location = (*location, "type")
    return lines.error(key, location, problem=error["msg"])


def load(path: str | Path) -> LoadedScenario:
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            "scenarios.error.unreadable", file=file, line=0, field="-", problem=str(exc)
        ) from None
    return load_text(text, file)


def load_text(text: str, file: str = "<scenario>") -> LoadedScenario:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ScenarioError("scenarios.error.not_a_mapping", file=file, line=1, field="-")
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ScenarioError(
            "scenarios.error.yaml_syntax",
            file=file,
            line=mark.line + 1 if mark else 0,
            field="-",
            problem=str(exc.problem or exc),
        ) from None
    finally:
        loader.dispose()
    lines = _Lines(root, file)
    if not isinstance(data, dict):
        raise lines.error("scenarios.error.not_a_mapping", ())
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        # an unknown key first: it is usually the typo that also makes a key "missing"
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise _from_pydantic(errors[0], lines) from None
    return _Checker(spec, lines).check()


class _Checker:
    """Checks that need the whole scenario: references, times, geometry, order."""

    def __init__(self, spec: Scenario, lines: _Lines) -> None:
        self.spec = spec
        self.lines = lines

    def _ref(self, value: str, known: set[str], location: Path_) -> None:
        if value not in known:
            raise self.lines.error("scenarios.error.unknown_reference", location, name=value)

    def _unique(self, values: list[str], section: str, attribute: str) -> None:
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value in seen:
                raise self.lines.error(
                    "scenarios.error.duplicate_id", (section, index, attribute), name=value
                )
            seen.add(value)

    def check(self) -> LoadedScenario:
        spec = self.spec
        try:
            zone = ZoneInfo(spec.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.lines.error(
                "scenarios.error.unknown_timezone", ("timezone",), name=spec.timezone
            ) from None
        start = self._datetime(spec.start, zone, None, ("start",))
        end = self._datetime(spec.end, zone, None, ("end",))
        if not start < end <= start + MAX_DURATION:
            raise self.lines.error("scenarios.error.bad_window", ("end",), days=MAX_DURATION.days)
        self._references()
        self._geometry()
        event_times = self._times(
            [event.at for event in spec.events], "events", zone, start, end, within=True
        )
        actual_times = self._times(
            [entry.at for entry in spec.actual], "actual", zone, start, end, within=False
        )
        return LoadedScenario(
            spec, self.lines.file, zone, start, end, tuple(event_times), tuple(actual_times)
        )

    def _references(self) -> None:
        spec = self.spec
        self._unique([room.id for room in spec.rooms], "rooms", "id")
        self._unique([source.id for source in spec.sources], "sources", "id")
        sensor_codes = [sensor.code for sensor in spec.sensors]
        self._unique(sensor_codes + [fan.code for fan in spec.fans], "sensors", "code")
        self._unique([door.code for door in spec.doors], "doors", "code")
        self._unique([scba.code for scba in spec.scba], "scba", "code")
        rooms = {room.id for room in spec.rooms}
        tanks = {spec.tank.id} if spec.tank else set()
        if spec.tank:
            for index, room in enumerate(spec.tank.feeds):
                self._ref(room, rooms, ("tank", "feeds", index))
        for index, source in enumerate(spec.sources):
            self._ref(source.room, rooms, ("sources", index, "room"))
            if source.tank is not None:
                self._ref(source.tank, tanks, ("sources", index, "tank"))
        fed = set(spec.tank.feeds) if spec.tank else set()
        sourced = {source.room for source in spec.sources}
        for index, sensor in enumerate(spec.sensors):
            if sensor.room is not None:
                self._ref(sensor.room, rooms, ("sensors", index, "room"))
            if sensor.tank is not None:
                self._ref(sensor.tank, tanks, ("sensors", index, "tank"))
            if sensor.kind == "o2_modelled" and not (sensor.room in fed and sensor.room in sourced):
                raise self.lines.error(
                    "scenarios.error.modelled_needs_feed", ("sensors", index, "room")
                )
            if sensor.interval_s % spec.resolution_s:
                raise self.lines.error(
                    "scenarios.error.interval_not_multiple",
                    ("sensors", index, "interval_s"),
                    resolution=spec.resolution_s,
                )
        for index, fan in enumerate(spec.fans):
            self._ref(fan.room, rooms, ("fans", index, "room"))
        for index, door in enumerate(spec.doors):
            for position, room in enumerate(door.guards):
                self._ref(room, rooms, ("doors", index, "guards", position))
        names = {
            "source": {source.id for source in spec.sources},
            "fan": {fan.code for fan in spec.fans},
            "door": {door.code for door in spec.doors},
            "set": {scba.code for scba in spec.scba},
        }
        for index, event in enumerate(spec.events):
            for attribute, known in names.items():
                value = getattr(event, attribute, None)
                if isinstance(value, str):
                    self._ref(value, known, ("events", index, attribute))

    def _geometry(self) -> None:
        tank = self.spec.tank
        if tank is None:
            return
        try:
            geometry = fit.geometry(tank)
        except ValueError:
            raise self.lines.error(
                "scenarios.error.heads_exceed_volume", ("tank", "heads")
            ) from None
        if tank.initial_level_mm > geometry.max_level_mm:
            raise self.lines.error(
                "scenarios.error.level_above_top",
                ("tank", "initial_level_mm"),
                top=f"{geometry.max_level_mm:.0f}",
            )

    def _datetime(self, text: str, zone: ZoneInfo, day: date | None, location: Path_) -> datetime:
        """``HH:MM[:SS]`` on ``day``, or an ISO 8601 date-time (local to the scenario unless
        it carries an offset); always returned in UTC."""
        value: datetime | None = None
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
        try:
            if clock is not None and day is not None:
                hour, minute, second = (int(part or 0) for part in clock.groups())
                value = datetime.combine(day, time(hour, minute, second))
            elif clock is None:
                value = datetime.fromisoformat(text)
        except ValueError:
            value = None
        if value is None:
            raise self.lines.error("scenarios.error.bad_time", location, value=text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(ZoneInfo("UTC"))

    def _times(
        self,
        texts: list[str],
        section: str,
        zone: ZoneInfo,
        start: datetime,
        end: datetime,
        *,
        within: bool,
    ) -> list[datetime]:
        day = start.astimezone(zone).date()
        times: list[datetime] = []
        for index, text in enumerate(texts):
            at = self._datetime(text, zone, day, (section, index, "at"))
            if within and not start <= at <= end:
                raise self.lines.error(
                    "scenarios.error.outside_window", (section, index, "at"), value=text
                )
            if times and at < times[-1]:
                raise self.lines.error(
                    "scenarios.error.out_of_order", (section, index, "at"), value=text
                )
            times.append(at)
        return times


EXAMPLES = Path(__file__).with_name("examples")


def bundled() -> dict[str, Path]:
    """The scenarios shipped with HazWatch, by name."""
    return {path.stem: path for path in sorted(EXAMPLES.glob("*.yaml"))}
