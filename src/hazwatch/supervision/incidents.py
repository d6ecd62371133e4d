"""Incidents (issue 15 item 6; State Council Order 493, DOMAIN §8).

* The grade is computed from deaths, serious injuries and direct loss
  (:mod:`hazwatch.supervision.incident_grade`, Art. 3) and recomputed on every change.
* The reporting chain (Art. 9–11): the unit's head reports to the county-level department
  within 1 hour of learning of it; each level forwards to the next within 2 hours; 一般
  accidents go up to the city (设区的市), 较大 to the province, 重大 and 特别重大 to the State
  Council's department. A step is late when reported after its due time, overdue when not
  reported and past it (on the context clock, so a manual clock drives it in tests).
* Casualty changes within 30 days of the accident (7 for road-traffic and fire accidents) are
  reported as supplements (Art. 13); later ones are refused.
* The investigation report is due 60 days after the accident; the investigating government
  may approve an extension of at most 60 days (Art. 29).

Figures that are negative or inconsistent (a death undone, injuries vanishing, a report
before the accident or before the level below it) are refused naming the field, before
anything is stored. Every change is audited (the tables are ``__audited__``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.monitoring.models import Alarm
from hazwatch.registry.scope import Tenancy
from hazwatch.supervision.choices import IncidentKind, ReportLevel
from hazwatch.supervision.incident_grade import IncidentGrade, grade
from hazwatch.supervision.models import CasualtyChange, Incident, IncidentReport

SOURCE = "State Council Order 493 (2007) Art. 3, 9–11, 13, 29"
#: Art. 9: the unit's head reports within 1 hour.
FIRST_REPORT = timedelta(hours=1)
#: Art. 11: each level forwards within 2 hours.
EACH_LEVEL = timedelta(hours=2)
#: Art. 10: how far up each grade is reported.
LEVELS: dict[IncidentGrade, tuple[ReportLevel, ...]] = {
    IncidentGrade.GENERAL: (ReportLevel.COUNTY, ReportLevel.CITY),
    IncidentGrade.LARGER: (ReportLevel.COUNTY, ReportLevel.CITY, ReportLevel.PROVINCE),
    IncidentGrade.MAJOR: tuple(ReportLevel),
    IncidentGrade.PARTICULARLY_SERIOUS: tuple(ReportLevel),
}
#: Art. 13: casualty changes are reported within 30 days, 7 for road traffic and fire.
CASUALTY_WINDOW: dict[IncidentKind, timedelta] = {
    IncidentKind.PRODUCTION: timedelta(days=30),
    IncidentKind.ROAD_TRAFFIC: timedelta(days=7),
    IncidentKind.FIRE: timedelta(days=7),
}
#: Art. 29: the investigation report within 60 days, extended by at most 60 with approval.
INVESTIGATION = timedelta(days=60)
MAX_EXTENSION_DAYS = 60
#: Roles that record incidents and their reports for the organisations they may write.
WRITERS = frozenset(
    {Role.PLATFORM_ADMIN, Role.REGULATOR, Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER}
)
#: Figures above these are typing errors (a loss of ten trillion yuan, a million dead).
MAX_PEOPLE = 1_000_000
MAX_LOSS = Decimal(10) ** 13


# -- the chain (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    level: ReportLevel
    due: datetime
    reported_at: datetime | None
    recipient: str
    late: bool
    overdue: bool


def chain(
    known_at: datetime,
    incident_grade: IncidentGrade,
    reported: dict[ReportLevel, tuple[datetime, str]],
    now: datetime,
) -> list[Step]:
    """The steps the grade requires, each due 1 h after the unit knew (the first) or 2 h
    after the level below reported (or was due, while it has not)."""
    steps: list[Step] = []
    for level in LEVELS[incident_grade]:
        if not steps:
            due = known_at + FIRST_REPORT
        else:
            below = steps[-1]
            due = (below.reported_at or below.due) + EACH_LEVEL
        at, recipient = reported.get(level, (None, ""))
        steps.append(
            Step(
                level,
                due,
                at,
                recipient,
                late=at is not None and at > due,
                overdue=at is None and now > due,
            )
        )
    return steps


def investigation_due(incident: Incident) -> datetime:
    return as_utc(incident.occurred_at) + INVESTIGATION + timedelta(days=incident.extension_days)


def casualty_window_ends(incident: Incident) -> datetime:
    return as_utc(incident.occurred_at) + CASUALTY_WINDOW[IncidentKind(incident.kind)]


def steps_of(incident: Incident, now: datetime) -> list[Step]:
    reported = {
        ReportLevel(r.level): (as_utc(r.reported_at), r.recipient) for r in incident.reports
    }
    return chain(as_utc(incident.known_at), IncidentGrade(incident.grade), reported, now)


# -- checks -----------------------------------------------------------------------------------


def _figures(deaths: int, serious_injuries: int, direct_loss_yuan: Decimal) -> None:
    for name, value, limit in (
        ("deaths", deaths, MAX_PEOPLE),
        ("serious_injuries", serious_injuries, MAX_PEOPLE),
        ("direct_loss_yuan", direct_loss_yuan, MAX_LOSS),
    ):
        if not isinstance(value, Decimal) and not isinstance(value, int):
            raise InvalidInput("supervision.incident.not_a_number", field=name)
        if isinstance(value, Decimal) and not value.is_finite():
            raise InvalidInput("supervision.incident.not_a_number", field=name)
        if value < 0:
            raise InvalidInput("supervision.incident.negative", field=name)
        if value > limit:
            raise InvalidInput("supervision.incident.too_large", field=name, limit=limit)


def _not_future(moment: datetime, now: datetime, field: str) -> None:
    if moment > now:
        raise InvalidInput("supervision.incident.in_future", field=field)


def _writer(principal: Principal) -> None:
    if principal.role not in WRITERS:
        raise Forbidden("tenancy.not_writable")


# -- reading ----------------------------------------------------------------------------------


def get(session: Session, principal: Principal, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("scope.not_found", field="incident_id", id=incident_id)
    ensure_visible(session, principal, incident.organisation_id)
    return incident


def list_incidents(session: Session, principal: Principal) -> list[Incident]:
    query = select(Incident).order_by(Incident.occurred_at.desc(), Incident.id.desc())
    return list(session.scalars(restrict(query, Incident.organisation_id, session, principal)))


# -- writing ----------------------------------------------------------------------------------


def record(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    organisation_id: int,
    title: str,
    kind: IncidentKind,
    occurred_at: datetime,
    known_at: datetime | None = None,
    deaths: int = 0,
    serious_injuries: int = 0,
    direct_loss_yuan: Decimal = Decimal(0),
    room_id: int | None = None,
    alarm_ids: list[int] | None = None,
    description: str = "",
    replay: str = "",
) -> Incident:
    _writer(principal)
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    if room_id is not None:
        room = tenancy.writable_room(room_id)
        if room.organisation_id != organisation_id:
            raise InvalidInput("supervision.incident.other_organisation", field="room_id")
    for alarm_id in alarm_ids or []:
        alarm = tenancy.writable_row(Alarm, alarm_id, "alarm_ids")
        if alarm.organisation_id != organisation_id:
            raise InvalidInput("supervision.incident.other_organisation", field="alarm_ids")
    _figures(deaths, serious_injuries, direct_loss_yuan)
    occurred_at = as_utc(occurred_at)
    known_at = as_utc(known_at) if known_at is not None else occurred_at
    _not_future(occurred_at, now, "occurred_at")
    _not_future(known_at, now, "known_at")
    if known_at < occurred_at:
        raise InvalidInput("supervision.incident.known_before_occurred", field="known_at")
    incident = Incident(
        organisation_id=organisation_id,
        room_id=room_id,
        title=title,
        kind=kind,
        occurred_at=occurred_at,
        known_at=known_at,
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss_yuan=direct_loss_yuan,
        grade=grade(deaths, serious_injuries, direct_loss_yuan).grade,
        description=description,
        alarm_ids=list(alarm_ids or []),
        replay=replay,
        extension_days=0,
        extension_approved_by="",
        recorded_at=now,
        recorded_by=principal.username,
    )
    session.add(incident)
    session.flush()
    return incident


def _writable(session: Session, principal: Principal, incident_id: int) -> Incident:
    incident = get(session, principal, incident_id)
    _writer(principal)
    Tenancy(session, principal).ensure_writable(
        [incident.organisation_id], "incident_id", id=incident_id
    )
    return incident


def report(
    session: Session,
    principal: Principal,
    now: datetime,
    incident_id: int,
    *,
    level: ReportLevel,
    reported_at: datetime,
    recipient: str = "",
) -> Incident:
    """The report reached ``level``. The unit records the first step (to the county); the
    regulators each the step they forward. Steps are recorded in order."""
    incident = _writable(session, principal, incident_id)
    required = LEVELS[IncidentGrade(incident.grade)]
    if level not in required:
        raise InvalidInput("supervision.incident.level_not_required", field="level", level=level)
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN) and level != ReportLevel.COUNTY:
        raise Forbidden("supervision.regulators_only", field="level")
    done = {ReportLevel(r.level): as_utc(r.reported_at) for r in incident.reports}
    if level in done:
        raise Conflict("supervision.incident.already_reported", field="level", level=level)
    index = required.index(level)
    if index > 0 and required[index - 1] not in done:
        raise Conflict(
            "supervision.incident.report_out_of_order", field="level", below=required[index - 1]
        )
    reported_at = as_utc(reported_at)
    _not_future(reported_at, now, "reported_at")
    if reported_at < as_utc(incident.occurred_at):
        raise InvalidInput("supervision.incident.reported_before_occurred", field="reported_at")
    if index > 0 and reported_at < done[required[index - 1]]:
        raise InvalidInput("supervision.incident.reported_before_below", field="reported_at")
    incident.reports.append(
        IncidentReport(
            organisation_id=incident.organisation_id,
            level=level,
            reported_at=reported_at,
            recipient=recipient,
            recorded_by=principal.username,
        )
    )
    session.flush()
    return incident


def change_casualties(
    session: Session,
    principal: Principal,
    now: datetime,
    incident_id: int,
    *,
    at: datetime,
    deaths: int,
    serious_injuries: int,
    direct_loss_yuan: Decimal | None = None,
    note: str = "",
) -> Incident:
    """New figures (补报) within the window of Art. 13; the grade follows them."""
    incident = _writable(session, principal, incident_id)
    loss = incident.direct_loss_yuan if direct_loss_yuan is None else direct_loss_yuan
    _figures(deaths, serious_injuries, loss)
    at = as_utc(at)
    _not_future(at, now, "at")
    if at < as_utc(incident.occurred_at):
        raise InvalidInput("supervision.incident.reported_before_occurred", field="at")
    if at > casualty_window_ends(incident):
        raise Conflict(
            "supervision.incident.casualty_window_closed",
            field="at",
            days=CASUALTY_WINDOW[IncidentKind(incident.kind)].days,
        )
    if deaths < incident.deaths:
        raise InvalidInput("supervision.incident.deaths_decrease", field="deaths")
    # A seriously injured person who dies moves to the deaths; nobody else leaves the count.
    if serious_injuries < incident.serious_injuries - (deaths - incident.deaths):
        raise InvalidInput("supervision.incident.injuries_inconsistent", field="serious_injuries")
    before = (incident.deaths, incident.serious_injuries, incident.direct_loss_yuan, incident.grade)
    new_grade = grade(deaths, serious_injuries, loss).grade
    incident.changes.append(
        CasualtyChange(
            organisation_id=incident.organisation_id,
            at=at,
            deaths_before=before[0],
            deaths_after=deaths,
            serious_injuries_before=before[1],
            serious_injuries_after=serious_injuries,
            direct_loss_before=before[2],
            direct_loss_after=loss,
            grade_before=str(before[3]),
            grade_after=new_grade.value,
            note=note,
            recorded_by=principal.username,
        )
    )
    incident.deaths = deaths
    incident.serious_injuries = serious_injuries
    incident.direct_loss_yuan = loss
    incident.grade = new_grade
    session.flush()
    return incident


def extend_investigation(
    session: Session,
    principal: Principal,
    incident_id: int,
    *,
    days: int,
    approved_by: str,
) -> Incident:
    """The investigating government approved more time: at most 60 days in all (Art. 29)."""
    incident = _writable(session, principal, incident_id)
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")
    if days < 1 or incident.extension_days + days > MAX_EXTENSION_DAYS:
        raise InvalidInput(
            "supervision.incident.extension_too_long", field="days", limit=MAX_EXTENSION_DAYS
        )
    if not approved_by.strip():
        raise InvalidInput("supervision.incident.approval_required", field="approved_by")
    incident.extension_days += days
    incident.extension_approved_by = approved_by
    session.flush()
    return incident
