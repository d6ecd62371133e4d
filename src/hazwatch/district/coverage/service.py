"""Coverage indicators (区委办综〔2021〕28号 measures 11, 16, 17, 19).

Each indicator is a count over a population, per district and, within it, per department
(an enterprise counts for every department that supervises it, the fallback owner included;
an officer for the department employing it). Targets are exact percentages, met inclusively:

* ``safety_manager``: hazardous-chemical enterprises with at least one safety manager
  holding a valid ``safety_manager`` qualification; target 100 % (measure 11: "推动一般危险化学品
  使用企业至少配备1名…考核合格的安全管理人员", and production, storage and key users already must).
* ``social_service``: production, storage, trade and use enterprises with a social
  safety-service contract valid today; target 100 % (measure 16: "实现危化品生产、储存经营、重点
  使用企业社会化服务全覆盖"). No district list of key users (重点使用) is published, so every
  user counts: stricter, never blind.
* ``vocational_training``: of the workforce of hazardous-chemical enterprises (the
  registry's ``employees``), the people with a passed vocational skill-upgrade course within
  ``coverage_training_years``; target 60 % (measure 17: "职业技能晋级培训覆盖率达到60%以上",
  以上 includes 60). An enterprise without a headcount is a missing item, not a zero.
* ``enforcement_staff``: active enforcement officers with a safety-related degree and at least
  ``coverage_enforcement_years`` of practice; target 75 % (measure 19: "具有安全生产相关专业学历
  和实践经验的人数不低于在职人员的75%").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import Forbidden, InvalidInput
from hazwatch.core.scope import restrict, visible_organisations
from hazwatch.core.settings import Settings
from hazwatch.district.coverage.models import EnforcementOfficer, SafetyServiceContract
from hazwatch.emergency.readiness.choices import QualificationKind
from hazwatch.emergency.readiness.models import Qualification, TrainingRecord
from hazwatch.registry.choices import GOVERNMENT_KINDS, OrganisationKind, SupervisionStage
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import district_of
from hazwatch.supervision import responsibility

SOURCE = "区委办综〔2021〕28号《关于全面加强危险化学品安全生产工作的实施意见》"


@dataclass(frozen=True)
class Indicator:
    key: str
    target: Decimal
    source: str


INDICATORS = (
    Indicator("safety_manager", Decimal(100), f"{SOURCE} 二（三）第11条"),
    Indicator("social_service", Decimal(100), f"{SOURCE} 二（四）第16条"),
    Indicator("vocational_training", Decimal(60), f"{SOURCE} 二（四）第17条"),
    Indicator("enforcement_staff", Decimal(75), f"{SOURCE} 二（五）第19条"),
)
BY_KEY = {i.key: i for i in INDICATORS}
#: The stages whose enterprises measure 16 wants served (生产、储存经营、重点使用).
SERVED_STAGES = frozenset(
    {
        SupervisionStage.PRODUCTION,
        SupervisionStage.STORAGE,
        SupervisionStage.TRADE,
        SupervisionStage.USE,
    }
)


@dataclass(frozen=True)
class Gap:
    """A missing item: an enterprise (or officer) short of the indicator, and by how much."""

    subject_id: int
    name: str
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    """One indicator for one district (``department_id`` None) or one department in it."""

    key: str
    district_id: int | None
    department_id: int | None
    numerator: int = 0
    denominator: int = 0
    gaps: list[Gap] = field(default_factory=list)

    @property
    def target(self) -> Decimal:
        return BY_KEY[self.key].target

    @property
    def source(self) -> str:
        return BY_KEY[self.key].source

    @property
    def rate(self) -> Decimal | None:
        """Exact percentage (None: nothing to count)."""
        if self.denominator == 0:
            return None
        return Decimal(self.numerator * 100) / Decimal(self.denominator)

    @property
    def met(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= self.target


@dataclass(frozen=True)
class Count:
    """One subject's contribution: part of whole, and the gap when it falls short."""

    subject_id: int
    district_id: int | None
    departments: tuple[int, ...]
    part: int
    whole: int
    gap: Gap | None


# -- records ----------------------------------------------------------------------------------


def add_contract(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    provider: str,
    valid_from: date,
    valid_until: date,
    scope: str = "",
) -> SafetyServiceContract:
    Tenancy(session, principal).writable_organisation(organisation_id)
    if not provider.strip():
        raise InvalidInput("district.coverage.provider_required", field="provider")
    if valid_until < valid_from:
        raise InvalidInput("district.coverage.until_before_from", field="valid_until")
    row = SafetyServiceContract(
        organisation_id=organisation_id,
        provider=provider.strip(),
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(row)
    session.flush()
    return row


def list_contracts(session: Session, principal: Principal) -> list[SafetyServiceContract]:
    query = select(SafetyServiceContract).order_by(SafetyServiceContract.id)
    return list(
        session.scalars(restrict(query, SafetyServiceContract.organisation_id, session, principal))
    )


def add_officer(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    name: str,
    degree: str = "",
    safety_related: bool = False,
    experience_years: Decimal = Decimal(0),
) -> EnforcementOfficer:
    """A regulator records an officer of a department of its area."""
    Tenancy(session, principal).writable_organisation(organisation_id)
    department = session.get(Organisation, organisation_id)
    if department is None or department.kind != OrganisationKind.REGULATOR:
        raise InvalidInput("district.coverage.not_a_department", field="organisation_id")
    if not name.strip():
        raise InvalidInput("district.coverage.name_required", field="name")
    if not experience_years.is_finite() or not Decimal(0) <= experience_years <= 60:
        raise InvalidInput("district.coverage.bad_years", field="experience_years")
    row = EnforcementOfficer(
        organisation_id=organisation_id,
        name=name.strip(),
        degree=degree,
        safety_related=safety_related,
        experience_years=experience_years,
        active=True,
    )
    session.add(row)
    session.flush()
    return row


def set_officer_active(
    session: Session, principal: Principal, officer_id: int, active: bool
) -> EnforcementOfficer:
    row = Tenancy(session, principal).writable_row(EnforcementOfficer, officer_id, "officer_id")
    if row.active != active:
        row.active = active
        session.flush()
    return row


def list_officers(session: Session, principal: Principal) -> list[EnforcementOfficer]:
    query = select(EnforcementOfficer).order_by(
        EnforcementOfficer.organisation_id, EnforcementOfficer.id
    )
    return list(
        session.scalars(restrict(query, EnforcementOfficer.organisation_id, session, principal))
    )


# -- counting ---------------------------------------------------------------------------------


def _district_id(session: Session, organisation: Organisation, cache: dict[int | None, Any]) -> Any:
    key = organisation.jurisdiction_id
    if key not in cache:
        found = district_of(session, key)
        cache[key] = found.id if found else None
    return cache[key]


def _enterprises(
    session: Session, organisations: Sequence[Organisation], today: date
) -> list[responsibility.Resolution]:
    return [
        r
        for r in responsibility.resolve_all(
            session, [o for o in organisations if o.kind not in GOVERNMENT_KINDS], today
        )
        if r.handles_hazchem
    ]


def _departments(resolution: responsibility.Resolution) -> tuple[int, ...]:
    return tuple(dict.fromkeys(s.department_id for s in resolution.supervisors))


def _one(
    organisation: Organisation,
    district_id: int | None,
    departments: tuple[int, ...],
    has: bool,
    reason: str,
) -> Count:
    """An enterprise that has the thing (1 of 1) or lacks it (0 of 1, a gap)."""
    gap = None if has else Gap(organisation.id, organisation.name, reason)
    return Count(organisation.id, district_id, departments, int(has), 1, gap)


def counts(
    session: Session,
    organisations: Sequence[Organisation],
    today: date,
    settings: Settings,
) -> dict[str, list[Count]]:
    """Each indicator's subjects among ``organisations`` (enterprises, and the officers of
    the departments among them)."""
    districts: dict[int | None, Any] = {}
    enterprises = _enterprises(session, organisations, today)
    ids = [r.organisation.id for r in enterprises]
    managers = {
        q.organisation_id
        for q in session.scalars(
            select(Qualification).where(
                Qualification.organisation_id.in_(ids),
                Qualification.kind == QualificationKind.SAFETY_MANAGER,
            )
        )
        if q.expires_on is None or q.expires_on >= today
    }
    served = set(
        session.scalars(
            select(SafetyServiceContract.organisation_id).where(
                SafetyServiceContract.organisation_id.in_(ids),
                SafetyServiceContract.valid_from <= today,
                SafetyServiceContract.valid_until >= today,
            )
        )
    )
    since = today - timedelta(days=round(365.25 * settings.coverage_training_years))
    trained: dict[int, set[str]] = defaultdict(set)
    for organisation_id, person in session.execute(
        select(TrainingRecord.organisation_id, TrainingRecord.person).where(
            TrainingRecord.organisation_id.in_(ids),
            TrainingRecord.vocational.is_(True),
            TrainingRecord.passed.is_(True),
            TrainingRecord.held_on > since,
            TrainingRecord.held_on <= today,
        )
    ):
        trained[organisation_id].add(person)
    found: dict[str, list[Count]] = {i.key: [] for i in INDICATORS}
    for r in enterprises:
        o = r.organisation
        where, departments = _district_id(session, o, districts), _departments(r)
        found["safety_manager"].append(
            _one(o, where, departments, o.id in managers, "no_safety_manager")
        )
        if SERVED_STAGES & set(r.stages):
            found["social_service"].append(
                _one(o, where, departments, o.id in served, "no_service_contract")
            )
        if o.employees is None:
            gap = Gap(o.id, o.name, "no_headcount")
            found["vocational_training"].append(Count(o.id, where, departments, 0, 0, gap))
        elif o.employees > 0:
            part = min(len(trained.get(o.id, ())), o.employees)
            share = Decimal(part * 100) / Decimal(o.employees)
            detail = {"trained": part, "workers": o.employees}
            below = share < BY_KEY["vocational_training"].target
            found["vocational_training"].append(
                Count(
                    o.id,
                    where,
                    departments,
                    part,
                    o.employees,
                    Gap(o.id, o.name, "below_target", detail) if below else None,
                )
            )
    employers = {o.id: o for o in organisations if o.kind == OrganisationKind.REGULATOR}
    for officer in session.scalars(
        select(EnforcementOfficer)
        .where(
            EnforcementOfficer.organisation_id.in_(employers),
            EnforcementOfficer.active.is_(True),
        )
        .order_by(EnforcementOfficer.id)
    ):
        qualified = officer.safety_related and (
            officer.experience_years >= settings.coverage_enforcement_years
        )
        reason = "no_safety_degree" if not officer.safety_related else "short_experience"
        found["enforcement_staff"].append(
            Count(
                officer.id,
                _district_id(session, employers[officer.organisation_id], districts),
                (officer.organisation_id,),
                int(qualified),
                1,
                None
                if qualified
                else Gap(
                    officer.id,
                    officer.name,
                    reason,
                    {"years": str(officer.experience_years), "department": officer.organisation_id},
                ),
            )
        )
    return found


def _fold(key: str, rows: Iterable[Count], by_department: bool) -> list[Figure]:
    figures: dict[tuple[int | None, int | None], Figure] = {}
    for row in rows:
        scopes: list[tuple[int | None, int | None]] = [(row.district_id, None)]
        if by_department:
            scopes += [(row.district_id, d) for d in row.departments]
        for district_id, department_id in scopes:
            figure = figures.setdefault(
                (district_id, department_id), Figure(key, district_id, department_id)
            )
            figure.numerator += row.part
            figure.denominator += row.whole
            if row.gap is not None:
                figure.gaps.append(row.gap)
    return [figures[k] for k in sorted(figures, key=lambda k: (k[0] or 0, k[1] or 0))]


def figures(
    session: Session,
    organisations: Sequence[Organisation],
    today: date,
    settings: Settings,
    *,
    by_department: bool = True,
) -> list[Figure]:
    """Every indicator per district (and per department in it), in :data:`INDICATORS` order."""
    found = counts(session, organisations, today, settings)
    return [f for i in INDICATORS for f in _fold(i.key, found[i.key], by_department)]


def visible_figures(
    session: Session, principal: Principal, today: date, settings: Settings
) -> list[Figure]:
    """The indicators of the caller's area (regulators only: they measure the district)."""
    if principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        raise Forbidden("district.coverage.regulators_only")
    visible = visible_organisations(session, principal)
    query = select(Organisation).order_by(Organisation.id)
    if visible is not None:
        query = query.where(Organisation.id.in_(visible))
    return figures(session, list(session.scalars(query)), today, settings)


def area_figure(
    session: Session, jurisdiction_ids: set[int], key: str, today: date, settings: Settings
) -> Figure:
    """One indicator over a whole area (a task's jurisdiction and everything below it)."""
    organisations = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.jurisdiction_id.in_(jurisdiction_ids))
            .order_by(Organisation.id)
        )
    )
    total = Figure(key, None, None)
    for figure in _fold(key, counts(session, organisations, today, settings)[key], False):
        total.numerator += figure.numerator
        total.denominator += figure.denominator
        total.gaps += figure.gaps
    return total
