"""The escalation ladder and the notification outbox.

What climbs a ladder is a *subject*: an alarm, or an overdue work item (a hidden danger past
its deadline; later dispatch orders, manifests, commitments). Each subject type registers a
:class:`SubjectKind` (:func:`register_subject`) that loads a subject's organisation,
priority and message, and, for work items, lists those overdue now. One ladder logic serves
them all.

:class:`Escalator` listens to alarm changes: an alarm that becomes active and
unacknowledged starts its organisation's ladder (steps by minutes since the raise, for its
priority); the ladder repeats until the alarm is acknowledged or leaves the
active-unacknowledged state. On its tick it also sweeps the work items: one that is overdue
starts its ladder, one that is no longer overdue (closed) stops it, a new deadline missed
starts it again. Each step resolves its target to contacts (the organisation's own roles,
the landlords up its lease chain, or the regulator duty desk: the supervising departments,
else the district's fallback owner) and writes one outbox row per address.
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
    ALARM,
    Contact,
    Escalation,
    EscalationStep,
    Notification,
)
from hazwatch.monitoring.events import AlarmChange, Event
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm, MeasurementPoint
from hazwatch.monitoring.occupancy.service import names_inside
from hazwatch.registry.choices import Consent
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
#: Pause after the last step before an alarm's ladder starts again.
REPEAT_AFTER = timedelta(minutes=15)
#: Longest wait before work items and the outbox are looked at again, so that what another
#: process (a CLI command) wrote is picked up.
RECHECK = timedelta(minutes=1)
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
            select(Lease.lessor_id).where(
                Lease.lessee_id.in_(frontier), Lease.status == Consent.CONFIRMED
            )
        ).all()
        frontier = [o for o in lessors if o not in found and o != organisation_id]
        found.extend(frontier)
    return found


#: Resolve the departments supervising an organisation at a moment (the supervision package
#: registers its responsibility matrix, issue 15 item 1); the first that names any wins.
RegulatorResolver = Callable[[Session, int, datetime | None], list[int]]
_REGULATOR_RESOLVERS: list[RegulatorResolver] = []


def register_regulator_resolver(resolver: RegulatorResolver) -> RegulatorResolver:
    if resolver not in _REGULATOR_RESOLVERS:
        _REGULATOR_RESOLVERS.append(resolver)
    return resolver


def regulators(session: Session, organisation_id: int, now: datetime | None = None) -> list[int]:
    """The supervising departments: as a registered resolver finds them, else the explicit
    assignments, else the district's fallback owner."""
    for resolver in _REGULATOR_RESOLVERS:
        found = resolver(session, organisation_id, now)
        if found:
            return found
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


#: Narrow a regulator desk's contacts to who is on duty at a moment (the supervision
#: package's 24-hour roster registers one), so the regulator step reaches a person.
DutyFilter = Callable[[Session, list[Contact], datetime], list[Contact]]
_DUTY_FILTERS: list[DutyFilter] = []


def register_duty_filter(duty_filter: DutyFilter) -> DutyFilter:
    if duty_filter not in _DUTY_FILTERS:
        _DUTY_FILTERS.append(duty_filter)
    return duty_filter


def contacts_for(
    session: Session, organisation_id: int, target: str, now: datetime | None = None
) -> list[Contact]:
    if target in OWN_ROLES:
        owners, role = [organisation_id], target
    elif target == "landlord":
        owners, role = landlords(session, organisation_id), "duty_officer"
    else:
        owners, role = regulators(session, organisation_id, now), "duty_officer"
    if not owners:
        return []
    found = list(
        session.scalars(
            select(Contact).where(Contact.organisation_id.in_(owners), Contact.role == role)
        )
    )
    if target == EscalationTarget.REGULATOR.value and not found:
        found = _fallback_desk(session, organisation_id)
    if target == EscalationTarget.REGULATOR.value and now is not None:
        for duty_filter in _DUTY_FILTERS:
            found = duty_filter(session, found, now)
    return found


def _fallback_desk(session: Session, organisation_id: int) -> list[Contact]:
    """The fallback owner's duty desk, when the departments responsible have no desk on the
    platform yet: the regulator step never reaches nobody (seed 001 §18, 兜底责任)."""
    organisation = session.get(Organisation, organisation_id)
    owner = fallback_owner(session, organisation) if organisation else None
    if owner is None:
        return []
    return list(
        session.scalars(
            select(Contact).where(
                Contact.organisation_id == owner.id, Contact.role == "duty_officer"
            )
        )
    )


def step_contacts(
    session: Session, organisation_id: int, step: EscalationStep, now: datetime | None = None
) -> list[Contact]:
    """The target's contacts on the channels the step names (all, when it names none); a
    regulator's, at ``now``, only the duty officer on shift when the roster names one."""
    return [
        contact
        for contact in contacts_for(session, organisation_id, step.target, now)
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


O2_KINDS = (PointKind.O2.value, PointKind.O2_MODELLED.value)


def occupants_of(session: Session, alarm: Alarm) -> list[str]:
    """The people inside the room of an O2 alarm: those inside now, else those inside when
    it was raised (kept in its parameters). Empty for other alarms."""
    point = session.get(MeasurementPoint, alarm.point_id) if alarm.point_id else None
    if point is None or point.kind not in O2_KINDS or alarm.room_id is None:
        return []
    now = names_inside(session, alarm.room_id, alarm.raised_at or alarm.changed_at)
    return now or [str(name) for name in alarm.params.get("occupants") or []]


def describe(
    session: Session,
    alarm: Alarm,
    language: str,
    timezone: str,
    occupants: list[str] | None = None,
) -> tuple[str, str]:
    """Subject and body of a notification in the recipient organisation's language; the
    people inside the room, if any, are named in both."""
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
    if occupants:
        people = translate("occupancy.name_separator", language).join(occupants)
        subject = translate("occupancy.notice.subject", language, subject=subject, people=people)
        body = translate("occupancy.notice.body", language, body=body, people=people)
    return subject, body


@dataclass(frozen=True)
class Escalated:
    """A subject as its ladder needs it: whose ladder, which priority's steps, what the
    messages carry (``payload``), and their subject and body in a language and time zone."""

    organisation_id: int
    priority: str
    payload: dict[str, Any]
    message: Callable[[str, str], tuple[str, str]]


@dataclass(frozen=True)
class OverdueItem:
    subject_id: int
    organisation_id: int
    due_at: datetime


@dataclass(frozen=True)
class OverdueScan:
    """The work items of one type that are overdue now, and when the next one falls due."""

    items: list[OverdueItem]
    next_due: datetime | None


@dataclass(frozen=True)
class SubjectKind:
    """How one subject type is escalated. ``overdue`` (work items only) lists what is
    overdue now; alarms are started by the engine's events instead. ``repeat_after`` is the
    pause after the last step before the ladder starts again."""

    load: Callable[[Session, int], Escalated | None]
    repeat_after: timedelta
    overdue: Callable[[Session, datetime], OverdueScan] | None = None


_KINDS: dict[str, SubjectKind] = {}


def register_subject(subject_type: str, kind: SubjectKind) -> None:
    """Let ``subject_type`` climb the ladders (called by the domain that owns it, from a
    module the wiring imports)."""
    _KINDS[subject_type] = kind


def _alarm(session: Session, alarm_id: int) -> Escalated | None:
    alarm = session.get(Alarm, alarm_id)
    if alarm is None:
        return None
    occupants = occupants_of(session, alarm)
    # an O2 alarm with people inside is the top priority, whatever its condition
    priority = "urgent" if occupants else alarm.priority
    payload: dict[str, Any] = {
        "alarm_id": alarm.id,
        "priority": priority,
        "condition": alarm.condition,
        "site_id": alarm.site_id,
        "room_id": alarm.room_id,
    }
    if occupants:
        payload["occupants"] = occupants
    return Escalated(
        organisation_id=alarm.organisation_id,
        priority=priority,
        payload=payload,
        message=lambda language, timezone: describe(session, alarm, language, timezone, occupants),
    )


register_subject(ALARM, SubjectKind(_alarm, REPEAT_AFTER))


def message_in(
    session: Session, subject_type: str, subject_id: int, language: str, timezone: str
) -> tuple[str, str] | None:
    """A notification's subject and body in another language (the console's reader's); None
    if the subject is gone."""
    kind = _KINDS.get(subject_type)
    item = kind.load(session, subject_id) if kind else None
    return item.message(language, timezone) if item else None


def enqueue(
    session: Session,
    contacts: list[Contact],
    *,
    subject_type: str,
    subject_id: int,
    organisation_id: int,
    target: str,
    message: tuple[str, str],
    payload: dict[str, Any],
    now: datetime,
    step: int = 0,
    round_: int = 0,
) -> None:
    """One outbox row per contact; the dispatcher delivers them."""
    subject, body = message
    for contact in contacts:
        session.add(
            Notification(
                subject_type=subject_type,
                subject_id=subject_id,
                organisation_id=organisation_id,
                step=step,
                round=round_,
                target=target,
                channel=contact.channel,
                address=contact.address,
                secret=contact.secret,
                subject=subject,
                body=body,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
        )
    if not contacts:
        log.warning("no contact for %s of organisation %s", target, organisation_id)


def notify_now(
    session: Session,
    *,
    subject_type: str,
    subject_id: int,
    organisation_id: int,
    target: str,
    message: tuple[str, str],
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Tell ``target`` of ``organisation_id`` about a subject at once, outside any ladder (a
    major hidden danger is reported to the regulator when it is graded); returns how many
    messages were queued."""
    contacts = contacts_for(session, organisation_id, target, now)
    enqueue(
        session,
        contacts,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation_id,
        target=target,
        message=message,
        payload={**payload, "target": target},
        now=now,
    )
    return len(contacts)


@dataclass(frozen=True)
class Progress:
    """How far up its ladder a subject has gone (for the console)."""

    steps_done: int
    targets: tuple[str, ...]
    round: int
    stopped: str | None


def progress(session: Session, subject_type: str, subject_id: int) -> Progress | None:
    state = session.get(Escalation, (subject_type, subject_id))
    kind = _KINDS.get(subject_type)
    item = kind.load(session, subject_id) if state is not None and kind is not None else None
    if state is None or item is None:
        return None
    steps = ladder(session, state.organisation_id, item.priority)
    return Progress(
        steps_done=state.steps_done,
        targets=tuple(step.target for step in steps),
        round=state.round,
        stopped=state.stop_reason,
    )


Key = tuple[str, int]


class Escalator:
    """Starts, advances and stops ladders; its ``tick`` is an engine tick hook.

    ``sweep_work_items`` is off in all but one engine partition, so an overdue work item is
    escalated once however many engines run."""

    def __init__(
        self,
        context: Context,
        on_enqueued: Callable[[], None] = lambda: None,
        *,
        sweep_work_items: bool = True,
    ) -> None:
        self.context = context
        self.on_enqueued = on_enqueued
        self.sweep_work_items = sweep_work_items
        #: When the next running ladder step falls due. Escalations change only through this
        #: escalator's events and sweeps, and ladders only through audited writes.
        self._due = NextDue()
        #: When the next work item falls due (audited writes may change deadlines).
        self._sweep_due = NextDue()
        self._revision = audit_revision()
        #: When each running ladder's next step falls due, so a tick advances only those
        #: (advancing one loads its subject and ladder). Kept under ``_lock`` by the tick and
        #: by events, so an event's restart of a ladder is never overwritten by a tick.
        self._next_step: dict[Key, datetime | None] = {}
        self._lock = threading.RLock()

    def on_event(self, event: Event) -> None:
        if not isinstance(event, AlarmChange):
            return
        self._due.invalidate()
        key = (ALARM, event.alarm_id)
        with self._lock, self.context.unit_of_work() as session:
            self._next_step.pop(key, None)
            state = session.get(Escalation, key)
            if event.state == "active_unack":
                if (
                    state is None
                    or state.stopped_at is not None
                    or event.previous_state != ("active_unack")
                ):
                    if state is None:
                        state = Escalation(
                            subject_type=ALARM,
                            subject_id=event.alarm_id,
                            organisation_id=event.organisation_id,
                        )
                        session.add(state)
                    self._start(session, state, event.at)
            elif state is not None and state.stopped_at is None:
                state.stopped_at, state.stop_reason = event.at, event.state
        self.on_enqueued()

    def _start(
        self, session: Session, state: Escalation, at: datetime, due_at: datetime | None = None
    ) -> None:
        state.started_at, state.due_at, state.steps_done, state.round = at, due_at, 0, 0
        state.stopped_at = state.stop_reason = None
        session.flush()
        key = (state.subject_type, state.subject_id)
        self._next_step[key] = self._advance(session, state, at)

    def tick(self, now: datetime) -> None:
        if audit_revision() != self._revision:  # a ladder or a deadline may have changed
            self._revision = audit_revision()
            self._due.invalidate()
            self._sweep_due.invalidate()
            with self._lock:
                self._next_step.clear()
        if self.sweep_work_items:
            self._sweep(now)
        if self._due.waiting(now):
            return
        token = self._due.token()
        with self._lock, self.context.unit_of_work() as session:
            running = session.scalars(
                select(Escalation).where(Escalation.stopped_at.is_(None))
            ).all()
            due = []
            for state in running:
                key = (state.subject_type, state.subject_id)
                at = self._next_step.get(key, now)  # not known: look now
                if at is not None and at <= now:
                    at = self._next_step[key] = self._advance(session, state, now)
                due.append(at)
        self._due.settle(token, min((at for at in due if at is not None), default=None))
        self.on_enqueued()

    def _sweep(self, now: datetime) -> None:
        """Start the ladders of work items that went overdue, stop those of items that no
        longer are, and restart those whose new deadline passed too."""
        if self._sweep_due.waiting(now):
            return
        token = self._sweep_due.token()
        next_due = now + RECHECK
        started = False
        with self._lock, self.context.unit_of_work() as session:
            for subject_type, kind in _KINDS.items():
                if kind.overdue is None:
                    continue
                scan = kind.overdue(session, now)
                if scan.next_due is not None:
                    next_due = min(next_due, scan.next_due)
                overdue = {item.subject_id: item for item in scan.items}
                rows = {
                    row.subject_id: row
                    for row in session.scalars(
                        select(Escalation).where(
                            Escalation.subject_type == subject_type,
                            Escalation.stopped_at.is_(None)
                            | Escalation.subject_id.in_(list(overdue)),
                        )
                    ).all()
                }
                for subject_id, item in overdue.items():
                    row = rows.get(subject_id)
                    if row is not None and row.due_at == item.due_at:
                        continue
                    if row is None:
                        row = Escalation(
                            subject_type=subject_type,
                            subject_id=subject_id,
                            organisation_id=item.organisation_id,
                        )
                        session.add(row)
                    self._due.invalidate()
                    self._start(session, row, now, item.due_at)
                    started = True
                for subject_id, row in rows.items():
                    if row.stopped_at is None and subject_id not in overdue:
                        row.stopped_at, row.stop_reason = now, "resolved"
                        self._next_step.pop((subject_type, subject_id), None)
        self._sweep_due.settle(token, next_due)
        if started:
            self.on_enqueued()

    def _advance(self, session: Session, state: Escalation, now: datetime) -> datetime | None:
        """Send every step that is due; returns when the next one will be (None: never)."""
        kind = _KINDS.get(state.subject_type)
        item = kind.load(session, state.subject_id) if kind is not None else None
        if kind is None or item is None:
            return None
        steps = ladder(session, state.organisation_id, item.priority)
        if not steps:
            return None
        cycle = timedelta(minutes=steps[-1].after_minutes) + kind.repeat_after
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
            self._enqueue(session, state, item, step, now)
            state.steps_done += 1

    def _enqueue(
        self,
        session: Session,
        state: Escalation,
        item: Escalated,
        step: EscalationStep,
        now: datetime,
    ) -> None:
        settings = self.context.settings
        enqueue(
            session,
            step_contacts(session, item.organisation_id, step, now),
            subject_type=state.subject_type,
            subject_id=state.subject_id,
            organisation_id=item.organisation_id,
            target=step.target,
            message=item.message(settings.language, settings.timezone),
            payload={**item.payload, "step": state.steps_done, "target": step.target},
            now=now,
            step=state.steps_done,
            round_=state.round,
        )


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
        #: When the earliest pending row may be tried. This process's escalator wakes the
        #: dispatcher; rows a request queued come with an audited change (checked on each
        #: run), and rows another process queued are found within ``RECHECK``.
        self._due = NextDue()
        self._revision = audit_revision()
        #: Delivery attempts that succeeded and that failed (the metrics).
        self.sent = 0
        self.failed = 0

    def wake(self) -> None:
        self._due.invalidate()
        self._wake.set()

    def run_once(self, now: datetime | None = None) -> int:
        now = now or self.context.clock.now()
        if audit_revision() != self._revision:
            self._revision = audit_revision()
            self._due.invalidate()
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
                self.deliver(notification, now)
            session.flush()
            upcoming = session.scalar(
                select(func.min(Notification.next_attempt_at)).where(
                    Notification.status == "pending"
                )
            )
        if len(due) < BATCH:  # a full batch may have left more due now
            self._due.settle(token, min(upcoming or now + RECHECK, now + RECHECK))
        return len(due)

    def deliver(self, notification: Notification, now: datetime) -> None:
        """One attempt; its outcome (sent, or the error and when to try again) is recorded
        on the row."""
        notification.attempts += 1
        try:
            channels.send(
                self.context.settings,
                notification.channel,
                notification.address,
                notification.secret,
                notification.subject,
                notification.body,
                {
                    **notification.payload,
                    # whose it is (the console shows it to those who see that organisation)
                    # and what about (the console renders it in the reader's language)
                    "organisation_id": notification.organisation_id,
                    "subject_type": notification.subject_type,
                    "subject_id": notification.subject_id,
                },
                self.console,
            )
        except Exception as exc:  # any failure is an outcome to record, not a crash
            self.failed += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = "failed"
            else:
                notification.next_attempt_at = now + backoff(notification.attempts)
            return
        self.sent += 1
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
