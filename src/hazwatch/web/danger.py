"""The monitoring page's room cards as ``monitoring.danger`` facts: the interlock commands
sent for each room's alarms and the people inside by the door records, gathered with the
viewer's scope (alarms come from ``monitoring.service.list_alarms``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.monitoring.danger import (
    ActionFact,
    Advice,
    AlarmFact,
    PointFact,
    RoomDanger,
    RoomFacts,
    order,
)
from hazwatch.monitoring.interlocks.models import InterlockCommand
from hazwatch.monitoring.occupancy import service as occupancy
from hazwatch.web.rooms import RoomView
from hazwatch.web.text import _t, local_time


def dangers(
    session: Session, views: Sequence[RoomView], now: datetime, max_stay: timedelta
) -> list[RoomDanger]:
    """The rooms of ``views``, most dangerous first."""
    alarm_room = {alarm.id: view.room_id for view in views for alarm in view.alarms}
    actions: dict[int, list[ActionFact]] = {}
    if alarm_room:
        commands = session.scalars(
            select(InterlockCommand).where(InterlockCommand.alarm_id.in_(list(alarm_room)))
        )
        for command in commands:
            actions.setdefault(alarm_room[command.alarm_id], []).append(
                ActionFact(command.action, command.sent_at, command.status)
            )
    inside: dict[int, int] = {}
    for site_id in {view.site_id for view in views if view.doors}:
        for occupant in occupancy.site_occupants(session, site_id, now, max_stay):
            for room_id in occupant.room_ids:
                inside[room_id] = inside.get(room_id, 0) + 1
    return order(
        RoomFacts(
            room_id=view.room_id,
            name=view.name,
            site_id=view.site_id,
            site=view.site,
            points=tuple(PointFact(p.kind, p.value, p.known) for p in view.points),
            alarms=tuple(
                AlarmFact(a.priority, a.state, a.condition, a.raised_at) for a in view.alarms
            ),
            denied_doors=tuple(sorted({d.code for d in view.doors if not d.entry_allowed})),
            people_inside=inside.get(view.room_id, 0) if view.doors else None,
            actions=tuple(actions.get(view.room_id, ())),
        )
        for view in views
    )


def advice_text(lines: Sequence[Advice]) -> str:
    """``do not enter; exhaust started 04:36, confirmed`` in the reader's language."""
    parts = []
    for line in lines:
        params = dict(line.params)
        if "action" in params:
            params["action"] = _t(f"console.action.{params['action']}")
        if isinstance(params.get("at"), datetime):
            params["at"] = local_time(params["at"], "%H:%M")  # type: ignore[arg-type]
        parts.append(_t(line.key, **params))
    return _t("console.advice.separator").join(parts)
