"""The escalation ladder and the notification outbox.

:class:`Escalator` listens to alarm changes: an alarm that becomes active and
unacknowledged starts its organisation's ladder (steps by minutes since the raise, for its
priority); the ladder repeats until the alarm is acknowledged or leaves the
active-unacknowledged state. Each step resolves its target to contacts (the organisation's
own roles, the landlords up its lease chain, or the regulator duty desk: the supervising
departments, else the district's fallback owner) and writes one outbox row per address.
:class:`Dispatcher` delivers the outbox off the engine's path, with back-off retries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.audit.service import revision as audit_revision
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.core.errors import NotFound
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation import channels
from hazwatch.monitoring.escalation.choices import EscalationTarget
from hazwatch.monitoring.escalation.models import (
    AlarmEscalation,
    Contact,
    EscalationStep,
    Notification,
)
from hazwatch.monitoring.events import AlarmChange, Event
from hazwatch.monitoring.models import Alarm, MeasurementPoint
from hazwatch.registry.findings import fallback_owner
from hazwatch.registry.models import (
    Jurisdiction,
    Lease,
    Organisation,
    Room,
    SupervisionAssignment,
)

log = logging.getLogger(__name__)

OWN_ROLES = tuple(
    t.value
    for t in (
        EscalationTarget.DUTY_OFFICER,
        EscalationTarget.SAFETY_MANAGER,
        EscalationTarget.PRINCIPAL,
    )
)
TARGETS = tuple(t.value for t in EscalationTarget)
#: Pause after the last step before the ladder starts again.
REPEAT_AFTER = timedelta(minutes=15)
#: Outbox rows delivered per dispatcher run.
BATCH = 100
MAX_ATTEMPTS = 8


def ladder(session: Session, organisation_id: int, priority: str) -> list[EscalationStep]:
    """The steps for an alarm of ``priority``: the organisation's own ladder, else the
    default of its jurisdiction or the nearest one above it; steps for the priority win
    over steps for every priority."""
    owners = [EscalationStep.organisation_id == organisation_id]
    organisation = session.get(Organisation, organisation_id)
    node = session.get(Jurisdiction, organisation.jurisdiction_id) if organisation else None
    while node is not None:
        owners.append(EscalationStep.jurisdiction_id == node.id)
        node = node.parent
    for owner in owners:
        steps = session.scalars(select(EscalationStep).where(owner)).all()
        specific = [s for s in steps if s.priority == priority]
        chosen = specific or [s for s in steps if s.priority is None]
        if chosen:
            return sorted(chosen, key=lambda s: (s.after_minutes, s.id))
    return []


def landlords(session: Session, organisation_id: int) -> list[int]:
    """Every lessor above the organisation in its lease chains."""
    found: list[int] = []
    frontier = [organisation_id]
    while frontier:
        lessors = session.scalars(
            select(Lease.lessor_id).where(Lease.lessee_id.in_(frontier))
        ).all()
        frontier = [o for o in lessors if o not in found and o != organisation_id]
        found.extend(frontier)
    return found


def regulators(session: Session, organisation_id: int) -> list[int]:
    departments = list(
        session.scalars(
            select(SupervisionAssignment.department_id).where(
                SupervisionAssignment.organisation_id == organisation_id
            )
        ).unique()
    )
    if departments:
        return departments
    organisation = session.get(Organisation, organisation_id)
    owner = fallback_owner(session, organisation) if organisation else None
    return [owner.id] if owner else []


def contacts_for(session: Session, organisation_id: int, target: str) -> list[Contact]:
    if target in OWN_ROLES:
        owners, role = [organisation_id], target
    elif target == "landlord":
        owners, role = landlords(session, organisation_id), "duty_officer"
    else:
        owners, role = regulators(session, organisation_id), "duty_officer"
    if not owners:
        return []
    return list(
        session.scalars(
            select(Contact).where(Contact.organisation_id.in_(owners), Contact.role == role)
        )
    )


def step_contacts(session: Session, organisation_id: int, step: EscalationStep) -> list[Contact]:
    """The target's contacts on the channels the step names (all, when it names none)."""
    return [
        contact
        for contact in contacts_for(session, organisation_id, step.target)
        if not step.channels or contact.channel in step.channels
    ]


@dataclass(frozen=True)
class PlannedStep:
    after_minutes: int
    target: str
    contacts: tuple[Contact, ...]


def plan(session: Session, organisation_id: int, priority: str) -> list[PlannedStep]:
    """Who an unacknowledged alarm of ``priority`` would reach, step by step (an empty
    ``contacts`` is a gap in the ladder worth fixing before the day of need)."""
    if session.get(Organisation, organisation_id) is None:
        raise NotFound("scope.not_found", field="organisation_id")
    return [
        PlannedStep(
            step.after_minutes,
            step.target,
            tuple(step_contacts(session, organisation_id, step)),
        )
        for step in ladder(session, organisation_id, priority)
    ]


def describe(session: Session, alarm: Alarm, language: str, timezone: str) -> tuple[str, str]:
    """Subject and body of a notification in the recipient organisation's language."""
    room = session.get(Room, alarm.room_id) if alarm.room_id else None
    point = session.get(MeasurementPoint, alarm.point_id) if alarm.point_id else None
    priority = translate(f"choice.Priority.{alarm.priority}", language)
    message = translate(alarm.message_key, language, **alarm.params)
    where = room.name if room else alarm.source
    raised = (alarm.raised_at or alarm.changed_at).astimezone(ZoneInfo(timezone))
    subject = translate(
        "escalation.subject", language, priority=priority, where=where, message=message
    )
    value = "-" if alarm.value is None else f"{alarm.value:g} {point.unit if point else ''}"
    body = translate(
        "escalation.body",
        language,
        message=message,
        where=where,
        value=value,
        raised=raised.strftime("%Y-%m-%d %H:%M:%S"),
        alarm=alarm.id,
    )
    return subject, body


class Escalator:
    """Starts, advances and stops ladders; its ``tick`` is an engine tick hook."""

    def __init__(self, context: Context, on_enqueued: Callable[[], None] = lambda: None) -> None:
        self.context = context
        self.on_enqueued = on_enqueued
        #: When the next running ladder step falls due. Escalations change only through this
        #: escalator's events and ladders only through audited writes.
        self._due = NextDue()
        self._revision = audit_revision()
        #: When each running ladder's next step falls due, so a tick advances only those
        #: (advancing one loads its alarm and ladder). Kept under ``_lock`` by the tick and
        #: by events, so an event's restart of a ladder is never overwritten by a tick.
        self._next_step: dict[int, datetime | None] = {}
        self._lock = threading.RLock()

    def on_event(self, event: Event) -> None:
        if not isinstance(event, AlarmChange):
            return
        self._due.invalidate()
        with self._lock, self.context.unit_of_work() as session:
            self._next_step.pop(event.alarm_id, None)
            state = session.get(AlarmEscalation, event.alarm_id)
            if event.state == "active_unack":
                if (
                    state is None
                    or state.stopped_at is not None
                    or event.previous_state != ("active_unack")
                ):
                    if state is None:
                        state = AlarmEscalation(
                            alarm_id=event.alarm_id, organisation_id=event.organisation_id
                        )
                        session.add(state)
                    state.started_at, state.steps_done, state.round = event.at, 0, 0
                    state.stopped_at = state.stop_reason = None
                    session.flush()
                    self._advance(session, state, event.at)
            elif state is not None and state.stopped_at is None:
                state.stopped_at, state.stop_reason = event.at, event.state
        self.on_enqueued()

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:  # a ladder may have changed
            self._revision = audit_revision()
            self._due.invalidate()
            with self._lock:
                self._next_step.clear()
        if self._due.waiting(now):
            return
        token = self._due.token()
        with self._lock, self.context.unit_of_work() as session:
            running = session.scalars(
                select(AlarmEscalation).where(AlarmEscalation.stopped_at.is_(None))
            ).all()
            due = []
            for state in running:
                at = self._next_step.get(state.alarm_id, now)  # not known: look now
                if at is not None and at <= now:
                    at = self._next_step[state.alarm_id] = self._advance(session, state, now)
                due.append(at)
        self._due.settle(token, min((at for at in due if at is not None), default=None))
        self.on_enqueued()

    def _advance(self, session: Session, state: AlarmEscalation, now: datetime) -> datetime | None:
        """Send every step that is due; returns when the next one will be (None: never)."""
        alarm = session.get(Alarm, state.alarm_id)
        if alarm is None:
            return None
        steps = ladder(session, state.organisation_id, alarm.priority)
        if not steps:
            return None
        cycle = timedelta(minutes=steps[-1].after_minutes) + REPEAT_AFTER
        while True:
            round_start = state.started_at + cycle * state.round
            if state.steps_done >= len(steps):
                if now < round_start + cycle:
                    return round_start + cycle
                state.round += 1
                state.steps_done = 0
                continue
            step = steps[state.steps_done]
            if now < round_start + timedelta(minutes=step.after_minutes):
                return round_start + timedelta(minutes=step.after_minutes)
            self._enqueue(session, alarm, step, state, now)
            state.steps_done += 1

    def _enqueue(
        self,
        session: Session,
        alarm: Alarm,
        step: EscalationStep,
        state: AlarmEscalation,
        now: datetime,
    ) -> None:
        contacts = step_contacts(session, alarm.organisation_id, step)
        settings = self.context.settings
        subject, body = describe(session, alarm, settings.language, settings.timezone)
        for contact in contacts:
            session.add(
                Notification(
                    alarm_id=alarm.id,
                    organisation_id=alarm.organisation_id,
                    step=state.steps_done,
                    round=state.round,
                    target=step.target,
                    channel=contact.channel,
                    address=contact.address,
                    secret=contact.secret,
                    subject=subject,
                    body=body,
                    payload={
                        "alarm_id": alarm.id,
                        "priority": alarm.priority,
                        "condition": alarm.condition,
                        "site_id": alarm.site_id,
                        "room_id": alarm.room_id,
                        "step": state.steps_done,
                        "target": step.target,
                    },
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        if not contacts:
            log.warning("no contact for %s of organisation %s", step.target, alarm.organisation_id)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 30 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


class Dispatcher:
    """Delivers due outbox rows; failures are recorded and retried, never raised."""

    def __init__(self, context: Context, console: Callable[[dict[str, Any]], None]) -> None:
        self.context = context
        self.console = console
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: When the earliest pending row may be tried. Rows are only added by this process's
        #: escalator, which wakes the dispatcher.
        self._due = NextDue()

    def wake(self) -> None:
        self._due.invalidate()
        self._wake.set()

    def run_once(self, now: datetime | None = None) -> int:
        now = now or self.context.clock.now()
        if self._due.waiting(now):
            return 0
        token = self._due.token()
        with self.context.unit_of_work() as session:
            due = session.scalars(
                select(Notification)
                .where(Notification.status == "pending", Notification.next_attempt_at <= now)
                .order_by(Notification.id)
                .limit(BATCH)
            ).all()
            for notification in due:
                self._deliver(notification, now)
            session.flush()
            upcoming = session.scalar(
                select(func.min(Notification.next_attempt_at)).where(
                    Notification.status == "pending"
                )
            )
        if len(due) < BATCH:  # a full batch may have left more due now
            self._due.settle(token, upcoming)
        return len(due)

    def _deliver(self, notification: Notification, now: datetime) -> None:
        notification.attempts += 1
        try:
            channels.send(
                self.context.settings,
                notification.channel,
                notification.address,
                notification.secret,
                notification.subject,
                notification.body,
                dict(notification.payload),
                self.console,
            )
        except Exception as exc:  # any failure is an outcome to record, not a crash
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = "failed"
            else:
                notification.next_attempt_at = now + backoff(notification.attempts)
            return
        notification.status = "sent"
        notification.sent_at = now
        notification.last_error = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            try:
                self.run_once()
            except Exception:
                log.exception("notification dispatch failed")
