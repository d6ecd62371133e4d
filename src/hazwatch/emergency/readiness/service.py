"""Emergency readiness (issue 14 item 6; the 2·7 report: no emergency plan, no drills, no
training, no SCBA maintenance).

- **Plans** per site with their review date; a plan past it is flagged ``review_overdue``.
- **Drills**: planned (for a time still to come), then held (not in the future); only a
  held drill has findings, and each finding is a hidden danger of the drill's organisation.
- **Training records and qualifications** per person; a qualification past its expiry is
  *lapsed*, a registry finding (``qualification_lapsed``) for the organisation and its
  regulator; the training matrix shows people × qualification kinds, also as Excel.
- **Equipment registry**: SCBA sets (``emergency.service``, with their pressure checks) and
  escape packs, portable O2 meters and fans with their periodic checks; an item whose last
  check failed, or is older than its interval, is not ready and opens a hidden danger (the
  SCBA sets already do, and make their holder's rescue entry not ready).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.clock import local_date
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import restrict, visible_organisations
from hazwatch.core.settings import Settings
from hazwatch.emergency import service as scba
from hazwatch.emergency.models import ScbaCheck, ScbaSet
from hazwatch.emergency.readiness.choices import DrillState, EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.models import (
    Drill,
    DrillFinding,
    EmergencyPlan,
    Equipment,
    EquipmentCheck,
    Qualification,
    TrainingRecord,
)
from hazwatch.emergency.readiness.schemas import EquipmentIn
from hazwatch.prevention.hazard_findings.choices import HazardGrade
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import (
    Moment,
    SourceKind,
    open_for_source,
    open_from_source,
    register_source,
)
from hazwatch.registry.scope import Tenancy

DRILL_SOURCE = "drill_finding"
EQUIPMENT_SOURCE = "emergency_equipment"
#: Hours of training above this are a typing error, not a course.
MAX_HOURS = Decimal(1000)


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("readiness.required", field=field)
    return value


def _today(moment: Moment) -> date:
    return local_date(moment.now, moment.settings.timezone)


def _site_for(session: Session, principal: Principal, organisation_id: int, site_id: int) -> None:
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    tenancy.writable_site(site_id, for_organisation=organisation_id)


# -- plans -----------------------------------------------------------------------------------


def create_plan(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    site_id: int,
    title: str,
    approved_on: date,
    review_due: date,
    version: str = "",
    notes: str = "",
) -> EmergencyPlan:
    _site_for(session, principal, organisation_id, site_id)
    title = _text(title, "title")
    if approved_on > _today(moment):
        raise InvalidInput("readiness.date_in_future", field="approved_on")
    if review_due <= _today(moment):
        raise InvalidInput("readiness.date_in_past", field="review_due")
    plan = EmergencyPlan(
        organisation_id=organisation_id,
        site_id=site_id,
        title=title,
        version=version,
        approved_on=approved_on,
        review_due=review_due,
        notes=notes,
    )
    session.add(plan)
    session.flush()
    return plan


def _plan(session: Session, principal: Principal, plan_id: int) -> EmergencyPlan:
    """A current plan the caller may change (404 unseen, 403 seen only, 409 retired)."""
    plan = Tenancy(session, principal).writable_row(EmergencyPlan, plan_id, "plan_id")
    if plan.retired_at is not None:
        raise Conflict("readiness.plan_retired", field="plan_id", id=plan_id)
    return plan


def update_plan(
    session: Session, principal: Principal, moment: Moment, plan_id: int, **changes: Any
) -> EmergencyPlan:
    """Change a current plan (a new version, a new review date…); the same rules as a new
    one for what changes (a form sends every field back: an overdue review date kept as it
    was is no refusal), checked before anything changes."""
    plan = _plan(session, principal, plan_id)
    changes = {k: v for k, v in changes.items() if getattr(plan, k) != v}
    if "site_id" in changes:
        _site_for(session, principal, plan.organisation_id, changes["site_id"])
    if "title" in changes:
        changes["title"] = _text(changes["title"], "title")
    approved_on = changes.get("approved_on", plan.approved_on)
    if "approved_on" in changes and approved_on > _today(moment):
        raise InvalidInput("readiness.date_in_future", field="approved_on")
    if "review_due" in changes and changes["review_due"] <= _today(moment):
        raise InvalidInput("readiness.date_in_past", field="review_due")
    if changes.get("review_due", plan.review_due) <= approved_on:
        raise InvalidInput("readiness.review_before_approval", field="review_due")
    for name, value in changes.items():
        setattr(plan, name, value)
    session.flush()
    return plan


def retire_plan(
    session: Session, principal: Principal, moment: Moment, plan_id: int
) -> EmergencyPlan:
    """Withdraw a plan: it leaves the list (and no longer counts as the site's plan) but
    stays, with the drills that name it, for the audit."""
    plan = _plan(session, principal, plan_id)
    plan.retired_at = moment.now
    session.flush()
    return plan


def list_plans(
    session: Session, principal: Principal, *, retired: bool = False
) -> list[EmergencyPlan]:
    """Current plans (``retired``: the withdrawn ones too)."""
    query = restrict(select(EmergencyPlan), EmergencyPlan.organisation_id, session, principal)
    if not retired:
        query = query.where(EmergencyPlan.retired_at.is_(None))
    return list(session.scalars(query.order_by(EmergencyPlan.review_due)))


# -- drills ----------------------------------------------------------------------------------


def plan_drill(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    site_id: int,
    title: str,
    planned_for: datetime,
    scenario: str = "",
    plan_id: int | None = None,
) -> Drill:
    _site_for(session, principal, organisation_id, site_id)
    title = _text(title, "title")
    if planned_for <= moment.now:
        raise InvalidInput("readiness.date_in_past", field="planned_for")
    if plan_id is not None:
        plan = session.get(EmergencyPlan, plan_id)
        if plan is None or plan.organisation_id != organisation_id:
            raise NotFound("scope.not_found", field="plan_id", id=plan_id)
        if plan.retired_at is not None:
            raise Conflict("readiness.plan_retired", field="plan_id", id=plan_id)
    drill = Drill(
        organisation_id=organisation_id,
        site_id=site_id,
        plan_id=plan_id,
        title=title,
        scenario=scenario,
        planned_for=planned_for,
        state=DrillState.PLANNED.value,
    )
    session.add(drill)
    session.flush()
    return drill


def _drill(session: Session, principal: Principal, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    tenancy = Tenancy(session, principal)
    if drill is None or not tenancy.may_see(drill.organisation_id):
        raise NotFound("scope.not_found", field="drill_id", id=drill_id)
    tenancy.ensure_writable([drill.organisation_id], "drill_id", id=drill_id)
    return drill


def hold_drill(
    session: Session,
    principal: Principal,
    moment: Moment,
    drill_id: int,
    *,
    held_at: datetime | None,
    participants: int,
    summary: str,
) -> Drill:
    """A planned drill was held (when, who took part, what was learned)."""
    drill = _drill(session, principal, drill_id)
    if drill.state != DrillState.PLANNED.value:
        raise Conflict("readiness.drill_already_held", field="state")
    held_at = held_at or moment.now
    if held_at > moment.now:
        raise InvalidInput("readiness.date_in_future", field="held_at")
    if participants < 1:
        raise InvalidInput("readiness.no_participants", field="participants")
    drill.state = DrillState.HELD.value
    drill.held_at = held_at
    drill.participants = participants
    drill.summary = _text(summary, "summary")
    session.flush()
    return drill


def add_drill_finding(
    session: Session,
    principal: Principal,
    moment: Moment,
    drill_id: int,
    *,
    text: str,
    grade: HazardGrade = HazardGrade.GENERAL,
    deadline: datetime | None = None,
) -> DrillFinding:
    """What the drill showed wrong, opened at once as a hidden danger (a major one needs its
    deadline, in the future)."""
    drill = _drill(session, principal, drill_id)
    if drill.state != DrillState.HELD.value:
        raise Conflict("readiness.drill_not_held", field="state")
    text = _text(text, "text")
    if deadline is not None and deadline <= moment.now:
        raise InvalidInput("readiness.date_in_past", field="deadline")
    finding = DrillFinding(drill_id=drill.id, organisation_id=drill.organisation_id, text=text)
    session.add(finding)
    session.flush()
    opened = open_from_source(
        session,
        moment,
        organisation_id=drill.organisation_id,
        source_type=DRILL_SOURCE,
        source_id=finding.id,
        title_key="readiness.hazard.drill_finding",
        params={"drill": drill.title, "text": text},
        grade=grade,
        site_id=drill.site_id,
        deadline=deadline,
        actor=principal,
    )
    finding.hidden_danger_id = opened.id
    session.flush()
    return finding


register_source(DRILL_SOURCE, SourceKind("readiness.source.drill", lambda *_args: None))


def list_drills(session: Session, principal: Principal) -> list[Drill]:
    query = restrict(select(Drill), Drill.organisation_id, session, principal)
    return list(session.scalars(query.order_by(Drill.planned_for.desc())))


def drill_findings(session: Session, drill_id: int) -> list[DrillFinding]:
    return list(
        session.scalars(
            select(DrillFinding).where(DrillFinding.drill_id == drill_id).order_by(DrillFinding.id)
        )
    )


# -- training and qualifications -------------------------------------------------------------


def add_qualification(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    person: str,
    kind: QualificationKind,
    issued_on: date,
    expires_on: date | None = None,
    certificate_no: str = "",
    issued_by: str = "",
) -> Qualification:
    Tenancy(session, principal).writable_organisation(organisation_id)
    person = _text(person, "person")
    if issued_on > _today(moment):
        raise InvalidInput("readiness.date_in_future", field="issued_on")
    if expires_on is not None and expires_on <= issued_on:
        raise InvalidInput("readiness.expiry_before_issue", field="expires_on")
    row = Qualification(
        organisation_id=organisation_id,
        person=person,
        kind=QualificationKind(kind).value,
        certificate_no=certificate_no,
        issued_by=issued_by,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    session.add(row)
    session.flush()
    return row


def add_training(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    person: str,
    course: str,
    held_on: date,
    hours: Decimal,
    trainer: str = "",
    passed: bool = True,
    vocational: bool = False,
) -> TrainingRecord:
    Tenancy(session, principal).writable_organisation(organisation_id)
    if held_on > _today(moment):
        raise InvalidInput("readiness.date_in_future", field="held_on")
    if not hours.is_finite() or not Decimal(0) < hours <= MAX_HOURS:
        raise InvalidInput("readiness.bad_hours", field="hours")
    row = TrainingRecord(
        organisation_id=organisation_id,
        person=_text(person, "person"),
        course=_text(course, "course"),
        held_on=held_on,
        hours=hours,
        trainer=trainer,
        passed=passed,
        vocational=vocational,
    )
    session.add(row)
    session.flush()
    return row


def list_qualifications(session: Session, principal: Principal) -> list[Qualification]:
    query = restrict(select(Qualification), Qualification.organisation_id, session, principal)
    return list(session.scalars(query.order_by(Qualification.person, Qualification.kind)))


def list_training(session: Session, principal: Principal) -> list[TrainingRecord]:
    query = restrict(select(TrainingRecord), TrainingRecord.organisation_id, session, principal)
    return list(session.scalars(query.order_by(TrainingRecord.held_on.desc())))


def lapsed(qualification: Qualification, today: date) -> bool:
    """Past its expiry date (the expiry day itself still counts)."""
    return qualification.expires_on is not None and qualification.expires_on < today


@dataclass(frozen=True)
class MatrixCell:
    kind: str
    expires_on: date | None
    lapsed: bool
    certificate_no: str


@dataclass(frozen=True)
class MatrixRow:
    organisation_id: int
    person: str
    cells: dict[str, MatrixCell]
    trainings: int
    hours: Decimal


def training_matrix(session: Session, principal: Principal, today: date) -> list[MatrixRow]:
    """People × qualification kinds: the newest qualification of each kind a person holds
    (lapsed or not), with the number and hours of trainings attended."""
    rows: dict[tuple[int, str], dict[str, Qualification]] = {}
    for qualification in sorted(list_qualifications(session, principal), key=lambda q: q.issued_on):
        rows.setdefault((qualification.organisation_id, qualification.person), {})[
            qualification.kind
        ] = qualification
    courses: dict[tuple[int, str], list[TrainingRecord]] = {}
    for record in list_training(session, principal):
        courses.setdefault((record.organisation_id, record.person), []).append(record)
    out = []
    for key in sorted(set(rows) | set(courses), key=lambda k: (k[0], k[1])):
        held = courses.get(key, [])
        out.append(
            MatrixRow(
                key[0],
                key[1],
                {
                    kind: MatrixCell(kind, q.expires_on, lapsed(q, today), q.certificate_no)
                    for kind, q in rows.get(key, {}).items()
                },
                len(held),
                sum((r.hours for r in held), Decimal(0)),
            )
        )
    return out


# -- equipment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquipmentStatus:
    """One item of the registry as the console and API show it (SCBA sets included)."""

    code: str
    kind: str
    organisation_id: int
    holder: str
    name: str
    ready: bool
    reason: str | None
    last_check: datetime | None
    due_at: datetime | None
    hidden_danger_id: int | None
    #: Where it is kept (None: registered without a site).
    site_id: int | None = None


def registration(data: EquipmentIn, settings: Settings) -> dict[str, Any]:
    """A registration's fields for :func:`register_equipment`: an SCBA set's minimum
    pressure left out is the ``scba_minimum_pressure_mpa`` setting (the API, the console and
    the command line alike)."""
    fields = data.model_dump()
    if fields["minimum_pressure_mpa"] is None:
        fields["minimum_pressure_mpa"] = settings.scba_minimum_pressure_mpa
    return fields


def register_equipment(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    kind: EquipmentKind,
    code: str,
    name: str = "",
    holder: str = "",
    location: str = "",
    site_id: int | None = None,
    check_interval_days: int = 30,
    rated_pressure_mpa: Decimal = Decimal(30),
    minimum_pressure_mpa: Decimal | None = None,
) -> str:
    """Register an item; an SCBA set goes to the SCBA sets (with its pressures). Returns its
    code."""
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    if site_id is not None:
        tenancy.writable_site(site_id, for_organisation=organisation_id)
    code = _text(code, "code")
    taken = session.scalar(select(Equipment.id).where(Equipment.code == code)) or session.scalar(
        select(ScbaSet.id).where(ScbaSet.code == code)
    )
    if taken:  # one code space: a QR label names one item, whichever table keeps it
        raise Conflict("readiness.code_taken", field="code", value=code)
    if kind == EquipmentKind.SCBA:
        return scba.create_set(
            session,
            principal,
            organisation_id=organisation_id,
            code=code,
            holder=holder,
            rated_pressure_mpa=rated_pressure_mpa,
            minimum_pressure_mpa=minimum_pressure_mpa,
            site_id=site_id,
        ).code
    if not 1 <= check_interval_days <= 366:
        raise InvalidInput("readiness.bad_interval", field="check_interval_days")
    session.add(
        Equipment(
            organisation_id=organisation_id,
            site_id=site_id,
            code=code,
            kind=EquipmentKind(kind).value,
            name=name,
            holder=holder,
            location=location,
            check_interval_days=check_interval_days,
        )
    )
    session.flush()
    return code


def _equipment(session: Session, principal: Principal, code: str) -> Equipment | None:
    query = restrict(
        select(Equipment).where(Equipment.code == code),
        Equipment.organisation_id,
        session,
        principal,
    )
    return session.scalar(query)


def check_equipment(
    session: Session,
    principal: Principal,
    moment: Moment,
    code: str,
    *,
    passed: bool,
    notes: str = "",
    at: datetime | None = None,
    cylinder_pressure_mpa: Decimal | None = None,
    mask_ok: bool = True,
    alarm_whistle_ok: bool = True,
) -> int | None:
    """Record a periodic check; an item it leaves not ready opens its hidden danger. Returns
    the open hidden danger's id (None: ready)."""
    at = at or moment.now
    if at > moment.now:
        raise InvalidInput("readiness.date_in_future", field="at")
    item = _equipment(session, principal, code)
    if item is None:
        if cylinder_pressure_mpa is None:
            scba.get_set(session, principal, code)  # 404 naming the set, if unseen
            raise InvalidInput("readiness.pressure_required", field="cylinder_pressure_mpa")
        check = scba.record_check(
            session,
            principal,
            set_code=code,
            at=at,
            cylinder_pressure_mpa=cylinder_pressure_mpa,
            mask_ok=mask_ok and passed,
            alarm_whistle_ok=alarm_whistle_ok,
            moment=moment,
        )
        opened = scba.hidden_danger_of(session, check.set_id)
        return opened.id if opened else None
    Tenancy(session, principal).ensure_writable([item.organisation_id], "code")
    session.add(
        EquipmentCheck(
            equipment_id=item.id,
            organisation_id=item.organisation_id,
            at=at,
            passed=passed,
            checked_by=principal.username,
            notes=notes,
        )
    )
    session.flush()
    finding = open_equipment_danger(session, item, moment, principal)
    return finding.id if finding else None


def item_readiness(
    session: Session, item: Equipment, now: datetime
) -> tuple[bool, str | None, datetime | None, datetime | None]:
    """(ready, reason key, last check, next due): the registry page and the district's
    equipment library (which lends only ready items) judge an item the same way."""
    check = session.scalar(
        select(EquipmentCheck)
        .where(EquipmentCheck.equipment_id == item.id)
        .order_by(EquipmentCheck.at.desc(), EquipmentCheck.id.desc())
    )
    if check is None:
        return False, "readiness.never_checked", None, None
    due = check.at + timedelta(days=item.check_interval_days)
    if not check.passed:
        return False, "readiness.check_failed", check.at, due
    if now > due:
        return False, "readiness.check_overdue", check.at, due
    return True, None, check.at, due


def open_equipment_danger(
    session: Session, item: Equipment, moment: Moment, actor: Principal = SYSTEM
) -> HazardFinding | None:
    ready, reason, _last, _due = item_readiness(session, item, moment.now)
    if ready or reason is None or reason == "readiness.never_checked":
        return None
    return open_from_source(
        session,
        moment,
        organisation_id=item.organisation_id,
        source_type=EQUIPMENT_SOURCE,
        source_id=item.id,
        title_key=reason.replace("readiness.", "readiness.hazard.", 1),
        params=_equipment_params(item),
        grade=HazardGrade.GENERAL,
        site_id=item.site_id,
        location=item.location or item.holder,
        actor=actor,
    )


def _equipment_params(item: Equipment) -> dict[str, Any]:
    return {"code": item.code, "kind": EquipmentKind(item.kind)}


def _still_failing(
    session: Session, equipment_id: int, now: datetime
) -> tuple[str, dict[str, Any]] | None:
    item = session.get(Equipment, equipment_id)
    if item is None:
        return None
    ready, reason, _last, _due = item_readiness(session, item, now)
    if ready or reason is None:
        return None
    return reason.replace("readiness.", "readiness.hazard.", 1), _equipment_params(item)


register_source(EQUIPMENT_SOURCE, SourceKind("readiness.source.equipment", _still_failing))


def equipment_registry(
    session: Session, principal: Principal, now: datetime
) -> list[EquipmentStatus]:
    """Every item the principal sees, SCBA sets first, with readiness and hidden danger."""
    out = []
    for scba_set in scba.list_sets(session, principal):
        readiness = scba.set_readiness(session, scba_set, now)
        checks = scba.list_checks(session, principal, scba_set.code)
        last = checks[0].at if checks else None
        opened = scba.hidden_danger_of(session, scba_set.id)
        out.append(
            EquipmentStatus(
                scba_set.code,
                EquipmentKind.SCBA.value,
                scba_set.organisation_id,
                scba_set.holder,
                "",
                readiness.ready,
                readiness.reason,
                last,
                last + scba.CHECK_MAX_AGE if last else None,
                opened.id if opened else None,
                scba_set.site_id,
            )
        )
    query = restrict(select(Equipment), Equipment.organisation_id, session, principal)
    for item in session.scalars(query.order_by(Equipment.code)):
        ready, reason, last, due = item_readiness(session, item, now)
        opened = open_for_source(session, EQUIPMENT_SOURCE, item.id)
        out.append(
            EquipmentStatus(
                item.code,
                item.kind,
                item.organisation_id,
                item.holder,
                item.name,
                ready,
                reason,
                last,
                due,
                opened.id if opened else None,
                item.site_id,
            )
        )
    return out


# -- the equipment checks ledger -------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    """One periodic check, of an SCBA set or another item, as the ledger lists it.
    ``defects`` are message keys: what made the check fail."""

    organisation_id: int
    site_id: int | None
    kind: str
    code: str
    name: str
    holder: str
    at: datetime
    checked_by: str
    passed: bool
    pressure_mpa: Decimal | None
    minimum_pressure_mpa: Decimal | None
    defects: tuple[str, ...]
    notes: str


def _scba_defects(check: ScbaCheck, scba_set: ScbaSet) -> tuple[str, ...]:
    """What failed, by the same rule as :func:`hazwatch.emergency.service.set_readiness`
    (the minimum is inclusive: a cylinder at exactly the minimum passes)."""
    found = []
    if check.cylinder_pressure_mpa < scba_set.minimum_pressure_mpa:
        found.append("readiness.ledger.low_pressure")
    if not check.mask_ok:
        found.append("readiness.ledger.mask_defect")
    if not check.alarm_whistle_ok:
        found.append("readiness.ledger.whistle_defect")
    return tuple(found)


def equipment_checks(
    session: Session,
    principal: Principal,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    organisation_id: int | None = None,
    site_id: int | None = None,
) -> list[CheckRow]:
    """Every check of the equipment the principal sees (SCBA sets included), newest first,
    within ``since`` ≤ at < ``until``, of one organisation and one site where given (items
    kept at that site): the equipment checks ledger (设备检查台账)."""
    visible = visible_organisations(session, principal)
    scba_query = select(ScbaCheck, ScbaSet).join(ScbaSet, ScbaSet.id == ScbaCheck.set_id)
    item_query = select(EquipmentCheck, Equipment).join(
        Equipment, Equipment.id == EquipmentCheck.equipment_id
    )
    if visible is not None:
        scba_query = scba_query.where(ScbaCheck.organisation_id.in_(visible))
        item_query = item_query.where(EquipmentCheck.organisation_id.in_(visible))
    if since is not None:
        scba_query = scba_query.where(ScbaCheck.at >= since)
        item_query = item_query.where(EquipmentCheck.at >= since)
    if until is not None:
        scba_query = scba_query.where(ScbaCheck.at < until)
        item_query = item_query.where(EquipmentCheck.at < until)
    if organisation_id is not None:
        scba_query = scba_query.where(ScbaCheck.organisation_id == organisation_id)
        item_query = item_query.where(EquipmentCheck.organisation_id == organisation_id)
    if site_id is not None:
        scba_query = scba_query.where(ScbaSet.site_id == site_id)
        item_query = item_query.where(Equipment.site_id == site_id)
    rows = []
    for check, scba_set in session.execute(scba_query).all():
        defects = _scba_defects(check, scba_set)
        rows.append(
            CheckRow(
                check.organisation_id,
                scba_set.site_id,
                EquipmentKind.SCBA.value,
                scba_set.code,
                "",
                scba_set.holder,
                check.at,
                check.checked_by,
                not defects,
                check.cylinder_pressure_mpa,
                scba_set.minimum_pressure_mpa,
                defects,
                "",
            )
        )
    for item_check, item in session.execute(item_query).all():
        rows.append(
            CheckRow(
                item_check.organisation_id,
                item.site_id,
                item.kind,
                item.code,
                item.name,
                item.holder,
                item_check.at,
                item_check.checked_by,
                item_check.passed,
                None,
                None,
                () if item_check.passed else ("readiness.ledger.failed",),
                item_check.notes,
            )
        )
    rows.sort(key=lambda row: (row.at, row.code), reverse=True)
    return rows
