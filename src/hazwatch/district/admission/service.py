"""Joint admission review of construction projects involving hazardous chemicals (seed 001
measure 3: "建立完善危险化学品建设项目立项多部门联合审查制度，建立涉及'两重点一重大'的危险
化学品建设项目安全风险防控机制").

* The applicant drafts the project: what it will build, the key-supervised processes it will
  run (:mod:`.processes`), and its planned inventory by unit (design maxima).
* A regulator opens the joint review, naming the lead department and the others; each owes
  an opinion within ``admission_opinion_working_days`` working days, the lead its decision
  within ``admission_decision_working_days`` (holiday calendar, :mod:`hazwatch.district.calendar`).
* A department's opinion: agree, agree on conditions (named), or reject. The lead decides
  once every opinion is in: approved, approved with conditions (all conditions carried), or
  rejected; it cannot approve over a rejection.
* The 两重点一重大 flags are computed, never typed in: key-supervised processes from the
  project, key-supervised chemicals from the catalogue's ``key_supervised`` mark (安监总管三
  〔2011〕95号 / 〔2013〕12号), and major hazard from the planned inventory, each unit
  identified on its own with the GB 18218-2018 engine (:func:`hazwatch.chemicals.gb18218.identify`).
* Late opinions and decisions are findings (:mod:`.findings`); on a flagged project they are
  major and so dispatched like every major finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from hazwatch.chemicals import gb18218
from hazwatch.chemicals.models import Chemical
from hazwatch.chemicals.service import holding_of, visible_chemical
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.district import calendar
from hazwatch.district.admission import processes
from hazwatch.district.admission.choices import DECIDED, ProjectState, ReviewVerdict
from hazwatch.district.admission.models import AdmissionProject, PlannedHolding, ReviewOpinion
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import OrganisationKind
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy

MAX_TONNES = Decimal("1e7")
#: Fields of a draft the applicant may change.
DRAFT_FIELDS = frozenset(
    {"name", "description", "key_processes", "people_within_500m", "lat", "lon"}
)


@dataclass(frozen=True)
class PlannedItem:
    """One line of a planned inventory as given (before it is checked)."""

    unit: str
    chemical_id: int
    design_max_t: Decimal


# -- checks -----------------------------------------------------------------------------------


def _text(value: str, field: str, code: str = "district.admission.required") -> str:
    if not value.strip():
        raise InvalidInput(code, field=field)
    return value.strip()


def _coordinates(lat: Decimal | None, lon: Decimal | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput(
            "district.admission.both_coordinates", field="lat" if lat is None else "lon"
        )
    for value, limit, field in ((lat, 90, "lat"), (lon, 180, "lon")):
        if value is not None and (not value.is_finite() or not -limit <= value <= limit):
            raise InvalidInput("district.admission.coordinates_out_of_range", field=field)


def _people(value: int) -> int:
    if not 0 <= value <= 10_000_000:
        raise InvalidInput("district.admission.bad_people", field="people_within_500m")
    return value


def _holdings(
    session: Session, principal: Principal, organisation_id: int, items: list[PlannedItem]
) -> list[PlannedHolding]:
    """Rows for ``items``: each chemical one the applicant may hold (the platform's catalogue
    or its own entries), each quantity finite and not negative, no line twice."""
    rows: list[PlannedHolding] = []
    seen: set[tuple[str, int]] = set()
    for i, item in enumerate(items):
        unit = _text(item.unit, f"holdings.{i}.unit")
        chemical = visible_chemical(
            session, principal, item.chemical_id, f"holdings.{i}.chemical_id"
        )
        if chemical.organisation_id not in (None, organisation_id):
            raise NotFound("scope.not_found", field=f"holdings.{i}.chemical_id", id=chemical.id)
        quantity = item.design_max_t
        if not quantity.is_finite() or not Decimal(0) <= quantity <= MAX_TONNES:
            raise InvalidInput(
                "district.admission.bad_quantity", field=f"holdings.{i}.design_max_t"
            )
        if (unit, chemical.id) in seen:
            raise InvalidInput(
                "district.admission.holding_twice", field=f"holdings.{i}.chemical_id"
            )
        seen.add((unit, chemical.id))
        rows.append(PlannedHolding(unit=unit, chemical_id=chemical.id, design_max_t=quantity))
    return rows


def _draft(project: AdmissionProject) -> None:
    if project.state != ProjectState.DRAFT:
        raise Conflict(
            "district.admission.not_a_draft", field="state", state=ProjectState(project.state)
        )


# -- the applicant's draft --------------------------------------------------------------------


def create_project(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    organisation_id: int,
    name: str,
    description: str = "",
    key_processes: list[str] | None = None,
    people_within_500m: int = 0,
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    holdings: list[PlannedItem] | None = None,
) -> AdmissionProject:
    Tenancy(session, principal).writable_organisation(organisation_id)
    _coordinates(lat, lon)
    project = AdmissionProject(
        organisation_id=organisation_id,
        name=_text(name, "name"),
        description=description.strip(),
        key_processes=processes.check_codes(key_processes or []),
        people_within_500m=_people(people_within_500m),
        lat=lat,
        lon=lon,
        state=ProjectState.DRAFT,
        created_at=moment.now,
        created_by=principal.username,
        conditions=[],
    )
    rows = _holdings(session, principal, organisation_id, holdings or [])
    session.add(project)
    session.flush()
    for row in rows:
        row.project_id = project.id
        session.add(row)
    session.flush()
    return project


def update_draft(
    session: Session, principal: Principal, project_id: int, changes: dict[str, Any]
) -> AdmissionProject:
    project = writable(session, principal, project_id)
    _draft(project)
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise InvalidInput("district.admission.not_changeable", field=sorted(unknown)[0])
    if "name" in changes:
        changes["name"] = _text(changes["name"] or "", "name")
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "key_processes" in changes:
        changes["key_processes"] = processes.check_codes(changes["key_processes"] or [])
    if "people_within_500m" in changes:
        changes["people_within_500m"] = _people(changes["people_within_500m"] or 0)
    _coordinates(changes.get("lat", project.lat), changes.get("lon", project.lon))
    for key, value in changes.items():
        setattr(project, key, value)
    session.flush()
    return project


def set_holdings(
    session: Session, principal: Principal, project_id: int, items: list[PlannedItem]
) -> AdmissionProject:
    """Replace the planned inventory of a draft (the major-hazard flag follows it)."""
    project = writable(session, principal, project_id)
    _draft(project)
    rows = _holdings(session, principal, project.organisation_id, items)
    for old in planned(session, project.id):
        session.delete(old)
    session.flush()
    for row in rows:
        row.project_id = project.id
        session.add(row)
    session.flush()
    return project


# -- the joint review -------------------------------------------------------------------------


def _department(tenancy: Tenancy, ident: int, field: str) -> Organisation:
    organisation = tenancy.session.get(Organisation, ident)
    if organisation is None or not tenancy.may_see(ident):
        raise NotFound("scope.not_found", field=field, id=ident)
    if organisation.kind != OrganisationKind.REGULATOR:
        raise InvalidInput("district.admission.not_a_department", field=field, id=ident)
    return organisation


def _regulators_only(principal: Principal, field: str) -> None:
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("district.admission.regulators_only", field=field)


def open_review(
    session: Session,
    principal: Principal,
    moment: Moment,
    project_id: int,
    *,
    lead_department_id: int,
    department_ids: list[int],
) -> AdmissionProject:
    """Start the joint review: the lead and the named departments each owe an opinion."""
    project = writable(session, principal, project_id)
    _regulators_only(principal, "lead_department_id")
    _draft(project)
    tenancy = Tenancy(session, principal)
    _department(tenancy, lead_department_id, "lead_department_id")
    for ident in department_ids:
        _department(tenancy, ident, "department_ids")
    if not planned(session, project.id):
        raise Conflict("district.admission.inventory_required", field="holdings")
    known = calendar.exceptions(session)
    zone = moment.settings.timezone
    opinions_due = calendar.deadline(
        moment.now, moment.settings.admission_opinion_working_days, zone, known
    )
    for department in dict.fromkeys([lead_department_id, *department_ids]):
        session.add(
            ReviewOpinion(
                project_id=project.id,
                department_id=department,
                verdict=ReviewVerdict.PENDING,
                conditions=[],
                due_at=opinions_due,
            )
        )
    project.state = ProjectState.UNDER_REVIEW
    project.lead_department_id = lead_department_id
    project.opened_at = moment.now
    project.due_at = calendar.deadline(
        moment.now, moment.settings.admission_decision_working_days, zone, known
    )
    session.flush()
    return project


def _conditions(values: list[str]) -> list[str]:
    return [c.strip() for c in values if c.strip()]


def give_opinion(
    session: Session,
    principal: Principal,
    moment: Moment,
    project_id: int,
    department_id: int,
    *,
    verdict: ReviewVerdict,
    opinion: str = "",
    conditions: list[str] | None = None,
) -> ReviewOpinion:
    """A department gives its opinion, once; only that department (or the platform
    administrator) may."""
    project = get(session, principal, project_id)
    row = session.scalar(
        select(ReviewOpinion).where(
            ReviewOpinion.project_id == project.id, ReviewOpinion.department_id == department_id
        )
    )
    if row is None:
        raise NotFound("scope.not_found", field="department_id", id=department_id)
    if not principal.is_platform_admin and not (
        principal.role is Role.REGULATOR and principal.organisation_id == department_id
    ):
        raise Forbidden("district.admission.own_department_only", field="department_id")
    if project.state != ProjectState.UNDER_REVIEW:
        raise Conflict(
            "district.admission.not_under_review", field="state", state=ProjectState(project.state)
        )
    if row.verdict != ReviewVerdict.PENDING:
        raise Conflict("district.admission.opinion_given", field="department_id")
    if verdict is ReviewVerdict.PENDING:
        raise InvalidInput("district.admission.verdict_required", field="verdict")
    kept = _conditions(conditions or [])
    if verdict is ReviewVerdict.CONDITIONS and not kept:
        raise InvalidInput("district.admission.conditions_required", field="conditions")
    if verdict is not ReviewVerdict.CONDITIONS and kept:
        raise InvalidInput("district.admission.conditions_unexpected", field="conditions")
    if verdict is ReviewVerdict.REJECT and not opinion.strip():
        raise InvalidInput("district.admission.reason_required", field="opinion")
    row.verdict, row.opinion, row.conditions = verdict, opinion.strip(), kept
    row.given_at, row.given_by = moment.now, principal.username
    session.flush()
    return row


def decide(
    session: Session,
    principal: Principal,
    moment: Moment,
    project_id: int,
    *,
    decision: ProjectState,
    conditions: list[str] | None = None,
    note: str = "",
) -> AdmissionProject:
    """The lead department decides once every opinion is in. An approval carries every
    department's conditions (and the lead's own), so it is conditional whenever any is."""
    project = get(session, principal, project_id)
    if not principal.is_platform_admin and not (
        principal.role is Role.REGULATOR and principal.organisation_id == project.lead_department_id
    ):
        raise Forbidden("district.admission.lead_only", field="decision")
    if project.state != ProjectState.UNDER_REVIEW:
        raise Conflict(
            "district.admission.not_under_review", field="state", state=ProjectState(project.state)
        )
    if decision not in DECIDED:
        raise InvalidInput("district.admission.bad_decision", field="decision")
    given = opinions(session, project.id)
    if any(o.verdict == ReviewVerdict.PENDING for o in given):
        raise Conflict("district.admission.opinions_pending", field="decision")
    carried = [c for o in given for c in o.conditions] + _conditions(conditions or [])
    if decision is not ProjectState.REJECTED:
        if any(o.verdict == ReviewVerdict.REJECT for o in given):
            raise Conflict("district.admission.rejected_by_a_department", field="decision")
        if decision is ProjectState.APPROVED and carried:
            raise Conflict("district.admission.conditions_attached", field="decision")
        if decision is ProjectState.CONDITIONAL and not carried:
            raise InvalidInput("district.admission.conditions_required", field="conditions")
    elif not note.strip():
        raise InvalidInput("district.admission.reason_required", field="note")
    project.state = decision
    project.conditions = carried if decision is not ProjectState.REJECTED else []
    project.decision_note = note.strip()
    project.decided_at, project.decided_by = moment.now, principal.username
    session.flush()
    return project


# -- reading ----------------------------------------------------------------------------------


def _visible(session: Session, principal: Principal) -> list[ColumnElement[bool]]:
    """The applicant's own projects and its regulators'; a department also sees the projects
    it reviews (or leads) wherever the applicant sits."""
    visible = visible_organisations(session, principal)
    if visible is None:
        return []
    reviewing = select(ReviewOpinion.project_id).where(
        ReviewOpinion.department_id == principal.organisation_id
    )
    return [
        or_(
            AdmissionProject.organisation_id.in_(visible),
            AdmissionProject.lead_department_id == principal.organisation_id,
            AdmissionProject.id.in_(reviewing),
        )
    ]


def get(session: Session, principal: Principal, project_id: int) -> AdmissionProject:
    found = session.scalar(
        select(AdmissionProject).where(
            AdmissionProject.id == project_id, *_visible(session, principal)
        )
    )
    if found is None:
        raise NotFound("scope.not_found", field="project_id", id=project_id)
    return found


def writable(session: Session, principal: Principal, project_id: int) -> AdmissionProject:
    project = get(session, principal, project_id)
    Tenancy(session, principal).ensure_writable(
        [project.organisation_id], "project_id", id=project_id
    )
    return project


def list_projects(
    session: Session, principal: Principal, state: ProjectState | None = None
) -> list[AdmissionProject]:
    query = select(AdmissionProject).where(*_visible(session, principal))
    if state is not None:
        query = query.where(AdmissionProject.state == state)
    return list(session.scalars(query.order_by(AdmissionProject.id.desc())))


def planned(session: Session, project_id: int) -> list[PlannedHolding]:
    return list(
        session.scalars(
            select(PlannedHolding)
            .where(PlannedHolding.project_id == project_id)
            .order_by(PlannedHolding.id)
        )
    )


def opinions(session: Session, project_id: int) -> list[ReviewOpinion]:
    return list(
        session.scalars(
            select(ReviewOpinion)
            .where(ReviewOpinion.project_id == project_id)
            .order_by(ReviewOpinion.id)
        )
    )


# -- the 两重点一重大 flags -------------------------------------------------------------------


@dataclass(frozen=True)
class Flags:
    """The project's 两重点一重大: key-supervised processes (codes), key-supervised chemicals
    (names), and each planned unit's GB 18218 identification."""

    key_processes: tuple[str, ...]
    key_chemicals: tuple[str, ...]
    units: dict[str, gb18218.Identification]

    @property
    def major_hazard(self) -> bool:
        return any(unit.is_major_hazard for unit in self.units.values())

    @property
    def any(self) -> bool:
        return bool(self.key_processes or self.key_chemicals or self.major_hazard)


def flags(session: Session, project: AdmissionProject) -> Flags:
    rows = session.execute(
        select(PlannedHolding, Chemical)
        .join(Chemical, Chemical.id == PlannedHolding.chemical_id)
        .where(PlannedHolding.project_id == project.id)
        .order_by(PlannedHolding.id)
    ).all()
    by_unit: dict[str, list[gb18218.Holding]] = defaultdict(list)
    for holding, chemical in rows:
        by_unit[holding.unit].append(holding_of(chemical, holding.design_max_t))
    key_chemicals = dict.fromkeys(chemical.name for _, chemical in rows if chemical.key_supervised)
    return Flags(
        key_processes=tuple(project.key_processes),
        key_chemicals=tuple(key_chemicals),
        units={
            unit: gb18218.identify(held, project.people_within_500m)
            for unit, held in by_unit.items()
        },
    )


def overdue(opinion: ReviewOpinion, now: datetime) -> bool:
    return opinion.verdict == ReviewVerdict.PENDING and now > as_utc(opinion.due_at)


def decision_overdue(project: AdmissionProject, now: datetime) -> bool:
    return (
        project.state == ProjectState.UNDER_REVIEW
        and project.due_at is not None
        and now > as_utc(project.due_at)
    )


# -- for the map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectPoint:
    """A project with a location, for the district map: ``flag`` is the strongest of its
    flags (``major_hazard``, ``key_chemical``, ``key_process``) or ``none``."""

    project_id: int
    lat: Decimal
    lon: Decimal
    label: str
    flag: str
    state: ProjectState


def project_points(session: Session, principal: Principal) -> list[ProjectPoint]:
    """Projects the caller sees that have a location (undecided and decided alike)."""
    points: list[ProjectPoint] = []
    for project in list_projects(session, principal):
        if project.lat is None or project.lon is None:
            continue
        found = flags(session, project)
        flag = (
            "major_hazard"
            if found.major_hazard
            else "key_chemical"
            if found.key_chemicals
            else "key_process"
            if found.key_processes
            else "none"
        )
        points.append(
            ProjectPoint(
                project.id,
                project.lat,
                project.lon,
                project.name,
                flag,
                ProjectState(project.state),
            )
        )
    return points
