"""Graded supervision (issue 15 item 2; seed 001: 分级监管, 使用企业分级管理, 双随机一公开).

An enterprise's grade (A best … D worst) comes from the rule set in force where it is
(:mod:`hazwatch.supervision.rules`) over named inputs read from the platform: the MEM 2018
diagnostic score and direct-red cases and the standardisation level (entered by a regulator
as its :class:`~.models.SupervisionProfile`), credit, the serious-dishonesty list and points
(:mod:`.credit`), accidents of the last 3 years, open and overdue 重大 hidden dangers, the
monitoring alarm record, missed commitments and lapsed qualifications. User enterprises
(labs, hospitals, schools, institutes) are graded the same way. A park is classed by the park
risk guide's score. Every grade shows the conditions that decided it.

Each grade sets the inspections a year and the share of its enterprises drawn; the yearly
plan draws, with a recorded seed, the enterprises of each grade, the months of each drawn
one's inspections and two inspectors for each from the pool (双随机), so the draw can be
redone and compared, and each inspection is tracked to done.
"""

from __future__ import annotations

import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.emergency.readiness.models import Qualification
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.commitments.models import MissedCommitment
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry.choices import GOVERNMENT_KINDS, JurisdictionKind
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision import credit, rules
from hazwatch.supervision.choices import RuleKind
from hazwatch.supervision.models import (
    Incident,
    ParkAssessment,
    PlannedInspection,
    SupervisionProfile,
    YearPlan,
)
from hazwatch.supervision.responsibility import ensure_regulator, writable_jurisdiction

#: "critical" alarms: the top priority (red, DOMAIN §4).
CRITICAL = "urgent"
#: Inspectors drawn for each inspection (two law-enforcement officers, 双随机).
INSPECTORS_PER_VISIT = 2
MAX_INSPECTORS = 200

Inputs = dict[str, rules.Value]


# -- subjects ---------------------------------------------------------------------------------


def supervised(session: Session, principal: Principal | None) -> list[Organisation]:
    """The organisations graded and coded: every one not a government body, in the caller's
    scope (``None``: all)."""
    query = (
        select(Organisation)
        .where(Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]))
        .order_by(Organisation.id)
    )
    if principal is not None:
        visible = visible_organisations(session, principal)
        if visible is not None:
            query = query.where(Organisation.id.in_(visible))
    return list(session.scalars(query))


def visible_parks(session: Session, principal: Principal | None) -> list[Jurisdiction]:
    """Parks in a regulator's area (all for the platform; none for an enterprise)."""
    query = select(Jurisdiction).where(Jurisdiction.kind == JurisdictionKind.PARK.value)
    if principal is not None and not principal.is_platform_admin:
        if principal.role is not Role.REGULATOR or principal.jurisdiction_id is None:
            return []
        query = query.where(
            Jurisdiction.id.in_(jurisdiction_subtree(session, principal.jurisdiction_id))
        )
    return list(session.scalars(query.order_by(Jurisdiction.id)))


def get_park(session: Session, principal: Principal, park_id: int) -> Jurisdiction:
    for park in visible_parks(session, principal):
        if park.id == park_id:
            return park
    raise NotFound("scope.not_found", field="park_id", id=park_id)


def people(organisation: Organisation) -> list[str]:
    """Who carries a personal code: the principal and the safety officer, when named."""
    named = [organisation.principal_name, organisation.safety_manager_name]
    return list(dict.fromkeys(p for p in named if p))


# -- inputs -----------------------------------------------------------------------------------


def _counts(session: Session, query: Any) -> dict[int, int]:
    return {row[0]: int(row[1]) for row in session.execute(query)}


@dataclass
class Facts:
    """The named inputs of every subject asked about, read in a few queries."""

    enterprise: dict[int, Inputs] = field(default_factory=dict)
    person: dict[tuple[int, str], Inputs] = field(default_factory=dict)


def facts(
    session: Session, organisations: Sequence[Organisation], now: datetime, today: date
) -> Facts:
    ids = [o.id for o in organisations]
    found = Facts()
    if not ids:
        return found
    profiles = {
        p.organisation_id: p
        for p in session.scalars(
            select(SupervisionProfile).where(SupervisionProfile.organisation_id.in_(ids))
        )
    }
    standing = credit.standing(session, ids, today)
    since_3y = now - timedelta(days=3 * 365)
    accidents: dict[int, tuple[int, int]] = {
        row[0]: (int(row[1]), int(row[2] or 0))
        for row in session.execute(
            select(Incident.organisation_id, func.count(Incident.id), func.sum(Incident.deaths))
            .where(Incident.organisation_id.in_(ids), Incident.occurred_at >= since_3y)
            .group_by(Incident.organisation_id)
        )
    }
    open_danger = HazardFinding.state != HazardState.CLOSED.value
    mine = HazardFinding.organisation_id.in_(ids)
    major = HazardFinding.grade == HazardGrade.MAJOR.value
    overdue = HazardFinding.deadline < now
    by_org = HazardFinding.organisation_id
    open_major = _counts(
        session,
        select(by_org, func.count()).where(mine, open_danger, major).group_by(by_org),
    )
    overdue_major = _counts(
        session,
        select(by_org, func.count()).where(mine, open_danger, major, overdue).group_by(by_org),
    )
    overdue_any = _counts(
        session, select(by_org, func.count()).where(mine, open_danger, overdue).group_by(by_org)
    )
    critical = Alarm.priority == CRITICAL
    alarms_30d = _counts(
        session,
        select(Alarm.organisation_id, func.count())
        .where(Alarm.organisation_id.in_(ids), critical, Alarm.raised_at >= now - timedelta(30))
        .group_by(Alarm.organisation_id),
    )
    unacked = _counts(
        session,
        select(Alarm.organisation_id, func.count())
        .where(Alarm.organisation_id.in_(ids), critical, Alarm.acked.is_(False))
        .group_by(Alarm.organisation_id),
    )
    missed = _counts(
        session,
        select(MissedCommitment.organisation_id, func.count())
        .where(
            MissedCommitment.organisation_id.in_(ids),
            MissedCommitment.day > today - timedelta(days=7),
        )
        .group_by(MissedCommitment.organisation_id),
    )
    lapsed: dict[tuple[int, str], int] = defaultdict(int)
    for row in session.execute(
        select(Qualification.organisation_id, Qualification.person).where(
            Qualification.organisation_id.in_(ids), Qualification.expires_on < today
        )
    ):
        lapsed[(row.organisation_id, row.person)] += 1
    for o in organisations:
        profile = profiles.get(o.id)
        score = profile.diagnostic_score if profile else None
        incidents, deaths = accidents.get(o.id, (0, 0))
        found.enterprise[o.id] = {
            "diagnostic_assessed": score is not None,
            "diagnostic_score": score,
            "diagnostic_direct_red": bool(profile and profile.direct_red),
            "standardisation_level": Decimal(profile.standardisation_level if profile else 0),
            "serious_dishonesty": (o.id, "") in standing.listed,
            "bad_credit_12m": Decimal(standing.bad_12m.get((o.id, ""), 0)),
            "good_credit_12m": Decimal(standing.good_12m.get((o.id, ""), 0)),
            "points": Decimal(standing.points.get((o.id, ""), 0)),
            "principal_points": Decimal(
                standing.points.get((o.id, o.principal_name), 0) if o.principal_name else 0
            ),
            "accidents_3y": Decimal(incidents),
            "deaths_3y": Decimal(deaths),
            "open_major_hidden_dangers": Decimal(open_major.get(o.id, 0)),
            "overdue_major_hidden_dangers": Decimal(overdue_major.get(o.id, 0)),
            "overdue_hidden_dangers": Decimal(overdue_any.get(o.id, 0)),
            "critical_alarms_30d": Decimal(alarms_30d.get(o.id, 0)),
            "unacked_critical_alarms": Decimal(unacked.get(o.id, 0)),
            "missing_commitments_7d": Decimal(missed.get(o.id, 0)),
            "lapsed_qualifications": Decimal(
                sum(n for (org, _p), n in lapsed.items() if org == o.id)
            ),
        }
        for person in people(o):
            key = (o.id, person)
            found.person[key] = {
                "points": Decimal(standing.points.get(key, 0)),
                "serious_dishonesty": key in standing.listed,
                "bad_credit_12m": Decimal(standing.bad_12m.get(key, 0)),
                "lapsed_qualifications": Decimal(lapsed.get(key, 0)),
            }
    return found


def park_inputs(
    session: Session,
    park: Jurisdiction,
    enterprise_codes: dict[int, str],
    enterprise: dict[int, Inputs],
) -> Inputs:
    """A park's score and what its enterprises' codes and loops say (``enterprise_codes``
    and ``enterprise``: of every organisation, by id)."""
    area = jurisdiction_subtree(session, park.id)
    members = list(
        session.scalars(
            select(Organisation.id).where(
                Organisation.jurisdiction_id.in_(area),
                Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]),
            )
        )
    )
    assessment = session.get(ParkAssessment, park.id)
    codes = [enterprise_codes.get(m) for m in members]

    def total(name: str) -> Decimal:
        return Decimal(sum(Decimal(str(enterprise.get(m, {}).get(name) or 0)) for m in members))

    return {
        "park_assessed": assessment is not None,
        "park_score": assessment.score if assessment else None,
        "enterprises": Decimal(len(members)),
        "red_enterprises": Decimal(codes.count("red")),
        "yellow_enterprises": Decimal(codes.count("yellow")),
        "overdue_major_hidden_dangers": total("overdue_major_hidden_dangers"),
        "unacked_critical_alarms": total("unacked_critical_alarms"),
    }


# -- grades -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graded:
    """A subject's grade (or code), why, and the rules that decided it."""

    level: str
    reasons: tuple[rules.Reason, ...]
    inputs: Inputs
    rules: rules.InForce


class RuleCache:
    """Rules in force by (kind, jurisdiction), read once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[RuleKind, int | None], rules.InForce] = {}

    def get(self, kind: RuleKind, jurisdiction_id: int | None) -> rules.InForce:
        key = (kind, jurisdiction_id)
        if key not in self._found:
            self._found[key] = rules.in_force(self.session, kind, jurisdiction_id)
        return self._found[key]


def judge(in_force: rules.InForce, inputs: Inputs) -> Graded:
    verdict = rules.evaluate(in_force.kind, in_force.levels, inputs)
    return Graded(verdict.level, verdict.reasons, inputs, in_force)


def grade_enterprises(
    session: Session,
    organisations: Sequence[Organisation],
    now: datetime,
    today: date,
    *,
    override: rules.InForce | None = None,
) -> dict[int, Graded]:
    """Grades of the organisations (``override``: the rules to preview instead)."""
    known = facts(session, organisations, now, today).enterprise
    cache = RuleCache(session)
    return {
        o.id: judge(
            override or cache.get(RuleKind.ENTERPRISE_GRADE, o.jurisdiction_id), known[o.id]
        )
        for o in organisations
    }


def frequency(graded: Graded) -> int:
    return (graded.rules.levels.frequency or {}).get(graded.level, 0)


def grade_parks(
    session: Session,
    parks: Sequence[Jurisdiction],
    enterprise_codes: dict[int, str],
    enterprise: dict[int, Inputs],
    *,
    kind: RuleKind = RuleKind.PARK_GRADE,
    override: rules.InForce | None = None,
) -> dict[int, Graded]:
    cache = RuleCache(session)
    return {
        park.id: judge(
            override or cache.get(kind, park.id),
            park_inputs(session, park, enterprise_codes, enterprise),
        )
        for park in parks
    }


# -- profiles ---------------------------------------------------------------------------------


def set_profile(
    session: Session,
    principal: Principal,
    now: datetime,
    organisation_id: int,
    *,
    diagnostic_score: Decimal | None,
    direct_red: bool,
    standardisation_level: int,
    assessed_on: date | None,
    source: str,
) -> SupervisionProfile:
    """A regulator enters the diagnostic score (0–100), direct-red case and standardisation
    level of an enterprise of its area."""
    ensure_regulator(principal)
    credit.ensure_visible_field(session, principal, organisation_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind in GOVERNMENT_KINDS:
        raise InvalidInput("registry.supervised_is_government", field="organisation_id")
    if diagnostic_score is not None and not Decimal(0) <= diagnostic_score <= Decimal(100):
        raise InvalidInput("supervision.grade.score_range", field="diagnostic_score")
    if not 0 <= standardisation_level <= 3:
        raise InvalidInput("supervision.grade.standardisation", field="standardisation_level")
    return _entered(
        session,
        SupervisionProfile,
        {"organisation_id": organisation_id},
        diagnostic_score=diagnostic_score,
        direct_red=direct_red,
        standardisation_level=standardisation_level,
        assessed_on=assessed_on,
        source=source,
        updated_at=now,
        updated_by=principal.username,
    )


Entered = TypeVar("Entered", SupervisionProfile, ParkAssessment)


def _entered(session: Session, model: type[Entered], key: dict[str, int], **values: Any) -> Entered:
    """The row of entered inputs for ``key``, created or overwritten (audited either way)."""
    row = session.get(model, next(iter(key.values())))
    if row is None:
        row = model(**key)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


def assess_park(
    session: Session,
    principal: Principal,
    now: datetime,
    park_id: int,
    *,
    score: Decimal,
    assessed_on: date,
    source: str,
) -> ParkAssessment:
    ensure_regulator(principal)
    get_park(session, principal, park_id)
    if not Decimal(0) <= score <= Decimal(100):
        raise InvalidInput("supervision.grade.score_range", field="score")
    return _entered(
        session,
        ParkAssessment,
        {"jurisdiction_id": park_id},
        score=score,
        assessed_on=assessed_on,
        source=source,
        updated_at=now,
        updated_by=principal.username,
    )


# -- the yearly plan (双随机一公开) -------------------------------------------------------------


def sample_of(graded: Graded) -> int:
    """Per cent of its grade's enterprises the plan draws (100 when the rules set none)."""
    return (graded.rules.levels.sample or {}).get(graded.level, 100)


def draw(
    enterprises: Iterable[tuple[int, str, int]],
    inspectors: Sequence[str],
    seed: int,
    shares: Mapping[str, int] | None = None,
) -> list[tuple[int, str, int, list[str]]]:
    """双随机: first the enterprises, a random ``shares[grade]`` per cent of each grade's
    (rounded up; all when no share is given), then for each drawn one its ``count``
    inspections in months drawn at random (distinct while they fit in 12), each with
    inspectors drawn at random from the pool. (organisation, grade, month, inspectors) for
    each inspection; the same inputs and seed give the same plan."""
    rng = random.Random(seed)
    pool = sorted(inspectors)
    by_grade: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for one in sorted(enterprises):
        by_grade[one[1]].append(one)
    drawn: list[tuple[int, str, int]] = []
    for grade in sorted(by_grade):
        members = by_grade[grade]
        share = 100 if shares is None else shares.get(grade, 100)
        wanted = math.ceil(len(members) * share / 100)
        drawn.extend(rng.sample(members, wanted))
    planned: list[tuple[int, str, int, list[str]]] = []
    for organisation_id, grade, count in sorted(drawn):
        months = (
            rng.sample(range(1, 13), count) if count <= 12 else rng.choices(range(1, 13), k=count)
        )
        for month in sorted(months):
            planned.append(
                (organisation_id, grade, month, sorted(rng.sample(pool, INSPECTORS_PER_VISIT)))
            )
    return planned


def _plan_area(session: Session, principal: Principal, jurisdiction_id: int) -> set[int]:
    writable_jurisdiction(session, principal, jurisdiction_id)
    return jurisdiction_subtree(session, jurisdiction_id)


def make_plan(
    session: Session,
    principal: Principal,
    now: datetime,
    today: date,
    *,
    jurisdiction_id: int,
    year: int,
    inspectors: Sequence[str],
    seed: int | None = None,
) -> YearPlan:
    """The yearly plan of a jurisdiction: every supervised organisation in it, as many
    inspections as its grade sets, drawn with ``seed`` (a fresh random one if not given)."""
    area = _plan_area(session, principal, jurisdiction_id)
    pool = sorted({name.strip() for name in inspectors if name.strip()})
    if len(pool) < INSPECTORS_PER_VISIT:
        raise InvalidInput(
            "supervision.plan.too_few_inspectors", field="inspectors", needed=INSPECTORS_PER_VISIT
        )
    if len(pool) > MAX_INSPECTORS:
        raise InvalidInput("supervision.plan.too_many_inspectors", field="inspectors")
    if not today.year - 1 <= year <= today.year + 1:
        raise InvalidInput("supervision.plan.year", field="year")
    taken = select(YearPlan.id).where(
        YearPlan.jurisdiction_id == jurisdiction_id, YearPlan.year == year
    )
    if session.scalar(taken) is not None:
        raise Conflict("supervision.plan.exists", field="year", year=year)
    members = [o for o in supervised(session, None) if o.jurisdiction_id in area]
    graded = grade_enterprises(session, members, now, today)
    enterprises = [(o.id, graded[o.id].level, frequency(graded[o.id])) for o in members]
    shares = {graded[o.id].level: sample_of(graded[o.id]) for o in members}
    seed = secrets.randbelow(2**31 - 1) if seed is None else seed
    plan = YearPlan(
        jurisdiction_id=jurisdiction_id,
        year=year,
        seed=seed,
        draw={
            "enterprises": [list(e) for e in enterprises],
            "inspectors": pool,
            "shares": shares,
        },
        rule_set_id=None,
        created_at=now,
        created_by=principal.username,
    )
    plan.inspections = [
        PlannedInspection(organisation_id=o, grade=g, month=m, inspectors=who)
        for o, g, m, who in draw(enterprises, pool, seed, shares)
    ]
    session.add(plan)
    session.flush()
    return plan


def redraw_matches(plan: YearPlan) -> bool:
    """The stored draw redone from its inputs and seed gives the stored inspections."""
    enterprises = [(int(o), str(g), int(n)) for o, g, n in plan.draw["enterprises"]]
    shares = plan.draw.get("shares")  # plans drawn before shares existed: every enterprise
    again = draw(enterprises, list(plan.draw["inspectors"]), plan.seed, shares)
    stored = sorted(
        (i.organisation_id, i.grade, i.month, list(i.inspectors)) for i in plan.inspections
    )
    return sorted(again) == stored


def list_plans(session: Session, principal: Principal) -> list[YearPlan]:
    query = select(YearPlan).order_by(YearPlan.year.desc(), YearPlan.id)
    if not principal.is_platform_admin:
        if principal.role is not Role.REGULATOR or principal.jurisdiction_id is None:
            return []
        area = jurisdiction_subtree(session, principal.jurisdiction_id)
        query = query.where(YearPlan.jurisdiction_id.in_(area))
    return list(session.scalars(query))


def get_plan(session: Session, principal: Principal, plan_id: int) -> YearPlan:
    for plan in list_plans(session, principal):
        if plan.id == plan_id:
            return plan
    raise NotFound("scope.not_found", field="plan_id", id=plan_id)


def mark_done(
    session: Session, principal: Principal, now: datetime, plan_id: int, item_id: int, note: str
) -> PlannedInspection:
    plan = get_plan(session, principal, plan_id)
    _plan_area(session, principal, plan.jurisdiction_id)
    item = next((i for i in plan.inspections if i.id == item_id), None)
    if item is None:
        raise NotFound("scope.not_found", field="inspection_id", id=item_id)
    if item.done_at is not None:
        raise Conflict("supervision.plan.already_done", field="inspection_id")
    item.done_at = now
    item.done_by = principal.username
    item.note = note.strip()
    session.flush()
    return item


def overdue(item: PlannedInspection, year: int, today: date) -> bool:
    """Not done and its month is over."""
    return item.done_at is None and (year, item.month) < (today.year, today.month)
