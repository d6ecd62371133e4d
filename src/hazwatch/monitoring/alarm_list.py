"""The alarm list (issue 13 item 2): one row per alarm as an operator reads it, folded,
filtered and sorted without a browser.

- **Folding.** A low and a low-low (or a high and a high-high) on one point are one alarm
  at its worst level (ISA-18.2 treats them as one condition with two severities): the row
  carries every alarm id it stands for, so acknowledging the row acknowledges both.
- **Unknown is unknown.** A value is shown only when the point's quality is good; a stale
  or fault alarm never carries a number, at raise or now.
- **Who and when.** Who acknowledged and when, who shelved it until when, and each
  escalation step with the time it was called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.escalation.models import ALARM, Notification
from hazwatch.monitoring.evaluation import PointPresent
from hazwatch.monitoring.models import Alarm, AlarmEvent
from hazwatch.registry import service as registry
from hazwatch.registry.resources import resource

PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
#: Conditions folded into one alarm per point, worst first.
FOLDS = (("low_low", "low"), ("high_high", "high"))
#: Conditions whose value is never a number: the point's reading is not known.
UNKNOWN_CONDITIONS = frozenset({"stale", "fault"})
UNACKED = frozenset({"active_unack", "rtn_unack"})


@dataclass(frozen=True)
class Step:
    step: int
    target: str
    at: datetime


@dataclass(frozen=True)
class AlarmRow:
    id: int
    alarm_ids: tuple[int, ...]
    site_id: int
    site: str
    room_id: int | None
    room: str
    point_id: int | None
    point: str
    source: str
    unit: str
    priority: str
    state: str
    condition: str
    #: Every condition the row stands for (``low_low`` and ``low`` when folded).
    conditions: tuple[str, ...]
    message_key: str
    params: dict[str, object]
    raised_at: datetime | None
    value_at_raise: float | None
    value_now: float | None
    acked_by: str | None = None
    acked_at: datetime | None = None
    shelved_by: str | None = None
    shelved_until: datetime | None = None
    shelve_reason: str | None = None
    steps: tuple[Step, ...] = ()

    @property
    def unacknowledged_ids(self) -> tuple[int, ...]:
        return self.alarm_ids if self.state in UNACKED else ()


@dataclass(frozen=True)
class Criteria:
    site_id: int | None = None
    room_id: int | None = None
    priorities: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    #: Extra text per row to search (the translated message, by the caller).
    words: Callable[[AlarmRow], str] | None = field(default=None, compare=False)


def fold(rows: Iterable[AlarmRow]) -> list[AlarmRow]:
    """One row per point and direction at its worst level; other rows as they are."""
    out: list[AlarmRow] = []
    groups: dict[tuple[int, int], list[AlarmRow]] = {}
    for row in rows:
        direction = next((i for i, pair in enumerate(FOLDS) if row.condition in pair), None)
        if row.point_id is None or direction is None:
            out.append(row)
        else:
            groups.setdefault((row.point_id, direction), []).append(row)
    for (_point, direction), members in groups.items():
        order = FOLDS[direction]
        members.sort(key=lambda r: (order.index(r.condition), PRIORITY_RANK.get(r.priority, 9)))
        worst = members[0]
        dated = [(r.raised_at, index) for index, r in enumerate(members) if r.raised_at]
        first = members[min(dated)[1]] if dated else worst
        unacked = [r for r in members if r.state in UNACKED]
        out.append(
            replace(
                worst,
                alarm_ids=tuple(i for r in members for i in r.alarm_ids),
                conditions=tuple(r.condition for r in members),
                raised_at=first.raised_at,
                # the episode's first raise carries the value it began at
                value_at_raise=first.value_at_raise,
                # unacknowledged while any member is: the row still asks for attention
                state=unacked[0].state if unacked and worst.state not in UNACKED else worst.state,
            )
        )
    return out


def matches(row: AlarmRow, criteria: Criteria) -> bool:
    if criteria.site_id is not None and row.site_id != criteria.site_id:
        return False
    if criteria.room_id is not None and row.room_id != criteria.room_id:
        return False
    if criteria.priorities and row.priority not in criteria.priorities:
        return False
    if criteria.states and row.state not in criteria.states:
        return False
    if criteria.conditions and not criteria.conditions & set(row.conditions):
        return False
    if criteria.since is not None and (row.raised_at is None or row.raised_at < criteria.since):
        return False
    if criteria.until is not None and (row.raised_at is None or row.raised_at > criteria.until):
        return False
    if criteria.text:
        haystack = " ".join(
            (
                row.site,
                row.room,
                row.point,
                row.source,
                criteria.words(row) if criteria.words else "",
            )
        ).casefold()
        if not all(word in haystack for word in criteria.text.casefold().split()):
            return False
    return True


def sort_key(row: AlarmRow) -> tuple[int, int, float, int]:
    """Unacknowledged first, then priority, then oldest raised."""
    return (
        0 if row.state in UNACKED else 1,
        PRIORITY_RANK.get(row.priority, 9),
        row.raised_at.timestamp() if row.raised_at is not None else float("inf"),
        row.id,
    )


def select_rows(rows: Iterable[AlarmRow], criteria: Criteria) -> list[AlarmRow]:
    return sorted((r for r in fold(rows) if matches(r, criteria)), key=sort_key)


def _raise_values(session: Session, alarm_ids: Sequence[int]) -> dict[int, float | None]:
    """Each alarm's value when it last became active (its newest ``raise`` event)."""
    if not alarm_ids:
        return {}
    out: dict[int, float | None] = {}
    query = (
        select(AlarmEvent.alarm_id, AlarmEvent.value)
        .where(AlarmEvent.alarm_id.in_(alarm_ids), AlarmEvent.event == "raise")
        .order_by(AlarmEvent.at, AlarmEvent.id)
    )
    for alarm_id, value in session.execute(query):
        out[alarm_id] = value
    return out


def _steps(session: Session, alarm_ids: Sequence[int]) -> dict[int, tuple[Step, ...]]:
    """The escalation steps called for each alarm, with the time each was called."""
    if not alarm_ids:
        return {}
    first: dict[tuple[int, int, int], Step] = {}
    query = select(Notification).where(
        Notification.subject_type == ALARM, Notification.subject_id.in_(alarm_ids)
    )
    for note in session.scalars(query):
        key = (note.subject_id, note.round, note.step)
        if key not in first or note.created_at < first[key].at:
            first[key] = Step(note.step, note.target, note.created_at)
    out: dict[int, list[Step]] = {}
    for (alarm_id, _round, _step), step in sorted(first.items(), key=lambda kv: kv[1].at):
        out.setdefault(alarm_id, []).append(step)
    return {k: tuple(v) for k, v in out.items()}


def rows(
    session: Session,
    who: Principal,
    *,
    present: Callable[[int], PointPresent | None] | None = None,
) -> list[AlarmRow]:
    """Every alarm needing attention ``who`` may see, unfolded (``select_rows`` folds)."""
    alarms: list[Alarm] = monitoring.list_alarms(session, who)
    ids = [a.id for a in alarms]
    points = {p.id: p for p in monitoring.list_points(session, who)}
    now = {s["point_id"]: s for s in monitoring.point_statuses(session, who, present=present)}
    rooms = {
        r.id: r.name for r in registry.list_objects(session, who, resource("rooms"), limit=5000)
    }
    sites = {
        s.id: s.name for s in registry.list_objects(session, who, resource("sites"), limit=5000)
    }
    raised = _raise_values(session, ids)
    steps = _steps(session, ids)
    out = []
    for alarm in alarms:
        point = points.get(alarm.point_id) if alarm.point_id is not None else None
        status = now.get(alarm.point_id) if alarm.point_id is not None else None
        unknown = alarm.condition in UNKNOWN_CONDITIONS
        current = None
        if status is not None and status["quality"] == "good" and not unknown:
            current = status["value"]
        out.append(
            AlarmRow(
                id=alarm.id,
                alarm_ids=(alarm.id,),
                site_id=alarm.site_id,
                site=sites.get(alarm.site_id, ""),
                room_id=alarm.room_id,
                room=rooms.get(alarm.room_id, "") if alarm.room_id is not None else "",
                point_id=alarm.point_id,
                point=(point.name or point.code) if point is not None else alarm.source,
                source=point.code if point is not None else alarm.source,
                unit=point.unit if point is not None else "",
                priority=alarm.priority,
                state=alarm.state,
                condition=alarm.condition,
                conditions=(alarm.condition,),
                message_key=alarm.message_key,
                params=dict(alarm.params or {}),
                raised_at=alarm.raised_at,
                value_at_raise=None if unknown else raised.get(alarm.id, alarm.value),
                value_now=current,
                acked_by=alarm.acked_by,
                acked_at=alarm.acked_at,
                shelved_by=alarm.shelved_by if alarm.state == "shelved" else None,
                shelved_until=alarm.shelved_until if alarm.state == "shelved" else None,
                shelve_reason=alarm.shelve_reason if alarm.state == "shelved" else None,
                steps=steps.get(alarm.id, ()),
            )
        )
    return out
