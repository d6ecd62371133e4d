"""The alarm board's reads and operator actions, with the viewer's Principal.

Actions go through the engine (the single owner of alarm state) after the same two checks
as the API's alarm routes: the alarm is visible to the Principal, and its organisation is
writable by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.escalation.models import ALARM
from hazwatch.monitoring.escalation.service import Progress, progress
from hazwatch.monitoring.models import Alarm, AlarmEvent
from hazwatch.registry import service as registry
from hazwatch.registry.models import Room
from hazwatch.registry.resources import resource
from hazwatch.web import state


@dataclass(frozen=True)
class AlarmView:
    alarm: Alarm
    room: str | None
    escalation: Progress | None


def board(session: Session, who: Principal) -> list[AlarmView]:
    """Active alarms by priority, then age (the service's order)."""
    alarms = monitoring.list_alarms(session, who)
    return [_view(session, alarm) for alarm in alarms]


def _view(session: Session, alarm: Alarm) -> AlarmView:
    room = session.get(Room, alarm.room_id) if alarm.room_id else None
    escalation = progress(session, ALARM, alarm.id)
    return AlarmView(alarm, room.name if room else None, escalation)


def signature(view: AlarmView) -> tuple[object, ...]:
    """What the board shows of an alarm; equal signatures need no redraw."""
    alarm = view.alarm
    return (
        alarm.id,
        alarm.state,
        alarm.value,
        alarm.shelved_until,
        alarm.acked_by,
        view.escalation,
    )


def history(
    session: Session,
    who: Principal,
    *,
    since: datetime,
    site_id: int | None = None,
    event: str | None = None,
    room_id: int | None = None,
) -> list[tuple[AlarmEvent, Alarm]]:
    """Alarm events since ``since``, newest first, each with its alarm."""
    rows = monitoring.alarm_events(session, who, site_id=site_id, since=since, limit=2000)
    out = []
    for row in rows:
        if event is not None and row.event != event:
            continue
        alarm = session.get(Alarm, row.alarm_id)
        if alarm is None or (room_id is not None and alarm.room_id != room_id):
            continue
        out.append((row, alarm))
    return out


def statistics(session: Session, who: Principal, now: datetime) -> list[dict[str, object]]:
    """Operator-load figures (EEMUA 191 / ISA-18.2) for each site with alarms in 24 h, with
    the site's name (``site_name``) where the viewer sees the site: a tenant sees its
    rooms on the lessor's site without seeing the site itself (None)."""
    since = now - timedelta(hours=24)
    sites = sorted({e.site_id for e in monitoring.alarm_events(session, who, since=since)})
    names = {
        s.id: s.name for s in registry.list_objects(session, who, resource("sites"), limit=5000)
    }
    return [
        monitoring.site_statistics(session, who, site_id, now) | {"site_name": names.get(site_id)}
        for site_id in sites
    ]


def _operable(who: Principal, alarm_id: int, action: str) -> None:
    context = state.context()
    with context.unit_of_work(who) as session:
        alarm = monitoring.get_alarm(session, who, alarm_id)
        monitoring.ensure_may_operate(session, who, alarm, action, context.settings)


def may_steer(who: Principal) -> bool:
    """Whether the viewer may acknowledge and shelve (a regulator comments by default)."""
    return who.role is not Role.REGULATOR or state.context().settings.regulator_may_acknowledge


def acknowledge(who: Principal, alarm_id: int, comment: str | None) -> None:
    _operable(who, alarm_id, "ack")
    state.runtime().actions.acknowledge(alarm_id, who, comment or None)


def shelve(who: Principal, alarm_id: int, reason: str, until: datetime) -> None:
    _operable(who, alarm_id, "shelve")
    state.runtime().actions.shelve(alarm_id, who, reason, until)


def unshelve(who: Principal, alarm_id: int) -> None:
    _operable(who, alarm_id, "unshelve")
    state.runtime().actions.unshelve(alarm_id, who)


def comment(who: Principal, alarm_id: int, text: str) -> None:
    _operable(who, alarm_id, "comment")
    state.runtime().actions.comment(alarm_id, who, text)
