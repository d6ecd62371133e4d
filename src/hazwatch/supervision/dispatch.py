"""Warning dispatch and on-site verification (派单核查, issue 15 item 3; seed 001 §14).

Seed 001 §14: "线上风险预警、派单核查和隐患闭环工作制度 … 严格执行24小时值守监控制度".

* :func:`scan` turns warnings at or above the configured level into work orders for the
  department responsible for the organisation (item 1: assignment, matrix, else the fallback
  owner): active alarms of priority ≥ ``dispatch_min_priority``, registry findings of
  severity major, hidden dangers of grade ≥ ``dispatch_hidden_danger_grade`` past their
  deadline. One open order per source.
* dispatched → accepted → verified on site (notes, photos, outcome) → closed; closing needs
  the verification's outcome. A confirmed danger opens a hidden danger from the order.
* Deadlines by level (``DEADLINES``); :func:`tick` reminds the department's duty officer
  half-way to the acceptance deadline and escalates a late order to the district's
  emergency-management bureau (the fallback owner), once each.
* The duty roster: shifts per department; :func:`on_duty` is the officer on shift, who is
  who the escalation ladders' regulator step reaches (:func:`regulator_contacts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.attachments import service as attachments
from hazwatch.attachments.models import Attachment
from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.clock import as_utc, local_date, utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.i18n import translate
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.core.settings import Settings, get_settings
from hazwatch.monitoring.escalation.models import Contact
from hazwatch.monitoring.escalation.service import (
    notify_now,
    register_duty_filter,
    register_regulator_resolver,
)
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.hazard_findings import service as hidden_dangers
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry import findings as registry_findings
from hazwatch.registry.findings import Severity, fallback_owner
from hazwatch.registry.models import Organisation
from hazwatch.supervision import responsibility
from hazwatch.supervision.choices import (
    DispatchOutcome,
    DispatchSource,
    DispatchState,
    DutyLogKind,
)
from hazwatch.supervision.models import DispatchOrder, DutyLogEntry, DutyShift

SUBJECT = "dispatch_order"
#: Alarm priorities, highest first (monitoring.choices.Priority).
LEVELS = ("urgent", "high", "medium", "low")
#: Time to accept and to verify on site, by level (the district's working rule: a red
#: warning is answered within a quarter of an hour; settings of the platform, not law).
DEADLINES: dict[str, tuple[timedelta, timedelta]] = {
    "urgent": (timedelta(minutes=15), timedelta(hours=2)),
    "high": (timedelta(minutes=30), timedelta(hours=4)),
    "medium": (timedelta(hours=2), timedelta(hours=24)),
    "low": (timedelta(hours=8), timedelta(hours=72)),
}
#: What opens a dispatch from a registry finding / an overdue hidden danger.
FINDING_LEVEL = {Severity.MAJOR: "high"}
HIDDEN_DANGER_LEVEL = {HazardGrade.MAJOR: "high", HazardGrade.GENERAL: "medium"}
#: Transitions: the state an action needs and the state it leads to.
TRANSITIONS = {
    "accept": (DispatchState.DISPATCHED, DispatchState.ACCEPTED),
    "verify": (DispatchState.ACCEPTED, DispatchState.VERIFIED),
    "close": (DispatchState.VERIFIED, DispatchState.CLOSED),
}


def at_or_above(level: str, minimum: str) -> bool:
    return LEVELS.index(level) <= LEVELS.index(minimum)


# -- creating ---------------------------------------------------------------------------------


def _open_for(session: Session, source_type: DispatchSource, key: str) -> DispatchOrder | None:
    return session.scalar(
        select(DispatchOrder).where(
            DispatchOrder.source_type == source_type,
            DispatchOrder.source_key == key,
            DispatchOrder.state != DispatchState.CLOSED,
        )
    )


def _department_of(
    session: Session, organisation_id: int, now: datetime, settings: Settings
) -> int | None:
    departments = responsibility.supervising_departments(
        session, organisation_id, local_date(now, settings.timezone)
    )
    return departments[0] if departments else None


def dispatch(
    session: Session,
    now: datetime,
    settings: Settings,
    *,
    organisation_id: int,
    source_type: DispatchSource,
    source_key: str,
    level: str,
    title_key: str,
    params: dict[str, Any],
    room_id: int | None = None,
    department_id: int | None = None,
) -> DispatchOrder | None:
    """The order for one warning (the open one if it exists), to ``department_id`` when the
    warning's kind names its department (transport), else to the one responsible for the
    organisation; None when no department (not even a fallback owner) can take it."""
    existing = _open_for(session, source_type, source_key)
    if existing is not None:
        return existing
    department = department_id or _department_of(session, organisation_id, now, settings)
    if department is None:
        return None
    accept, verify = DEADLINES[level]
    order = DispatchOrder(
        organisation_id=organisation_id,
        department_id=department,
        room_id=room_id,
        source_type=source_type,
        source_key=source_key,
        level=level,
        title_key=title_key,
        params=params,
        state=DispatchState.DISPATCHED,
        dispatched_at=now,
        accept_due=now + accept,
        verify_due=now + verify,
        notes="",
    )
    session.add(order)
    session.flush()
    _tell(session, settings, order, department, "supervision.dispatch.notice.new", now)
    return order


def scan(session: Session, now: datetime, settings: Settings) -> list[DispatchOrder]:
    """Dispatch every warning at or above the configured levels that has no open order."""
    return scan_alarms(session, now, settings) + scan_records(session, now, settings)


def scan_alarms(session: Session, now: datetime, settings: Settings) -> list[DispatchOrder]:
    """Active alarms of priority ≥ ``dispatch_min_priority``."""
    made: list[DispatchOrder] = []
    alarms = session.scalars(select(Alarm).where(Alarm.active.is_(True)).order_by(Alarm.id))
    for alarm in alarms:
        if alarm.priority not in LEVELS or not at_or_above(
            alarm.priority, settings.dispatch_min_priority
        ):
            continue
        order = dispatch(
            session,
            now,
            settings,
            organisation_id=alarm.organisation_id,
            source_type=DispatchSource.ALARM,
            source_key=str(alarm.id),
            level=alarm.priority,
            title_key=alarm.message_key or "supervision.dispatch.alarm",
            params={**(alarm.params or {}), "condition": alarm.condition},
            room_id=alarm.room_id,
        )
        if order is not None:
            made.append(order)
    return made


def scan_records(session: Session, now: datetime, settings: Settings) -> list[DispatchOrder]:
    """Major registry findings and hidden dangers of the configured grade past their
    deadline (both change by the day, not the second: the tick looks less often)."""
    made: list[DispatchOrder] = []
    as_of = registry_findings.AsOf(now, local_date(now, settings.timezone))
    for finding in registry_findings.compute(session, SYSTEM, as_of):
        level = FINDING_LEVEL.get(finding.severity)
        if level is None or finding.organisation_id is None:
            continue
        if not at_or_above(level, settings.dispatch_min_priority):
            continue
        order = dispatch(
            session,
            now,
            settings,
            organisation_id=finding.organisation_id,
            source_type=DispatchSource.FINDING,
            source_key=f"{finding.code}:{finding.object_type}:{finding.object_id}",
            level=level,
            title_key=finding.message_key,
            params={**finding.params},
        )
        if order is not None:
            made.append(order)
    wanted = [
        g
        for g in HazardGrade
        if at_or_above(HIDDEN_DANGER_LEVEL[g], settings.dispatch_min_priority)
        or g.value == settings.dispatch_hidden_danger_grade
    ]
    late = session.scalars(
        select(HazardFinding).where(
            HazardFinding.state != HazardState.CLOSED,
            HazardFinding.deadline < now,
            HazardFinding.grade.in_([g.value for g in wanted]),
        )
    )
    for danger in late:
        order = dispatch(
            session,
            now,
            settings,
            organisation_id=danger.organisation_id,
            source_type=DispatchSource.HIDDEN_DANGER,
            source_key=str(danger.id),
            level=HIDDEN_DANGER_LEVEL[HazardGrade(danger.grade or "general")],
            title_key="supervision.dispatch.hidden_danger_overdue",
            params={"number": danger.number, "title": danger.title},
            room_id=danger.room_id,
        )
        if order is not None:
            made.append(order)
    return made


# -- reminders and escalation -----------------------------------------------------------------


def _tell(
    session: Session,
    settings: Settings,
    order: DispatchOrder,
    to_organisation: int,
    key: str,
    now: datetime,
) -> int:
    organisation = session.get(Organisation, order.organisation_id)
    text = translate(
        key,
        settings.language,
        number=order.id,
        organisation=organisation.name if organisation else "",
        level=order.level,
    )
    return notify_now(
        session,
        subject_type=SUBJECT,
        subject_id=order.id,
        organisation_id=to_organisation,
        target="duty_officer",
        message=(text, text),
        payload={"dispatch_id": order.id, "organisation_id": order.organisation_id},
        now=now,
    )


def tick(session: Session, now: datetime, settings: Settings) -> tuple[int, int]:
    """Remind half-way to acceptance; escalate once late (accept or verify). Returns the
    counts (reminded, escalated)."""
    reminded = escalated = 0
    open_orders = session.scalars(
        select(DispatchOrder).where(DispatchOrder.state.in_(["dispatched", "accepted"]))
    )
    for order in open_orders:
        dispatched = as_utc(order.dispatched_at)
        accept_due = as_utc(order.accept_due)
        if (
            order.state == DispatchState.DISPATCHED
            and order.reminded_at is None
            and now >= dispatched + (accept_due - dispatched) / 2
        ):
            order.reminded_at = now
            _tell(
                session,
                settings,
                order,
                order.department_id,
                "supervision.dispatch.notice.reminder",
                now,
            )
            reminded += 1
        if order.escalated_at is None and late(order, now):
            organisation = session.get(Organisation, order.organisation_id)
            owner = fallback_owner(session, organisation) if organisation else None
            order.escalated_at = now
            order.escalated_to_id = owner.id if owner else None
            if owner is not None:
                _tell(
                    session, settings, order, owner.id, "supervision.dispatch.notice.escalated", now
                )
            escalated += 1
    session.flush()
    return reminded, escalated


def late(order: DispatchOrder, now: datetime) -> bool:
    if order.state == DispatchState.DISPATCHED:
        return now > as_utc(order.accept_due)
    if order.state == DispatchState.ACCEPTED:
        return now > as_utc(order.verify_due)
    return False


# -- reading ----------------------------------------------------------------------------------


def get(session: Session, principal: Principal, order_id: int) -> DispatchOrder:
    order = session.get(DispatchOrder, order_id)
    if order is None:
        raise NotFound("scope.not_found", field="dispatch_id", id=order_id)
    ensure_visible(session, principal, order.organisation_id)
    return order


def list_orders(
    session: Session, principal: Principal, state: DispatchState | None = None
) -> list[DispatchOrder]:
    query = select(DispatchOrder).order_by(
        DispatchOrder.dispatched_at.desc(), DispatchOrder.id.desc()
    )
    if state is not None:
        query = query.where(DispatchOrder.state == state)
    return list(session.scalars(restrict(query, DispatchOrder.organisation_id, session, principal)))


def attachments_of(session: Session, order: DispatchOrder) -> list[Attachment]:
    return attachments.list_for(session, SUBJECT, order.id)


# -- the regulator's actions ------------------------------------------------------------------


def _acting(session: Session, principal: Principal, order_id: int, action: str) -> DispatchOrder:
    """The order, if the caller is a regulator whose area holds the organisation."""
    order = get(session, principal, order_id)
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")
    before, _after = TRANSITIONS[action]
    if order.state != before:
        raise Conflict(
            "supervision.dispatch.wrong_state", field="state", state=DispatchState(order.state)
        )
    return order


def accept(session: Session, principal: Principal, now: datetime, order_id: int) -> DispatchOrder:
    order = _acting(session, principal, order_id, "accept")
    order.state = DispatchState.ACCEPTED
    order.accepted_at = now
    order.accepted_by = principal.username
    session.flush()
    return order


@dataclass(frozen=True)
class Verification:
    outcome: DispatchOutcome
    notes: str
    open_hidden_danger: bool = False
    hidden_danger_grade: HazardGrade = HazardGrade.GENERAL
    hidden_danger_deadline: datetime | None = None


def verify(
    session: Session,
    principal: Principal,
    now: datetime,
    settings: Settings,
    order_id: int,
    verification: Verification,
) -> DispatchOrder:
    """The on-site verification: notes and outcome; a confirmed danger may open a hidden
    danger in the enterprise's ledger, linked to the order."""
    order = _acting(session, principal, order_id, "verify")
    if not verification.notes.strip():
        raise InvalidInput("supervision.dispatch.notes_required", field="notes")
    if verification.open_hidden_danger and verification.outcome is DispatchOutcome.FALSE_ALARM:
        raise InvalidInput("supervision.dispatch.false_alarm_no_hazard", field="open_hidden_danger")
    if verification.open_hidden_danger:
        danger = hidden_dangers.open_from_source(
            session,
            hidden_dangers.Moment(now, settings),
            organisation_id=order.organisation_id,
            source_type=SUBJECT,
            source_id=order.id,
            title_key="supervision.dispatch.hidden_danger_title",
            params={"number": order.id, "notes": verification.notes[:200]},
            grade=verification.hidden_danger_grade,
            room_id=order.room_id,
            deadline=verification.hidden_danger_deadline,
            actor=principal,
        )
        order.hazard_finding_id = danger.id
    order.state = DispatchState.VERIFIED
    order.outcome = verification.outcome
    order.notes = verification.notes
    order.verified_at = now
    order.verified_by = principal.username
    session.flush()
    return order


def close(session: Session, principal: Principal, now: datetime, order_id: int) -> DispatchOrder:
    """Closing needs the verification's outcome (an order cannot be closed unverified)."""
    order = get(session, principal, order_id)
    if order.state != DispatchState.CLOSED and order.outcome is None:
        if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
            raise Forbidden("supervision.regulators_only")
        raise Conflict("supervision.dispatch.no_outcome", field="outcome")
    order = _acting(session, principal, order_id, "close")
    order.state = DispatchState.CLOSED
    order.closed_at = now
    order.closed_by = principal.username
    session.flush()
    return order


def attach(
    session: Session,
    principal: Principal,
    now: datetime,
    settings: Settings,
    order_id: int,
    *,
    filename: str,
    data: bytes,
) -> Attachment:
    """A photo or document from the site, while the order is open."""
    order = get(session, principal, order_id)
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")
    if order.state == DispatchState.CLOSED:
        raise Conflict("supervision.dispatch.closed", field="state")
    return attachments.add(
        session,
        settings,
        organisation_id=order.organisation_id,
        subject_type=SUBJECT,
        subject_id=order.id,
        stage="verification",
        filename=filename,
        data=data,
        uploaded_by=principal.username,
        now=now,
    )


# -- duty roster and log ----------------------------------------------------------------------


def _department(session: Session, principal: Principal, department_id: int) -> Organisation:
    """A department the caller is (or, for the platform administrator, any regulator)."""
    department = session.get(Organisation, department_id)
    if department is None:
        raise NotFound("scope.not_found", field="department_id", id=department_id)
    if principal.is_platform_admin:
        return department
    if principal.role is not Role.REGULATOR:
        raise Forbidden("supervision.regulators_only", field="department_id")
    ensure_visible(session, principal, department_id)
    if principal.organisation_id != department_id:
        raise Forbidden("tenancy.not_writable", field="department_id")
    return department


def add_shift(
    session: Session,
    principal: Principal,
    *,
    department_id: int,
    officer: str,
    starts_at: datetime,
    ends_at: datetime,
    phone: str = "",
) -> DutyShift:
    _department(session, principal, department_id)
    starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
    if ends_at <= starts_at:
        raise InvalidInput("supervision.duty.ends_before_start", field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise InvalidInput("supervision.duty.too_long", field="ends_at")
    shift = DutyShift(
        organisation_id=department_id,
        officer=officer,
        phone=phone,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    session.add(shift)
    session.flush()
    return shift


def roster(
    session: Session, principal: Principal, department_id: int, start: datetime, end: datetime
) -> tuple[list[DutyShift], list[tuple[datetime, datetime]]]:
    """The shifts overlapping [start, end) and the gaps nobody is on duty (24-hour duty)."""
    ensure_visible(session, principal, department_id)
    shifts = list(
        session.scalars(
            select(DutyShift)
            .where(
                DutyShift.organisation_id == department_id,
                DutyShift.ends_at > start,
                DutyShift.starts_at < end,
            )
            .order_by(DutyShift.starts_at)
        )
    )
    gaps: list[tuple[datetime, datetime]] = []
    cursor = start
    for shift in shifts:
        if as_utc(shift.starts_at) > cursor:
            gaps.append((cursor, as_utc(shift.starts_at)))
        cursor = max(cursor, as_utc(shift.ends_at))
    if cursor < end:
        gaps.append((cursor, end))
    return shifts, gaps


def on_duty(session: Session, department_id: int, now: datetime) -> DutyShift | None:
    return session.scalar(
        select(DutyShift)
        .where(
            DutyShift.organisation_id == department_id,
            DutyShift.starts_at <= now,
            DutyShift.ends_at > now,
        )
        .order_by(DutyShift.starts_at.desc())
        .limit(1)
    )


def log(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    department_id: int,
    kind: DutyLogKind,
    text: str,
    handed_to: str = "",
) -> DutyLogEntry:
    """A duty-log line; a handover names the next officer, who must be on the roster."""
    _department(session, principal, department_id)
    if not text.strip():
        raise InvalidInput("supervision.duty.text_required", field="text")
    if kind is DutyLogKind.HANDOVER:
        if not handed_to.strip():
            raise InvalidInput("supervision.duty.handover_needs_successor", field="handed_to")
        following = session.scalar(
            select(DutyShift.id).where(
                DutyShift.organisation_id == department_id,
                DutyShift.officer == handed_to,
                DutyShift.ends_at > now,
            )
        )
        if following is None:
            raise InvalidInput("supervision.duty.successor_not_on_roster", field="handed_to")
    entry = DutyLogEntry(
        organisation_id=department_id,
        at=now,
        author=principal.username,
        kind=kind,
        text=text,
        handed_to=handed_to,
    )
    session.add(entry)
    session.flush()
    return entry


def duty_log(session: Session, principal: Principal, department_id: int) -> list[DutyLogEntry]:
    ensure_visible(session, principal, department_id)
    return list(
        session.scalars(
            select(DutyLogEntry)
            .where(DutyLogEntry.organisation_id == department_id)
            .order_by(DutyLogEntry.at.desc(), DutyLogEntry.id.desc())
            .limit(200)
        )
    )


def only_on_duty(session: Session, contacts: list[Contact], now: datetime) -> list[Contact]:
    """A department's duty-desk contacts narrowed to the officer on shift, when the roster
    has one on shift with a contact of that name; otherwise all of them (never nobody)."""
    kept: list[Contact] = []
    by_department: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_department.setdefault(contact.organisation_id, []).append(contact)
    for department, desk in by_department.items():
        shift = on_duty(session, department, now)
        named = [c for c in desk if shift is not None and c.name == shift.officer]
        kept.extend(named or desk)
    return kept


def matrix_regulators(session: Session, organisation_id: int, now: datetime | None) -> list[int]:
    """Who the ladders' regulator step calls: the departments the responsibility matrix (and
    the assignments) make responsible for the organisation, else its fallback owner (item 1),
    the same departments its dispatches go to."""
    today = local_date(now or utcnow(), get_settings().timezone)
    return responsibility.supervising_departments(session, organisation_id, today)


register_duty_filter(only_on_duty)
register_regulator_resolver(matrix_regulators)
