"""The hidden-danger closed loop (DOMAIN §7).

report → grade (一般 / 重大) → rectification order with the five fixes (measures, responsible
person, funds, deadline, contingency plan) → in rectification → self-check → acceptance by
someone other than the rectifier → closed (销号); a refused acceptance sends it back to
rectification. Each action is allowed only from the state before it (``TRANSITIONS``), is
one event on the hidden danger's timeline (who, when, comment) and lands in the audit chain.
A refused action raises before anything is written, so nothing stored changes.

Other loops open hidden dangers through :func:`open_from_source` (an SCBA check below its
minimum, a failed inspection item; later permits, drills, training, calibration …): one open
hidden danger per source, and a source may register a check (:func:`register_source`) that a
self-check must pass, so "fixed" is shown by the source (a passing re-check), not claimed.

Tenancy: the enterprise's editors (enterprise admin, safety officer) change its own hidden
dangers; its landlord and its regulator read them. A major one is reported to the regulator
at once: its supervising departments (else the district's fallback owner) are notified
through the escalation outbox, and it is marked reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.attachments import service as attachments
from hazwatch.attachments.models import Attachment
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.clock import local_date, local_text
from hazwatch.core.context import Context
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.i18n import translate
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.core.settings import Settings
from hazwatch.monitoring.escalation.choices import EscalationTarget
from hazwatch.monitoring.escalation.service import notify_now
from hazwatch.prevention.hazard_findings.choices import (
    TRANSITIONS,
    AttachmentStage,
    HazardAction,
    HazardGrade,
    HazardState,
)
from hazwatch.prevention.hazard_findings.models import HazardFinding, HazardFindingEvent
from hazwatch.registry.models import Building, Organisation, Room, Site
from hazwatch.registry.scope import writable_organisations

#: The subject type of hidden dangers in escalations, notifications and attachments.
SUBJECT = "hazard_finding"
#: Roles that run an organisation's loop, for the organisations they may write to (their
#: own: a landlord or supplier runs its own loop and reads its tenants'). A regulator reads;
#: a worker reports through them.
LOOP_ROLES = frozenset(
    {Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER, Role.LANDLORD, Role.SUPPLIER}
)
#: Funds above this are a typing error, not a budget (ten billion yuan).
MAX_FUNDS = Decimal(10) ** 10


@dataclass(frozen=True)
class Moment:
    """When an action happens and the settings in force (the default deadline of a general
    hidden danger, the language of the regulator's notice)."""

    now: datetime
    settings: Settings

    @classmethod
    def of(cls, context: Context) -> Moment:
        return cls(context.clock.now(), context.settings)

    @property
    def general_deadline(self) -> datetime:
        return self.now + timedelta(days=self.settings.hazard_general_deadline_days)


@dataclass(frozen=True)
class SourceKind:
    """A kind of record that opens hidden dangers by itself. ``still_failing`` answers, for
    one source record, None when it shows the danger fixed (a passing re-check), else the
    message key and parameters of what still fails: a self-check is refused until then."""

    label_key: str
    still_failing: Callable[[Session, int, datetime], tuple[str, dict[str, Any]] | None]


_SOURCES: dict[str, SourceKind] = {}


def register_source(source_type: str, kind: SourceKind) -> None:
    _SOURCES[source_type] = kind


def source_kind(source_type: str | None) -> SourceKind | None:
    return _SOURCES.get(source_type) if source_type else None


# -- reading ---------------------------------------------------------------------------------


def get(session: Session, principal: Principal, finding_id: int) -> HazardFinding:
    finding = session.get(HazardFinding, finding_id)
    if finding is None:
        raise NotFound("scope.not_found", field="hazard_finding_id")
    ensure_visible(session, principal, finding.organisation_id)
    return finding


def list_findings(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    state: HazardState | None = None,
    grade: HazardGrade | None = None,
    overdue: bool | None = None,
    organisation_id: int | None = None,
    reported: bool | None = None,
    source_type: str | None = None,
    limit: int = 500,
) -> list[HazardFinding]:
    """Open ones first, soonest deadline first; closed ones last, newest first."""
    query = restrict(select(HazardFinding), HazardFinding.organisation_id, session, principal)
    if state is not None:
        query = query.where(HazardFinding.state == state.value)
    if grade is not None:
        query = query.where(HazardFinding.grade == grade.value)
    if organisation_id is not None:
        query = query.where(HazardFinding.organisation_id == organisation_id)
    if source_type is not None:
        query = query.where(HazardFinding.source_type == source_type)
    if reported is not None:
        column = HazardFinding.reported_to_regulator_at
        query = query.where(column.is_not(None) if reported else column.is_(None))
    if overdue is not None:
        late = (HazardFinding.deadline < now) & (HazardFinding.state != HazardState.CLOSED.value)
        query = query.where(late if overdue else ~late | HazardFinding.deadline.is_(None))
    closed = HazardFinding.state == HazardState.CLOSED.value
    query = query.order_by(
        closed,
        HazardFinding.deadline.is_(None),
        HazardFinding.deadline,
        HazardFinding.id.desc(),
    )
    return list(session.scalars(query.limit(limit)))


def count_overdue(session: Session, principal: Principal, now: datetime) -> int:
    query = restrict(
        select(func.count()).select_from(HazardFinding),
        HazardFinding.organisation_id,
        session,
        principal,
    ).where(HazardFinding.deadline < now, HazardFinding.state != HazardState.CLOSED.value)
    return session.scalar(query) or 0


def timeline(session: Session, principal: Principal, finding_id: int) -> list[HazardFindingEvent]:
    get(session, principal, finding_id)
    query = (
        select(HazardFindingEvent)
        .where(HazardFindingEvent.hazard_finding_id == finding_id)
        .order_by(HazardFindingEvent.at, HazardFindingEvent.id)
    )
    return list(session.scalars(query))


def title_of(finding: HazardFinding, language: str) -> str:
    """What the hidden danger is, in ``language`` (a source words it by message key)."""
    if finding.title:
        return finding.title
    return translate(finding.title_key or "hazard.untitled", language, **finding.params)


def may_run_loop(session: Session, principal: Principal, organisation_id: int) -> bool:
    """Whether the principal runs this organisation's loop (reads are wider: landlord,
    regulator)."""
    if principal.role not in LOOP_ROLES:
        return False
    writable = writable_organisations(session, principal)
    return writable is None or organisation_id in writable


def ensure_may_run_loop(session: Session, principal: Principal, organisation_id: int) -> None:
    ensure_visible(session, principal, organisation_id)
    if not may_run_loop(session, principal, organisation_id):
        raise Forbidden("hazard.read_only", field="organisation_id", role=principal.role.value)


# -- opening ---------------------------------------------------------------------------------


def locate(
    session: Session, organisation_id: int, site_id: int | None, room_id: int | None
) -> int | None:
    """The site of the hidden danger: the room's when a room is named. A room must be the
    organisation's own; a site must be its own or one it has rooms on (a tenant's lab on
    the landlord's site)."""
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None or room.organisation_id != organisation_id:
            raise NotFound("scope.not_found", field="room_id")
        building = session.get(Building, room.building_id)
        room_site = building.site_id if building else None
        if site_id is not None and site_id != room_site:
            raise InvalidInput("hazard.room_not_on_site", field="room_id")
        return room_site
    if site_id is None:
        return None
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound("scope.not_found", field="site_id")
    if site.organisation_id != organisation_id:
        rooms_there = select(Room.id).join(Building, Room.building_id == Building.id)
        rooms_there = rooms_there.where(
            Building.site_id == site_id, Room.organisation_id == organisation_id
        )
        if session.scalar(rooms_there.limit(1)) is None:
            raise NotFound("scope.not_found", field="site_id")
    return site_id


def _number(session: Session, organisation_id: int, moment: Moment) -> str:
    """The ledger number: 隐患 (YH), the local year, and a sequence within the organisation."""
    year = local_date(moment.now, moment.settings.timezone).year
    prefix = f"YH-{year}-"
    taken = session.scalar(
        select(func.count())
        .select_from(HazardFinding)
        .where(
            HazardFinding.organisation_id == organisation_id,
            HazardFinding.number.like(f"{prefix}%"),
        )
    )
    return f"{prefix}{(taken or 0) + 1:04d}"


def _event(
    session: Session,
    finding: HazardFinding,
    principal: Principal,
    moment: Moment,
    action: HazardAction,
    before: HazardState | None,
    comment: str = "",
    **details: Any,
) -> HazardFindingEvent:
    event = HazardFindingEvent(
        hazard_finding_id=finding.id,
        organisation_id=finding.organisation_id,
        at=moment.now,
        actor=principal.username,
        actor_user_id=principal.user_id,
        action=action.value,
        from_state=before.value if before else None,
        to_state=finding.state,
        comment=comment,
        details={k: _plain(v) for k, v in details.items()},
    )
    session.add(event)
    return event


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _check_deadline(deadline: datetime | None, moment: Moment) -> None:
    if deadline is not None and deadline <= moment.now:
        raise InvalidInput("hazard.deadline_past", field="deadline")


def _deadline_for(grade: HazardGrade, deadline: datetime | None, moment: Moment) -> datetime:
    """A major hidden danger needs its deadline entered; a general one gets the setting's."""
    _check_deadline(deadline, moment)
    if deadline is not None:
        return deadline
    if grade is HazardGrade.MAJOR:
        raise InvalidInput("hazard.deadline_required", field="deadline")
    return moment.general_deadline


def local_deadline(value: str | None, timezone: str) -> datetime | None:
    """A deadline typed by a person: ``2025-03-01`` (the end of that day) or
    ``2025-03-01T17:00``, local time where the sites are; an explicit offset is kept."""
    if value is None or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("hazard.bad_deadline", field="deadline", value=value) from None
    if len(value.strip()) <= 10:
        moment = datetime.combine(moment.date(), time(23, 59))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def _required(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput("hazard.required", field=field)
    return text


def report(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    title: str,
    description: str = "",
    site_id: int | None = None,
    room_id: int | None = None,
    location: str = "",
    grade: HazardGrade | None = None,
    deadline: datetime | None = None,
) -> HazardFinding:
    """Register a hidden danger someone found; with ``grade`` it is graded at once."""
    ensure_may_run_loop(session, principal, organisation_id)
    title = _required(title, "title")
    if grade is not None:
        _deadline_for(grade, deadline, moment)  # refuse before anything is written
    else:
        _check_deadline(deadline, moment)
    finding = _open(
        session,
        principal,
        moment,
        (organisation_id, site_id, room_id, location),
        title=title,
        description=description,
    )
    if grade is not None:
        _grade(session, principal, moment, finding, grade, deadline, "")
    return finding


def open_for_source(session: Session, source_type: str, source_id: int) -> HazardFinding | None:
    """The hidden danger open for this source (none once it is closed)."""
    return session.scalar(
        select(HazardFinding).where(
            HazardFinding.source_type == source_type,
            HazardFinding.source_id == source_id,
            HazardFinding.state != HazardState.CLOSED.value,
        )
    )


def open_from_source(
    session: Session,
    moment: Moment,
    *,
    organisation_id: int,
    source_type: str,
    source_id: int,
    title_key: str,
    params: dict[str, Any],
    grade: HazardGrade,
    site_id: int | None = None,
    room_id: int | None = None,
    location: str = "",
    deadline: datetime | None = None,
    actor: Principal = SYSTEM,
) -> HazardFinding:
    """Open (reported and graded at once) the hidden danger a source found, or return the
    one already open for the same ``(source_type, source_id)``, unchanged.

    For other loops: ``title_key`` is a message key worded with ``params`` in the reader's
    language; ``deadline`` defaults as for any hidden danger (the setting for a general
    one, required for a major one); a major one is reported to the regulator at once.
    Nothing is checked against the actor's rights: the source's own service has done that.
    """
    existing = open_for_source(session, source_type, source_id)
    if existing is not None:
        return existing
    _deadline_for(grade, deadline, moment)
    finding = _open(
        session,
        actor,
        moment,
        (organisation_id, site_id, room_id, location),
        title_key=title_key,
        params=params,
        source_type=source_type,
        source_id=source_id,
    )
    _grade(session, actor, moment, finding, grade, deadline, "")
    return finding


def _open(
    session: Session,
    principal: Principal,
    moment: Moment,
    where: tuple[int, int | None, int | None, str],
    **fields: Any,
) -> HazardFinding:
    """A new hidden danger of an organisation, at a site / room / location, reported."""
    organisation_id, site_id, room_id, location = where
    if session.get(Organisation, organisation_id) is None:
        raise NotFound("scope.not_found", field="organisation_id")
    finding = HazardFinding(
        organisation_id=organisation_id,
        site_id=locate(session, organisation_id, site_id, room_id),
        room_id=room_id,
        location=location,
        number=_number(session, organisation_id, moment),
        state=HazardState.REPORTED,
        reported_at=moment.now,
        reported_by=principal.username,
        **fields,
    )
    session.add(finding)
    session.flush()
    _event(session, finding, principal, moment, HazardAction.REPORT, None)
    session.flush()
    return finding


# -- the loop --------------------------------------------------------------------------------


def _transition(
    session: Session,
    principal: Principal,
    finding_id: int,
    action: HazardAction,
) -> tuple[HazardFinding, HazardState]:
    """The hidden danger, if the principal runs its loop and ``action`` is allowed from its
    state; else the refusal names the state it is in and what the action needs."""
    finding = get(session, principal, finding_id)
    ensure_may_run_loop(session, principal, finding.organisation_id)
    needed, _after = TRANSITIONS[action]
    current = HazardState(finding.state)
    if current is not needed:
        raise Conflict(
            "hazard.bad_transition",
            field="state",
            action=action,
            state=current,
            needed=needed,
        )
    return finding, current


def _move(finding: HazardFinding, action: HazardAction) -> None:
    finding.state = TRANSITIONS[action][1]


def grade(
    session: Session,
    principal: Principal,
    moment: Moment,
    finding_id: int,
    *,
    grade: HazardGrade,
    deadline: datetime | None = None,
    comment: str = "",
) -> HazardFinding:
    finding, _state = _transition(session, principal, finding_id, HazardAction.GRADE)
    _deadline_for(grade, deadline, moment)
    _grade(session, principal, moment, finding, grade, deadline, comment)
    return finding


def _grade(
    session: Session,
    principal: Principal,
    moment: Moment,
    finding: HazardFinding,
    grade: HazardGrade,
    deadline: datetime | None,
    comment: str,
) -> None:
    finding.grade = grade
    finding.deadline = _deadline_for(grade, deadline, moment)
    _move(finding, HazardAction.GRADE)
    _event(
        session,
        finding,
        principal,
        moment,
        HazardAction.GRADE,
        HazardState.REPORTED,
        comment,
        grade=grade.value,
        deadline=finding.deadline,
    )
    session.flush()
    if grade is HazardGrade.MAJOR:
        _report_to_regulator(session, principal, moment, finding)


def _report_to_regulator(
    session: Session, principal: Principal, moment: Moment, finding: HazardFinding
) -> None:
    """A major hidden danger goes to the regulator's duty desk at once (DOMAIN §7)."""
    settings = moment.settings
    organisation = session.get(Organisation, finding.organisation_id)
    message = (
        translate(
            "hazard.notice.major_subject",
            settings.language,
            title=title_of(finding, settings.language),
        ),
        translate(
            "hazard.notice.major_body",
            settings.language,
            number=finding.number,
            organisation=organisation.name if organisation else "",
            title=title_of(finding, settings.language),
            deadline=local_text(finding.deadline, settings.timezone),
        ),
    )
    sent = notify_now(
        session,
        subject_type=SUBJECT,
        subject_id=finding.id,
        organisation_id=finding.organisation_id,
        target=EscalationTarget.REGULATOR.value,
        message=message,
        payload=payload(finding),
        now=moment.now,
    )
    finding.reported_to_regulator_at = moment.now
    _event(
        session,
        finding,
        principal,
        moment,
        HazardAction.REPORT_TO_REGULATOR,
        HazardState(finding.state),
        notified=sent,
    )
    session.flush()


def payload(finding: HazardFinding) -> dict[str, Any]:
    """What a webhook receiving a hidden danger's notice gets besides the text."""
    return {
        "hazard_finding_id": finding.id,
        "number": finding.number,
        "organisation_id": finding.organisation_id,
        "grade": finding.grade,
        "state": finding.state,
        "deadline": finding.deadline.isoformat() if finding.deadline else None,
        "site_id": finding.site_id,
        "room_id": finding.room_id,
    }


def order(
    session: Session,
    principal: Principal,
    moment: Moment,
    finding_id: int,
    *,
    measures: str,
    responsible_person: str,
    funds_yuan: Decimal,
    contingency_plan: str,
    deadline: datetime | None = None,
    comment: str = "",
) -> HazardFinding:
    """The rectification order with its five fixes; the deadline stays as graded unless a
    new one (in the future) is given."""
    finding, state = _transition(session, principal, finding_id, HazardAction.ORDER)
    measures = _required(measures, "measures")
    responsible_person = _required(responsible_person, "responsible_person")
    contingency_plan = _required(contingency_plan, "contingency_plan")
    if not funds_yuan.is_finite() or not Decimal(0) <= funds_yuan < MAX_FUNDS:
        raise InvalidInput("hazard.bad_funds", field="funds_yuan")
    _check_deadline(deadline, moment)
    finding.measures = measures
    finding.responsible_person = responsible_person
    finding.funds_yuan = funds_yuan
    finding.contingency_plan = contingency_plan
    if deadline is not None:
        finding.deadline = deadline
    _move(finding, HazardAction.ORDER)
    _event(
        session,
        finding,
        principal,
        moment,
        HazardAction.ORDER,
        state,
        comment,
        measures=measures,
        responsible_person=responsible_person,
        funds_yuan=funds_yuan,
        contingency_plan=contingency_plan,
        deadline=finding.deadline,
    )
    session.flush()
    return finding


def start(
    session: Session, principal: Principal, moment: Moment, finding_id: int, comment: str = ""
) -> HazardFinding:
    finding, state = _transition(session, principal, finding_id, HazardAction.START)
    _move(finding, HazardAction.START)
    _event(session, finding, principal, moment, HazardAction.START, state, comment)
    session.flush()
    return finding


def self_check(
    session: Session, principal: Principal, moment: Moment, finding_id: int, comment: str
) -> HazardFinding:
    """The rectifier's own check that the work is done (what was done is required); a
    hidden danger a source opened needs the source to show it fixed first."""
    finding, state = _transition(session, principal, finding_id, HazardAction.SELF_CHECK)
    comment = _required(comment, "comment")
    kind = source_kind(finding.source_type)
    if kind is not None and finding.source_id is not None:
        failing = kind.still_failing(session, finding.source_id, moment.now)
        if failing is not None:
            key, params = failing
            raise Conflict(
                "hazard.source_still_failing",
                field="source",
                why=translate(key, principal.language, **params),
            )
    finding.rectified_by = principal.username
    _move(finding, HazardAction.SELF_CHECK)
    _event(session, finding, principal, moment, HazardAction.SELF_CHECK, state, comment)
    session.flush()
    return finding


def _display_name(session: Session, principal: Principal) -> str | None:
    if principal.user_id is None:
        return None
    user = session.get(UserAccount, principal.user_id)
    return user.display_name if user else None


def accept(
    session: Session, principal: Principal, moment: Moment, finding_id: int, comment: str = ""
) -> HazardFinding:
    """Acceptance by someone other than the rectifier: neither anyone who recorded a
    self-check of it nor the responsible person named in the order."""
    finding, state = _transition(session, principal, finding_id, HazardAction.ACCEPT)
    rectifiers = set(
        session.scalars(
            select(HazardFindingEvent.actor).where(
                HazardFindingEvent.hazard_finding_id == finding.id,
                HazardFindingEvent.action == HazardAction.SELF_CHECK.value,
            )
        )
    )
    rectifiers |= {finding.responsible_person.strip()} - {""}
    acceptor = {principal.username, _display_name(session, principal)} - {None, ""}
    if rectifiers & acceptor:
        raise Forbidden(
            "hazard.self_acceptance", field="accepted_by", rectifier=finding.rectified_by or ""
        )
    finding.accepted_by = principal.username
    _move(finding, HazardAction.ACCEPT)
    _event(session, finding, principal, moment, HazardAction.ACCEPT, state, comment)
    session.flush()
    return finding


def reject(
    session: Session,
    principal: Principal,
    moment: Moment,
    finding_id: int,
    comment: str,
    deadline: datetime | None = None,
) -> HazardFinding:
    """Acceptance refused (why is required): back to rectification, by a new deadline if
    one is given."""
    finding, state = _transition(session, principal, finding_id, HazardAction.REJECT)
    comment = _required(comment, "comment")
    _check_deadline(deadline, moment)
    if deadline is not None:
        finding.deadline = deadline
    _move(finding, HazardAction.REJECT)
    _event(
        session,
        finding,
        principal,
        moment,
        HazardAction.REJECT,
        state,
        comment,
        deadline=finding.deadline,
    )
    session.flush()
    return finding


def close(
    session: Session, principal: Principal, moment: Moment, finding_id: int, comment: str = ""
) -> HazardFinding:
    """销号: only after acceptance."""
    finding, state = _transition(session, principal, finding_id, HazardAction.CLOSE)
    finding.closed_at = moment.now
    _move(finding, HazardAction.CLOSE)
    _event(session, finding, principal, moment, HazardAction.CLOSE, state, comment)
    session.flush()
    return finding


def attach(
    session: Session,
    principal: Principal,
    moment: Moment,
    finding_id: int,
    *,
    stage: AttachmentStage,
    filename: str,
    data: bytes,
) -> Attachment:
    """A photo or document at a stage of the loop (the report, the rectification, the
    acceptance); a timeline event too. A closed hidden danger takes no more files."""
    finding = get(session, principal, finding_id)
    ensure_may_run_loop(session, principal, finding.organisation_id)
    state = HazardState(finding.state)
    if state is HazardState.CLOSED:
        raise Conflict("hazard.closed", field="state")
    attachment = attachments.add(
        session,
        moment.settings,
        organisation_id=finding.organisation_id,
        subject_type=SUBJECT,
        subject_id=finding.id,
        stage=stage.value,
        filename=filename,
        data=data,
        uploaded_by=principal.username,
        now=moment.now,
    )
    _event(
        session,
        finding,
        principal,
        moment,
        HazardAction.ATTACH,
        state,
        attachment_id=attachment.id,
        filename=attachment.filename,
        stage=stage.value,
    )
    session.flush()
    return attachment
