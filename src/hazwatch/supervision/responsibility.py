"""Responsibilities and blind spots (issue 15 item 1; seed 001 §18, DOMAIN §9).

Seed 001 §18: the emergency-management, transport, public-security, ecology-environment …
departments each supervise the production, storage, use, trade, transport and disposal
stages of hazardous chemicals; "where the supervisory duty is not clear, the
emergency-management department bears the fallback responsibility" (兜底责任). So:

* the stages an organisation is in are read from the registry (a production licence, a tank
  it owns or runs, gas sources in its rooms or a hazardous supply it receives, a hazardous
  supply it gives or a trading licence, a transport licence), never typed in;
* a jurisdiction's versioned responsibility matrix maps stage × sector to departments; the
  newest version of the nearest jurisdiction up the tree that has one applies;
* explicit supervision assignments (registry) name departments as well;
* an organisation no department resolves to is a blind spot, owned by the district's
  emergency-management bureau (the fallback owner). A new organisation is of ``unknown``
  sector until a regulator classifies it, which no matrix covers: a start-up that takes an
  LN2 supply surfaces as a blind spot the moment the supply is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.registry import findings as registry_findings
from hazwatch.registry.choices import (
    GOVERNMENT_KINDS,
    LicenceType,
    OrganisationKind,
    SupervisionStage,
)
from hazwatch.registry.findings import fallback_owner
from hazwatch.registry.models import (
    HazardSource,
    Jurisdiction,
    Licence,
    Organisation,
    Room,
    SupervisionAssignment,
    Supply,
    Tank,
)
from hazwatch.registry.scope import jurisdiction_subtree
from hazwatch.supervision.choices import ResolvedBy, Sector
from hazwatch.supervision.models import OrganisationSector, ResponsibilityMatrix, ResponsibilityRule

#: Roles that classify organisations and version matrices.
REGULATOR_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.REGULATOR})
#: A sector by organisation kind until a regulator classifies it.
DEFAULT_SECTOR = {
    OrganisationKind.GAS_SUPPLIER: Sector.GAS_SUPPLY,
    OrganisationKind.LANDLORD: Sector.PROPERTY,
}
#: Rules in one matrix version; more is a typing error, not a district.
MAX_RULES = 500


# -- stages, read from the registry ---------------------------------------------------------


def handled_stages(session: Session, today: date) -> dict[int, set[SupervisionStage]]:
    """The stages of the hazardous-chemical life each organisation is in, from the registry."""
    stages: dict[int, set[SupervisionStage]] = defaultdict(set)
    licences = session.execute(
        select(Licence.organisation_id, Licence.licence_type).where(
            Licence.revoked.is_(False), Licence.valid_from <= today, Licence.valid_until >= today
        )
    ).all()
    by_licence = {
        LicenceType.HAZCHEM_PRODUCTION: SupervisionStage.PRODUCTION,
        LicenceType.HAZCHEM_TRADING: SupervisionStage.TRADE,
        LicenceType.HAZCHEM_USE: SupervisionStage.USE,
        LicenceType.GAS_CYLINDER_FILLING: SupervisionStage.TRADE,
        LicenceType.HAZMAT_TRANSPORT: SupervisionStage.TRANSPORT,
    }
    for organisation_id, licence_type in licences:
        stage = by_licence.get(LicenceType(licence_type))
        if stage is not None:
            stages[organisation_id].add(stage)
    for owner, operator in session.execute(select(Tank.organisation_id, Tank.operator_id)):
        for party in (owner, operator):
            if party is not None:
                stages[party].add(SupervisionStage.STORAGE)
    sources = session.execute(
        select(Room.organisation_id, HazardSource.kind).join(Room, HazardSource.room_id == Room.id)
    ).all()
    for organisation_id, kind in sources:
        stage = SupervisionStage.STORAGE if kind == "hazchem_storage" else SupervisionStage.USE
        stages[organisation_id].add(stage)
    supplies = session.execute(
        select(Supply.supplier_id, Supply.customer_id).where(Supply.hazardous.is_(True))
    ).all()
    for supplier, customer in supplies:
        stages[supplier].add(SupervisionStage.TRADE)
        stages[customer].add(SupervisionStage.USE)
    return stages


# -- sectors ----------------------------------------------------------------------------------


def sectors(session: Session, organisations: Iterable[Organisation]) -> dict[int, Sector]:
    classified: dict[int, str] = {
        row.organisation_id: row.sector
        for row in session.execute(
            select(OrganisationSector.organisation_id, OrganisationSector.sector)
        )
    }
    found: dict[int, Sector] = {}
    for o in organisations:
        default = DEFAULT_SECTOR.get(OrganisationKind(o.kind), Sector.UNKNOWN)
        found[o.id] = Sector(classified[o.id]) if o.id in classified else default
    return found


def ensure_regulator(principal: Principal) -> None:
    if principal.role not in REGULATOR_ROLES:
        raise Forbidden("supervision.regulators_only")


def classify(
    session: Session, principal: Principal, now: datetime, organisation_id: int, sector: Sector
) -> OrganisationSector:
    """A regulator classifies an organisation of its area (audited, like every change)."""
    ensure_regulator(principal)
    organisation = _visible_organisation(session, principal, organisation_id)
    if organisation.kind in GOVERNMENT_KINDS:
        raise InvalidInput("registry.supervised_is_government", field="organisation_id")
    row = session.get(OrganisationSector, organisation_id)
    if row is None:
        row = OrganisationSector(organisation_id=organisation_id)
        session.add(row)
    row.sector = sector
    row.classified_at = now
    row.classified_by = principal.username
    session.flush()
    return row


def _visible_organisation(session: Session, principal: Principal, ident: int) -> Organisation:
    organisation = session.get(Organisation, ident)
    visible = visible_organisations(session, principal)
    if organisation is None or (visible is not None and ident not in visible):
        raise NotFound("scope.not_found", field="organisation_id", id=ident)
    return organisation


# -- matrices ---------------------------------------------------------------------------------


def ancestors(session: Session, jurisdiction_id: int | None) -> list[Jurisdiction]:
    """The jurisdiction and its parents, nearest first."""
    chain: list[Jurisdiction] = []
    node = session.get(Jurisdiction, jurisdiction_id) if jurisdiction_id else None
    while node is not None and node not in chain:
        chain.append(node)
        node = node.parent
    return chain


def visible_jurisdictions(session: Session, principal: Principal) -> set[int] | None:
    """Whose matrices a caller reads: a regulator its area and the levels above it (the
    district's matrix applies in the street), anyone else the chain above its organisation."""
    if principal.is_platform_admin:
        return None
    if principal.role is Role.REGULATOR:
        if principal.jurisdiction_id is None:
            return set()
        area = jurisdiction_subtree(session, principal.jurisdiction_id)
        return area | {j.id for j in ancestors(session, principal.jurisdiction_id)}
    organisation = session.get(Organisation, principal.organisation_id or 0)
    if organisation is None:
        return set()
    return {j.id for j in ancestors(session, organisation.jurisdiction_id)}


def current_matrix(session: Session, jurisdiction_id: int) -> ResponsibilityMatrix | None:
    return session.scalar(
        select(ResponsibilityMatrix)
        .where(ResponsibilityMatrix.jurisdiction_id == jurisdiction_id)
        .order_by(ResponsibilityMatrix.version.desc())
        .limit(1)
    )


def applicable_matrix(session: Session, jurisdiction_id: int | None) -> ResponsibilityMatrix | None:
    """The newest version of the nearest jurisdiction up the tree that has a matrix."""
    for node in ancestors(session, jurisdiction_id):
        found = current_matrix(session, node.id)
        if found is not None:
            return found
    return None


def list_matrices(
    session: Session, principal: Principal, jurisdiction_id: int | None = None
) -> list[ResponsibilityMatrix]:
    visible = visible_jurisdictions(session, principal)
    query = select(ResponsibilityMatrix).order_by(
        ResponsibilityMatrix.jurisdiction_id, ResponsibilityMatrix.version.desc()
    )
    if jurisdiction_id is not None:
        query = query.where(ResponsibilityMatrix.jurisdiction_id == jurisdiction_id)
    if visible is not None:
        query = query.where(ResponsibilityMatrix.jurisdiction_id.in_(visible))
    return list(session.scalars(query))


def get_matrix(session: Session, principal: Principal, matrix_id: int) -> ResponsibilityMatrix:
    matrix = session.get(ResponsibilityMatrix, matrix_id)
    visible = visible_jurisdictions(session, principal)
    if matrix is None or (visible is not None and matrix.jurisdiction_id not in visible):
        raise NotFound("scope.not_found", field="matrix_id", id=matrix_id)
    return matrix


def writable_jurisdiction(session: Session, principal: Principal, jurisdiction_id: int) -> None:
    """A regulator changes the settings (matrices, rules, plans) of its own area only: a
    level above it it reads (403), one elsewhere does not exist for it (404)."""
    ensure_regulator(principal)
    if session.get(Jurisdiction, jurisdiction_id) is None:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    if principal.role is Role.REGULATOR:
        area = (
            jurisdiction_subtree(session, principal.jurisdiction_id)
            if principal.jurisdiction_id is not None
            else set()
        )
        if jurisdiction_id not in area:
            seen = visible_jurisdictions(session, principal) or set()
            error = Forbidden if jurisdiction_id in seen else NotFound
            code = "tenancy.not_writable" if error is Forbidden else "scope.not_found"
            raise error(code, field="jurisdiction_id", id=jurisdiction_id)


@dataclass(frozen=True)
class RuleIn:
    stage: SupervisionStage
    sector: Sector
    department_id: int


def create_matrix(
    session: Session,
    principal: Principal,
    now: datetime,
    jurisdiction_id: int,
    rules: Sequence[RuleIn],
    *,
    basis: str = "",
    note: str = "",
) -> ResponsibilityMatrix:
    """The next version of a jurisdiction's matrix. A regulator versions the matrices of its
    own area; every department named must be a regulator of the jurisdiction, of a level
    above it or of one below it. Refused rules raise before anything is stored."""
    writable_jurisdiction(session, principal, jurisdiction_id)
    if len(rules) > MAX_RULES:
        raise InvalidInput("supervision.matrix.too_many_rules", field="rules", limit=MAX_RULES)
    allowed = jurisdiction_subtree(session, jurisdiction_id) | {
        j.id for j in ancestors(session, jurisdiction_id)
    }
    seen_cells: set[tuple[str, str, int]] = set()
    for index, rule in enumerate(rules):
        where = f"rules.{index}.department_id"
        department = session.get(Organisation, rule.department_id)
        if department is None:
            raise NotFound("scope.not_found", field=where, id=rule.department_id)
        if department.kind != OrganisationKind.REGULATOR:
            raise InvalidInput("registry.department_not_regulator", field=where)
        if department.jurisdiction_id not in allowed:
            raise InvalidInput("supervision.matrix.department_outside", field=where)
        cell = (str(rule.stage), str(rule.sector), rule.department_id)
        if cell in seen_cells:
            raise InvalidInput("supervision.matrix.duplicate_rule", field=f"rules.{index}")
        if rule.sector is Sector.UNKNOWN:
            raise InvalidInput("supervision.matrix.unknown_sector", field=f"rules.{index}.sector")
        seen_cells.add(cell)
    version = (
        session.scalar(
            select(func.max(ResponsibilityMatrix.version)).where(
                ResponsibilityMatrix.jurisdiction_id == jurisdiction_id
            )
        )
        or 0
    ) + 1
    matrix = ResponsibilityMatrix(
        jurisdiction_id=jurisdiction_id,
        version=version,
        basis=basis,
        note=note,
        created_at=now,
        created_by=principal.username,
    )
    matrix.rules = [
        ResponsibilityRule(stage=r.stage, sector=r.sector, department_id=r.department_id)
        for r in rules
    ]
    session.add(matrix)
    session.flush()
    return matrix


# -- resolution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supervisor:
    department_id: int
    stage: SupervisionStage | None
    by: ResolvedBy
    matrix_id: int | None = None


@dataclass
class Resolution:
    """Who supervises one organisation, and why."""

    organisation: Organisation
    sector: Sector
    stages: list[SupervisionStage]
    supervisors: list[Supervisor] = field(default_factory=list)
    fallback_owner_id: int | None = None
    #: Stages the organisation is in that no department covers (the fallback owner's).
    uncovered: list[SupervisionStage] = field(default_factory=list)

    @property
    def blind_spot(self) -> bool:
        return not any(s.by is not ResolvedBy.FALLBACK for s in self.supervisors)

    @property
    def handles_hazchem(self) -> bool:
        return bool(self.stages)


_STAGE_ORDER = list(SupervisionStage)


def resolve_all(
    session: Session, organisations: Sequence[Organisation], today: date
) -> list[Resolution]:
    stages = handled_stages(session, today)
    sector_of = sectors(session, organisations)
    ids = [o.id for o in organisations]
    assignments: dict[int, list[SupervisionAssignment]] = defaultdict(list)
    for assignment in session.scalars(
        select(SupervisionAssignment).where(SupervisionAssignment.organisation_id.in_(ids))
    ):
        assignments[assignment.organisation_id].append(assignment)
    matrices: dict[int | None, ResponsibilityMatrix | None] = {}
    fallbacks: dict[int | None, int | None] = {}
    found: list[Resolution] = []
    for organisation in organisations:
        own = sorted(stages.get(organisation.id, set()), key=_STAGE_ORDER.index)
        resolution = Resolution(organisation, sector_of[organisation.id], own)
        for assignment in assignments[organisation.id]:
            resolution.supervisors.append(
                Supervisor(
                    assignment.department_id,
                    SupervisionStage(assignment.stage),
                    ResolvedBy.ASSIGNMENT,
                )
            )
        key = organisation.jurisdiction_id
        if key not in matrices:
            matrices[key] = applicable_matrix(session, key)
        matrix = matrices[key]
        covered = {s.stage for s in resolution.supervisors}
        if matrix is not None:
            for rule in matrix.rules:
                if rule.stage in own and rule.sector == resolution.sector:
                    resolution.supervisors.append(
                        Supervisor(
                            rule.department_id,
                            SupervisionStage(rule.stage),
                            ResolvedBy.MATRIX,
                            matrix.id,
                        )
                    )
                    covered.add(SupervisionStage(rule.stage))
        resolution.uncovered = [s for s in own if s not in covered]
        if key not in fallbacks:
            owner = fallback_owner(session, organisation)
            fallbacks[key] = owner.id if owner is not None else None
        resolution.fallback_owner_id = fallbacks[key]
        if resolution.blind_spot and resolution.fallback_owner_id is not None:
            resolution.supervisors.append(
                Supervisor(resolution.fallback_owner_id, None, ResolvedBy.FALLBACK)
            )
        found.append(resolution)
    return found


def _supervised_organisations(
    session: Session, visible: frozenset[int] | None
) -> list[Organisation]:
    query = (
        select(Organisation)
        .where(Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]))
        .order_by(Organisation.id)
    )
    if visible is not None:
        query = query.where(Organisation.id.in_(visible))
    return list(session.scalars(query))


def resolve(
    session: Session, principal: Principal, organisation_id: int, today: date
) -> Resolution:
    organisation = _visible_organisation(session, principal, organisation_id)
    if organisation.kind in GOVERNMENT_KINDS:
        raise InvalidInput("registry.supervised_is_government", field="organisation_id")
    return resolve_all(session, [organisation], today)[0]


def supervising_departments(session: Session, organisation_id: int, today: date) -> list[int]:
    """Departments responsible for an organisation, the fallback owner when none is (used to
    route dispatches and notices)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind in GOVERNMENT_KINDS:
        return []
    resolution = resolve_all(session, [organisation], today)[0]
    return list(dict.fromkeys(s.department_id for s in resolution.supervisors))


def blind_spots(session: Session, principal: Principal, today: date) -> list[Resolution]:
    """The worklist: organisations of the caller's area no department supervises, those
    handling hazardous chemicals first (they are the 2·7 kind), then by id."""
    visible = visible_organisations(session, principal)
    found = [
        r
        for r in resolve_all(session, _supervised_organisations(session, visible), today)
        if r.blind_spot
    ]
    return sorted(found, key=lambda r: (not r.handles_hazchem, r.organisation.id))


def matrix_supervised(session: Session, as_of: registry_findings.AsOf) -> set[int]:
    """Organisations a matrix covers (the registry's blind-spot finding asks this)."""
    organisations = _supervised_organisations(session, None)
    return {
        r.organisation.id
        for r in resolve_all(session, organisations, as_of.today)
        if any(s.by is ResolvedBy.MATRIX for s in r.supervisors)
    }


def department_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    )
    return {row.id: row.name for row in rows}


registry_findings.register_supervised(matrix_supervised)
