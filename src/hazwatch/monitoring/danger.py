"""Danger first: which room an operator on duty must look at first, and what to do there.

Pure rules over facts gathered elsewhere (``hazwatch.web.rooms``), so they are testable
without a browser or a database:

- **Order.** Rooms whose air is unknown or that carry an urgent alarm come first (unknown is
  never safe: a door reader refuses entry on it), then rooms by the priority of their worst
  alarm, the oldest alarm first (it has waited longest), then rooms nothing says are safe
  (no points), then the rest by name.
- **Severity, not acknowledgement, sets the colour.** A room's severity is the worst of its
  alarms' priorities and of what its oxygen reading says on its own (below the low-low
  setpoint of GB/T 50493-2019, 18 %vol, is urgent whatever the alarm's state), so an
  acknowledged alarm at O2 0.7 %vol stays red while an unacknowledged ammonia high alarm is
  yellow. Acknowledgement is a separate mark (``RoomDanger.unacknowledged``).
- **Summary per site.** Rooms in alarm, rooms unknown, doors refusing entry and the people
  inside when the site's doors record them (None when no door counts them).
- **Advice.** One line per dangerous room: do not enter (or evacuate the people inside), and
  the interlock's ventilation or valve action with its time and whether the actuator
  confirmed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hazwatch.monitoring.kinds import KINDS, PointKind

#: Severities from the worst; ``unknown`` sits with ``urgent`` in the first tier.
SEVERITIES = ("urgent", "unknown", "high", "medium", "low", "unmonitored", "normal")
#: Screen colour per severity (the regulators' four warning colours; DOMAIN §4). Unknown is
#: a dark purple-grey of its own: not green (nothing says the air is safe), not a priority.
SEVERITY_COLOURS = {
    "urgent": "red",
    "high": "orange",
    "medium": "yellow",
    "low": "blue",
    "unknown": "purple",
    "unmonitored": "grey",
    "normal": "green",
}
_PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
#: Alarm states that mean the condition is present now (shelved ones are still shown, as
#: the operator chose to hide their noise, not their danger).
ACTIVE_STATES = frozenset({"active_unack", "active_ack", "shelved"})
#: Alarm states that still ask for the operator's attention.
ATTENTION_STATES = ACTIVE_STATES | {"rtn_unack"}
_O2 = KINDS[PointKind.O2]


@dataclass(frozen=True)
class PointFact:
    kind: str
    value: float | None
    known: bool


@dataclass(frozen=True)
class AlarmFact:
    priority: str
    state: str
    condition: str
    raised_at: datetime | None


@dataclass(frozen=True)
class ActionFact:
    """An interlock command sent for one of the room's alarms (``InterlockCommand``)."""

    action: str
    sent_at: datetime
    #: sent, confirmed, refused, timeout
    status: str


@dataclass(frozen=True)
class RoomFacts:
    room_id: int
    name: str
    site_id: int
    site: str
    points: Sequence[PointFact] = ()
    alarms: Sequence[AlarmFact] = ()
    #: Codes of the room's doors that refuse entry now (a door may guard several rooms).
    denied_doors: tuple[str, ...] = ()
    #: People inside by the door records; None when no door of the room counts them.
    people_inside: int | None = None
    actions: Sequence[ActionFact] = ()


@dataclass(frozen=True)
class Advice:
    """One line of what to do: ``key`` is a message (``console.advice.*``), ``params`` its
    values (times stay datetimes, the console shows them in local time)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RoomDanger:
    facts: RoomFacts
    severity: str
    unknown: bool
    in_alarm: bool
    #: An active or returned alarm nobody has acknowledged yet (the separate mark).
    unacknowledged: bool
    oldest_alarm: datetime | None
    advice: tuple[Advice, ...]

    @property
    def colour(self) -> str:
        return SEVERITY_COLOURS[self.severity]

    @property
    def dangerous(self) -> bool:
        return self.severity in ("urgent", "unknown", "high", "medium", "low") or bool(
            self.facts.denied_doors
        )

    @property
    def tier(self) -> int:
        """0: unknown or urgent; 1: other alarms; 2: no points; 3: normal."""
        if self.severity in ("urgent", "unknown") or self.unknown:
            return 0
        if self.severity in _PRIORITY_RANK:
            return 1
        return 2 if self.severity == "unmonitored" else 3

    @property
    def key(self) -> tuple[int, int, int, float, str, int]:
        return (
            self.tier,
            _PRIORITY_RANK.get(self.severity, 4 if self.severity == "unknown" else 9),
            0 if self.unknown else 1,
            self.oldest_alarm.timestamp() if self.oldest_alarm is not None else float("inf"),
            self.facts.name,
            self.facts.room_id,
        )


@dataclass(frozen=True)
class SiteSummary:
    site_id: int
    site: str
    rooms: int
    in_alarm: int
    unknown: int
    doors_denied: int
    #: None when no door on the site counts people in and out.
    people_inside: int | None
    severity: str

    @property
    def colour(self) -> str:
        return SEVERITY_COLOURS[self.severity]


def value_severity(point: PointFact) -> str | None:
    """What an oxygen reading says on its own, with the priorities its alarm would carry
    (``monitoring.choices.DEFAULT_PRIORITY``) at the GB/T 50493-2019 setpoints; the limits
    alarm strictly beyond their setpoint, as ``monitoring.evaluation``."""
    if not point.known or point.value is None or not point.kind.startswith("o2"):
        return None
    value = Decimal(str(point.value))
    if _O2.low_low is not None and value < _O2.low_low:
        return "urgent"
    if _O2.low is not None and value < _O2.low:
        return "high"
    if _O2.high is not None and value > _O2.high:
        return "medium"
    return None


def _worst(severities: Iterable[str]) -> str | None:
    ranked = sorted(severities, key=SEVERITIES.index)
    return ranked[0] if ranked else None


def assess(facts: RoomFacts) -> RoomDanger:
    attention = [a for a in facts.alarms if a.state in ATTENTION_STATES]
    active = [a for a in attention if a.state in ACTIVE_STATES]
    unknown = any(not p.known for p in facts.points) or any(
        a.condition in ("stale", "fault") for a in active
    )
    found = [a.priority for a in active if a.priority in _PRIORITY_RANK]
    found += [s for s in (value_severity(p) for p in facts.points) if s is not None]
    worst = _worst(found)
    if worst == "urgent":
        severity = "urgent"
    elif unknown:
        severity = "unknown"
    elif worst is not None:
        severity = worst
    elif any(a.state == "rtn_unack" for a in attention):
        severity = "low"
    else:
        severity = "normal" if facts.points else "unmonitored"
    raised = [a.raised_at for a in attention if a.raised_at is not None]
    danger = RoomDanger(
        facts=facts,
        severity=severity,
        unknown=unknown,
        in_alarm=bool(active),
        unacknowledged=any(a.state in ("active_unack", "rtn_unack") for a in attention),
        oldest_alarm=min(raised) if raised else None,
        advice=(),
    )
    return RoomDanger(**{**danger.__dict__, "advice": advise(danger)})


def advise(danger: RoomDanger) -> tuple[Advice, ...]:
    """What to do in a dangerous room, most important first."""
    facts = danger.facts
    if not danger.dangerous:
        return ()
    lines: list[Advice] = []
    entry_unsafe = danger.severity in ("urgent", "unknown", "high") or facts.denied_doors
    if entry_unsafe:
        lines.append(Advice("console.advice.do_not_enter"))
    else:
        lines.append(Advice("console.advice.check"))
    if facts.people_inside and entry_unsafe:
        lines.append(Advice("console.advice.evacuate", {"n": facts.people_inside}))
    if danger.unknown:
        lines.append(Advice("console.advice.unknown"))
    latest: dict[str, ActionFact] = {}
    for action in facts.actions:
        if action.action not in latest or action.sent_at > latest[action.action].sent_at:
            latest[action.action] = action
    for action in sorted(latest.values(), key=lambda a: a.sent_at):
        lines.append(
            Advice(
                f"console.advice.action.{action.status}",
                {"action": action.action, "at": action.sent_at},
            )
        )
    return tuple(lines)


def order(rooms: Iterable[RoomFacts]) -> list[RoomDanger]:
    """Every room assessed, the most dangerous first."""
    return sorted((assess(room) for room in rooms), key=lambda d: d.key)


def summaries(dangers: Iterable[RoomDanger]) -> list[SiteSummary]:
    """One summary per site, the most dangerous site first."""
    by_site: dict[int, list[RoomDanger]] = {}
    for danger in dangers:
        by_site.setdefault(danger.facts.site_id, []).append(danger)
    out = []
    for site_id, rooms in by_site.items():
        counted = [r.facts.people_inside for r in rooms if r.facts.people_inside is not None]
        out.append(
            SiteSummary(
                site_id=site_id,
                site=rooms[0].facts.site,
                rooms=len(rooms),
                in_alarm=sum(1 for r in rooms if r.in_alarm),
                unknown=sum(1 for r in rooms if r.unknown),
                doors_denied=len({code for r in rooms for code in r.facts.denied_doors}),
                people_inside=sum(counted) if counted else None,
                severity=_worst(r.severity for r in rooms) or "normal",
            )
        )
    return sorted(out, key=lambda s: (SEVERITIES.index(s.severity), s.site, s.site_id))
