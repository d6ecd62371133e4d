"""ISA-18.2 alarm records: stored flags, derived state, persisted transitions.

The flags (active, acknowledged, shelved until, suppressed, out of service) are the truth;
the displayed state is derived from them (OPC UA Part 9 / STYLE.md §5), so no code path can
set an impossible combination.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.monitoring.choices import AlarmState
from hazwatch.monitoring.events import AlarmChange
from hazwatch.monitoring.models import Alarm, AlarmEvent


@dataclass(slots=True)
class AlarmRecord:
    site_id: int
    source: str
    condition: str
    organisation_id: int
    priority: str
    room_id: int | None = None
    point_id: int | None = None
    id: int | None = None
    active: bool = False
    acked: bool = True
    acked_by: str | None = None
    acked_at: datetime | None = None
    shelved_until: datetime | None = None
    shelved_by: str | None = None
    shelve_reason: str | None = None
    suppressed: bool = False
    out_of_service: bool = False
    value: float | None = None
    message_key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    raised_at: datetime | None = None
    activations: int = 0
    state: AlarmState = AlarmState.NORMAL

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.site_id, self.source, self.condition)

    def derive(self, now: datetime) -> AlarmState:
        if self.out_of_service:
            return AlarmState.OUT_OF_SERVICE
        if self.suppressed:
            return AlarmState.SUPPRESSED
        if self.shelved_until is not None and self.shelved_until > now:
            return AlarmState.SHELVED
        if self.active:
            return AlarmState.ACTIVE_ACK if self.acked else AlarmState.ACTIVE_UNACK
        return AlarmState.NORMAL if self.acked else AlarmState.RTN_UNACK


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of an alarm, with the record as it stood right after it: a batch can
    raise and clear the same alarm, and each event must say what it did, not how the
    record ended up (or a raise would reach the interlocks already cleared)."""

    record: AlarmRecord
    event: str
    previous: AlarmState
    at: datetime
    actor: str | None = None
    comment: str | None = None
    state: AlarmState = field(init=False)
    value: float | None = field(init=False)
    message_key: str = field(init=False)
    params: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        record = self.record
        object.__setattr__(self, "state", record.state)
        object.__setattr__(self, "value", record.value)
        object.__setattr__(self, "message_key", record.message_key)
        object.__setattr__(self, "params", dict(record.params))


def load_records(session: Session, point_ids: Collection[int] | None = None) -> list[AlarmRecord]:
    """Every alarm, or those of the points ``point_ids``."""
    query = select(Alarm)
    if point_ids is not None:
        query = query.where(Alarm.point_id.in_(point_ids))
    return [
        AlarmRecord(
            site_id=row.site_id,
            source=row.source,
            condition=row.condition,
            organisation_id=row.organisation_id,
            priority=row.priority,
            room_id=row.room_id,
            point_id=row.point_id,
            id=row.id,
            active=row.active,
            acked=row.acked,
            acked_by=row.acked_by,
            acked_at=row.acked_at,
            shelved_until=row.shelved_until,
            shelved_by=row.shelved_by,
            shelve_reason=row.shelve_reason,
            suppressed=row.suppressed,
            out_of_service=row.out_of_service,
            value=row.value,
            message_key=row.message_key,
            params=dict(row.params or {}),
            raised_at=row.raised_at,
            activations=row.activations,
            state=AlarmState(row.state),
        )
        for row in session.scalars(query)
    ]


def last_evaluated(session: Session, point_ids: list[int]) -> dict[int, datetime]:
    """Per point, the time of its newest raise or clear: the reading it was evaluated at."""
    rows = session.execute(
        select(Alarm.point_id, func.max(AlarmEvent.at))
        .join(AlarmEvent, AlarmEvent.alarm_id == Alarm.id)
        .where(Alarm.point_id.in_(point_ids), AlarmEvent.event.in_(("raise", "clear")))
        .group_by(Alarm.point_id)
    ).all()
    return {int(point_id): at for point_id, at in rows if point_id is not None}


def persist(session: Session, transitions: list[Transition]) -> None:
    """Write each transition's alarm row and its history event (ids assigned on insert)."""
    for transition in transitions:
        record = transition.record
        row = session.get(Alarm, record.id) if record.id is not None else None
        if row is None:
            row = Alarm(site_id=record.site_id, source=record.source, condition=record.condition)
            session.add(row)
        for name in (
            "organisation_id",
            "priority",
            "room_id",
            "point_id",
            "active",
            "acked",
            "acked_by",
            "acked_at",
            "shelved_until",
            "shelved_by",
            "shelve_reason",
            "suppressed",
            "out_of_service",
            "value",
            "message_key",
            "params",
            "raised_at",
            "activations",
        ):
            setattr(row, name, getattr(record, name))
        row.state = record.state.value
        row.changed_at = transition.at
        session.flush()
        record.id = row.id
        session.add(
            AlarmEvent(
                alarm_id=row.id,
                site_id=record.site_id,
                organisation_id=record.organisation_id,
                at=transition.at,
                event=transition.event,
                state=transition.state.value,
                actor=transition.actor,
                comment=transition.comment,
                value=transition.value,
            )
        )


def change_event(transition: Transition) -> AlarmChange:
    record = transition.record
    assert record.id is not None
    return AlarmChange(
        alarm_id=record.id,
        site_id=record.site_id,
        organisation_id=record.organisation_id,
        room_id=record.room_id,
        point_id=record.point_id,
        condition=record.condition,
        priority=record.priority,
        state=transition.state.value,
        previous_state=transition.previous.value,
        at=transition.at,
        value=transition.value,
        actor=transition.actor,
        message_key=transition.message_key,
        params=dict(transition.params),
    )
