"""The regulator dashboard per jurisdiction (issue 15 item 9): organisations by grade and by
safety code, open warnings and dispatches with their ages, blind spots, overdue hidden
dangers, missing commitments, incidents and task progress. Each figure carries its items
(each naming its organisation) and the console list it comes from, so a figure drills down
to its list and to the organisation. A grade or code the rules cannot give shows as "not
graded" rather than hiding the organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Forbidden, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.core.settings import Settings
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.commitments.service import missing
from hazwatch.prevention.hazard_findings.choices import HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry.choices import GOVERNMENT_KINDS
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision import codes, dispatch, grading, incidents, responsibility
from hazwatch.supervision.choices import CodeSubject, DispatchState
from hazwatch.supervision.models import DispatchOrder, Incident
from hazwatch.supervision.tasks import service as tasks

NOT_GRADED = "not_graded"


@dataclass(frozen=True)
class Item:
    label: str
    organisation_id: int | None
    organisation: str
    age_minutes: int | None = None
    flag: str = ""
    link: str = ""


@dataclass
class Figure:
    key: str
    link: str
    items: list[Item] = field(default_factory=list)
    #: Counts by level (grades, codes), for the figures that are a breakdown.
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Dashboard:
    jurisdiction_id: int
    jurisdiction: str
    figures: list[Figure]


def _area(session: Session, principal: Principal, jurisdiction_id: int | None) -> Jurisdiction:
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("supervision.regulators_only")
    wanted = jurisdiction_id or principal.jurisdiction_id
    node = session.get(Jurisdiction, wanted) if wanted else None
    if node is None:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=wanted)
    if not principal.is_platform_admin:
        own = (
            jurisdiction_subtree(session, principal.jurisdiction_id)
            if principal.jurisdiction_id is not None
            else set()
        )
        if node.id not in own:
            raise NotFound("scope.not_found", field="jurisdiction_id", id=node.id)
    return node


def _minutes(now: datetime, since: datetime | None) -> int | None:
    return int((now - as_utc(since)).total_seconds() // 60) if since else None


def _org_link(ident: int | None) -> str:
    return f"/registry/organisations/{ident}" if ident else ""


def build(
    session: Session,
    principal: Principal,
    now: datetime,
    settings: Settings,
    jurisdiction_id: int | None = None,
) -> Dashboard:
    node = _area(session, principal, jurisdiction_id)
    today = local_date(now, settings.timezone)
    area = jurisdiction_subtree(session, node.id)
    visible = visible_organisations(session, principal)
    organisations = [
        o
        for o in session.scalars(
            select(Organisation)
            .where(
                Organisation.jurisdiction_id.in_(area),
                Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]),
            )
            .order_by(Organisation.id)
        )
        if visible is None or o.id in visible
    ]
    ids = {o.id for o in organisations}
    names = {o.id: o.name for o in organisations}

    def item(
        label: str, org: int | None, *, age_minutes: int | None = None, flag: str = ""
    ) -> Item:
        return Item(label, org, names.get(org or 0, ""), age_minutes, flag, _org_link(org))

    figures: list[Figure] = []
    grades = Figure("grades", "/supervision/grades")
    for ident, graded in grading.grade_enterprises(session, organisations, now, today).items():
        level = graded.level or NOT_GRADED
        grades.by_level[level] = grades.by_level.get(level, 0) + 1
        grades.items.append(item(level, ident, flag=level))
    figures.append(grades)
    colours = Figure("codes", "/supervision/codes")
    for code in codes.compute(session, principal, now, today):
        if code.subject is not CodeSubject.ENTERPRISE or code.organisation is None:
            continue
        if code.organisation.id not in ids:
            continue
        colour = code.colour or NOT_GRADED
        colours.by_level[colour] = colours.by_level.get(colour, 0) + 1
        colours.items.append(item(colour, code.organisation.id, flag=colour))
    figures.append(colours)
    warnings = Figure("open_warnings", "/alarms/list")
    for alarm in session.scalars(
        select(Alarm)
        .where(Alarm.active.is_(True), Alarm.organisation_id.in_(ids))
        .order_by(Alarm.raised_at)
    ):
        warnings.items.append(
            item(
                f"{alarm.source} {alarm.condition}",
                alarm.organisation_id,
                age_minutes=_minutes(now, alarm.raised_at),
                flag=alarm.priority,
            )
        )
    figures.append(warnings)
    orders = Figure("open_dispatches", "/supervision/dispatches")
    for order in session.scalars(
        select(DispatchOrder)
        .where(DispatchOrder.state != DispatchState.CLOSED, DispatchOrder.organisation_id.in_(ids))
        .order_by(DispatchOrder.dispatched_at)
    ):
        orders.items.append(
            item(
                f"#{order.id} {order.state}",
                order.organisation_id,
                age_minutes=_minutes(now, order.dispatched_at),
                flag="late" if dispatch.late(order, now) else order.level,
            )
        )
    figures.append(orders)
    spots = Figure("blind_spots", "/supervision")
    for resolution in responsibility.blind_spots(session, principal, today):
        if resolution.organisation.id in ids:
            spots.items.append(
                item(
                    resolution.organisation.name,
                    resolution.organisation.id,
                    flag="hazchem" if resolution.handles_hazchem else "",
                )
            )
    figures.append(spots)
    dangers = Figure("overdue_hidden_dangers", "/hidden-dangers?overdue=true")
    for danger in session.scalars(
        select(HazardFinding)
        .where(
            HazardFinding.state != HazardState.CLOSED,
            HazardFinding.deadline < now,
            HazardFinding.organisation_id.in_(ids),
        )
        .order_by(HazardFinding.deadline)
    ):
        dangers.items.append(
            item(
                f"{danger.number} {danger.title}",
                danger.organisation_id,
                age_minutes=_minutes(now, danger.deadline),
                flag=str(danger.grade or ""),
            )
        )
    figures.append(dangers)
    commitments = Figure("missing_commitments", "/commitments")
    for organisation in missing(session, principal, today):
        if organisation.id in ids:
            commitments.items.append(item(organisation.name, organisation.id))
    figures.append(commitments)
    accidents = Figure("incidents", "/supervision/incidents")
    for incident in session.scalars(
        select(Incident).where(Incident.organisation_id.in_(ids)).order_by(Incident.occurred_at)
    ):
        late = any(s.late or s.overdue for s in incidents.steps_of(incident, now))
        accidents.items.append(
            item(
                incident.title,
                incident.organisation_id,
                age_minutes=_minutes(now, incident.occurred_at),
                flag="late" if late else str(incident.grade),
            )
        )
    figures.append(accidents)
    progress = Figure("task_progress", "/supervision/tasks")
    shown = tasks.visible_tasks(session, principal)
    month = tasks.month_of(now, settings.timezone)
    reported = tasks.reports_of(session, [t.id for t in shown])
    lead_names = responsibility.department_names(session, {t.lead_department_id for t in shown})
    for task in shown:
        done = (task.id, "monthly", month) in reported
        progress.by_level["reported" if done else "not_reported"] = (
            progress.by_level.get("reported" if done else "not_reported", 0) + 1
        )
        progress.items.append(
            Item(
                f"{task.number}. {task.title}",
                task.lead_department_id,
                lead_names.get(task.lead_department_id or 0, ""),
                flag="reported" if done else "not_reported",
                link=_org_link(task.lead_department_id),
            )
        )
    progress.by_level["overdue"] = len(tasks.overdue(session, principal, now, settings))
    figures.append(progress)
    return Dashboard(node.id, node.name, figures)
