"""Points recorded from what the platform already knows (issue 15 item 5; seed 001 item 9
记销分制), so an overdue hidden danger costs its points whether or not an inspector types
them in:

* a fatal accident (an incident with deaths), on the day it happened;
* a 重大 hidden danger, on the day it was reported;
* a hidden danger past its deadline (still open, or closed after it), on its deadline day,
  by its grade;
* an urgent alarm not acknowledged within the table's ``late_alarm_minutes`` (still
  unacknowledged, or acknowledged late), once per activation;
* a missed daily commitment, only where a jurisdiction's table gives that event a trigger.

Which event each records, and its points and source, is the points table in force where the
organisation is (:mod:`.rules`); an event the table gives no trigger records nothing. Each
occurrence carries its origin (``hazard_finding:12:overdue``), unique among points, so a
scan is idempotent: the engine's tick, the API and the CLI may all run it, and points once
cancelled or voided on appeal are never recorded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import NextDue, local_date
from hazwatch.core.context import Context
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.prevention.commitments.models import MissedCommitment
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry.models import Organisation
from hazwatch.supervision import grading
from hazwatch.supervision.choices import PointState, RuleKind
from hazwatch.supervision.models import Incident, PointEvent

#: How often the engine looks for new occurrences: hidden dangers fall overdue by the day,
#: and a late alarm response is already a quarter of an hour late.
EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Occurrence:
    """One platform event that may cost points: whose, which trigger, its unique origin,
    the day it counts on and what it was (the points' source)."""

    organisation_id: int
    trigger: str
    origin: str
    occurred_on: date
    what: str


def _accidents(session: Session, ids: list[int], timezone: str) -> list[Occurrence]:
    rows = session.scalars(
        select(Incident).where(Incident.organisation_id.in_(ids), Incident.deaths > 0)
    )
    return [
        Occurrence(
            i.organisation_id,
            "accident_death",
            f"incident:{i.id}",
            local_date(i.occurred_at, timezone),
            f"事故 #{i.id} {i.title}（死亡 {i.deaths} 人）",
        )
        for i in rows
    ]


def _hidden_dangers(
    session: Session, ids: list[int], now: datetime, timezone: str
) -> list[Occurrence]:
    found: list[Occurrence] = []
    closed = HazardFinding.state == HazardState.CLOSED.value
    rows = session.scalars(
        select(HazardFinding).where(
            HazardFinding.organisation_id.in_(ids),
            or_(
                HazardFinding.grade == HazardGrade.MAJOR.value,
                (HazardFinding.deadline < now) & ~closed,
                closed & (HazardFinding.closed_at > HazardFinding.deadline),
            ),
        )
    )
    for f in rows:
        label = f"隐患 {f.number} {f.title}".strip()
        if f.grade == HazardGrade.MAJOR.value:
            found.append(
                Occurrence(
                    f.organisation_id,
                    "major_hidden_danger",
                    f"hazard_finding:{f.id}:major",
                    local_date(f.reported_at, timezone),
                    f"{label}（重大事故隐患）",
                )
            )
        late = f.deadline is not None and (
            f.overdue(now) or (f.closed_at is not None and f.closed_at > f.deadline)
        )
        if late and f.deadline is not None and f.grade is not None:
            grade = "major" if f.grade == HazardGrade.MAJOR.value else "general"
            day = local_date(f.deadline, timezone)
            found.append(
                Occurrence(
                    f.organisation_id,
                    f"{grade}_hidden_danger_overdue",
                    f"hazard_finding:{f.id}:overdue",
                    day,
                    f"{label}（整改期限 {day.isoformat()} 逾期）",
                )
            )
    return found


def _late_alarms(
    session: Session, ids: list[int], now: datetime, timezone: str, minutes: dict[int, int]
) -> list[Occurrence]:
    """Urgent alarms unacknowledged past the table's limit for their organisation
    (``minutes``), or acknowledged after it; one occurrence per activation."""
    found: list[Occurrence] = []
    rows = session.scalars(
        select(Alarm).where(
            Alarm.organisation_id.in_(ids),
            Alarm.priority == grading.CRITICAL,
            Alarm.raised_at.is_not(None),
            Alarm.raised_at < now - timedelta(minutes=1),
        )
    )
    for alarm in rows:
        raised = alarm.raised_at
        assert raised is not None
        limit = timedelta(minutes=minutes.get(alarm.organisation_id, 0))
        answered = alarm.acked_at if alarm.acked and alarm.acked_at else None
        if answered is not None and answered < raised:
            continue  # acknowledged before this activation: an earlier one's answer
        if (answered or now) - raised <= limit:
            continue
        found.append(
            Occurrence(
                alarm.organisation_id,
                "late_alarm_response",
                f"alarm:{alarm.id}:{raised:%Y%m%dT%H%M%S}",
                local_date(raised, timezone),
                f"紧急报警 #{alarm.id}（{alarm.source}）{limit.seconds // 60} 分钟内未确认",
            )
        )
    return found


def _missed_commitments(session: Session, ids: list[int]) -> list[Occurrence]:
    rows = session.scalars(
        select(MissedCommitment).where(MissedCommitment.organisation_id.in_(ids))
    )
    return [
        Occurrence(
            m.organisation_id,
            "missed_commitment",
            f"missed_commitment:{m.id}",
            m.day,
            f"{m.day.isoformat()} 未按时安全承诺",
        )
        for m in rows
    ]


def scan(session: Session, now: datetime, timezone: str) -> list[PointEvent]:
    """Record the points of every occurrence not yet recorded; returns those recorded."""
    organisations: list[Organisation] = grading.supervised(session, None)
    if not organisations:
        return []
    ids = [o.id for o in organisations]
    cache = grading.RuleCache(session)
    table = {o.id: cache.get(RuleKind.POINTS, o.jurisdiction_id) for o in organisations}
    minutes = {i: t.points.late_alarm_minutes for i, t in table.items()}
    found = [
        *_accidents(session, ids, timezone),
        *_hidden_dangers(session, ids, now, timezone),
        *_late_alarms(session, ids, now, timezone, minutes),
        *_missed_commitments(session, ids),
    ]
    known = set(
        session.scalars(
            select(PointEvent.origin).where(PointEvent.origin.in_([o.origin for o in found]))
        )
    )
    recorded: list[PointEvent] = []
    for occurrence in found:
        in_force = table[occurrence.organisation_id]
        rule = in_force.points.triggered(occurrence.trigger)
        if rule is None or occurrence.origin in known:
            continue
        event, values = rule
        row = PointEvent(
            organisation_id=occurrence.organisation_id,
            person="",
            event=event,
            points=values.points,
            occurred_on=occurrence.occurred_on,
            cycle=occurrence.occurred_on.year,
            source=occurrence.what[:300],
            rule_set_id=in_force.id,
            state=PointState.RECORDED,
            recorded_at=now,
            recorded_by=SYSTEM.username,
            origin=occurrence.origin,
        )
        session.add(row)
        known.add(occurrence.origin)
        recorded.append(row)
    session.flush()
    return recorded


class PointsWatch:
    """Records the points of new occurrences every few minutes on the engine's tick."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        with self.context.unit_of_work() as session:
            scan(session, now, self.context.settings.timezone)
        self._due.settle(token, now + EVERY)


register_tick_plugin(PointsWatch)
