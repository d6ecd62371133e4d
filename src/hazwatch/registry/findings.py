"""Registry findings: computed from the registry on demand, each with its legal basis.

Rules are plug-ins: any domain registers a rule with :func:`register_rule` from a module the
wiring imports (monitoring adds "no fixed detector", prevention the ODH class), so the
registry never imports the domains above it. A rule receives the caller's visible
organisations and must only report on those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.choices import Choice, with_colours
from hazwatch.core.clock import local_date
from hazwatch.core.context import Context
from hazwatch.core.scope import visible_organisations
from hazwatch.registry.choices import (
    GOVERNMENT_KINDS,
    SUPPLY_LICENCES,
    DepartmentFunction,
    OrganisationKind,
)
from hazwatch.registry.models import (
    Lease,
    Licence,
    Organisation,
    SupervisionAssignment,
    Supply,
)
from hazwatch.registry.resources import lease_chain
from hazwatch.registry.service import district_of


@with_colours({"major": "red", "serious": "orange", "general": "yellow", "notice": "blue"})
class Severity(Choice):
    MAJOR = "major"
    SERIOUS = "serious"
    GENERAL = "general"
    NOTICE = "notice"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    organisation_id: int | None
    object_type: str
    object_id: int
    params: dict[str, Any] = field(default_factory=dict)
    fallback_owner_id: int | None = None
    #: Other organisations the finding concerns (the lessee of a lease, the customer of a supply).
    parties: tuple[int, ...] = ()

    @property
    def involved(self) -> set[int]:
        own = {self.organisation_id} if self.organisation_id is not None else set()
        return own | set(self.parties)

    @property
    def message_key(self) -> str:
        return f"registry.finding.{self.code}"

    @property
    def legal_basis_key(self) -> str:
        return f"registry.basis.{self.code}"


@dataclass(frozen=True)
class AsOf:
    """The moment findings are computed for: the context clock's (so a test or a replay
    sees the findings of its own time), and that day where the sites are."""

    now: datetime
    today: date

    @classmethod
    def of(cls, context: Context) -> AsOf:
        now = context.clock.now()
        return cls(now, local_date(now, context.settings.timezone))


Visible = frozenset[int] | None
FindingRule = Callable[[Session, Visible, AsOf], Iterable[Finding]]
_RULES: list[FindingRule] = []


def register_rule(rule: FindingRule) -> FindingRule:
    if rule not in _RULES:
        _RULES.append(rule)
    return rule


def _in_scope(visible: Visible, *organisation_ids: int | None) -> bool:
    return visible is None or any(o in visible for o in organisation_ids if o is not None)


@register_rule
def sublease_without_consent(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    """A sub-lease needs the head lessor's consent (Civil Code Art. 716)."""
    for lease in session.scalars(select(Lease).where(Lease.parent_id.is_not(None))):
        if not _in_scope(visible, lease.lessor_id, lease.lessee_id):
            continue
        parent = lease_chain(session, lease.parent_id)[0]
        if not (lease.lessor_consent or parent.sublet_allowed):
            yield Finding(
                "sublease_without_consent",
                Severity.SERIOUS,
                lease.lessor_id,
                "lease",
                lease.id,
                {"lessor": lease.lessor_id, "lessee": lease.lessee_id},
                parties=(lease.lessee_id,),
            )


@register_rule
def lease_without_safety_agreement(
    session: Session, visible: Visible, as_of: AsOf
) -> Iterable[Finding]:
    """Every let needs a safety management agreement (Safety Production Law Art. 49 §2)."""
    today = as_of.today
    for lease in session.scalars(select(Lease)):
        if not _in_scope(visible, lease.lessor_id, lease.lessee_id):
            continue
        expired = lease.safety_agreement_end is not None and lease.safety_agreement_end < today
        if not lease.safety_agreement_document or expired:
            yield Finding(
                "lease_without_safety_agreement",
                Severity.SERIOUS,
                lease.lessor_id,
                "lease",
                lease.id,
                {"lessor": lease.lessor_id, "lessee": lease.lessee_id, "expired": expired},
                parties=(lease.lessee_id,),
            )


def valid_supply_licence(session: Session, organisation_id: int, on: date) -> Licence | None:
    return session.scalar(
        select(Licence).where(
            Licence.organisation_id == organisation_id,
            Licence.licence_type.in_([str(t) for t in SUPPLY_LICENCES]),
            Licence.revoked.is_(False),
            Licence.valid_from <= on,
            Licence.valid_until >= on,
        )
    )


@register_rule
def unlicensed_supplier(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    """Supplying hazardous chemicals needs a licence (Hazchem Regulations Art. 33 §1)."""
    today = as_of.today
    for supply in session.scalars(select(Supply).where(Supply.hazardous.is_(True))):
        if not _in_scope(visible, supply.supplier_id, supply.customer_id):
            continue
        if valid_supply_licence(session, supply.supplier_id, today) is None:
            yield Finding(
                "unlicensed_supplier",
                Severity.MAJOR,
                supply.supplier_id,
                "supply",
                supply.id,
                {"substance": supply.substance, "customer": supply.customer_id},
                parties=(supply.customer_id,),
            )


#: Other sources of "this organisation is supervised" (the supervision package's matrices).
SupervisedSource = Callable[[Session, AsOf], set[int]]
_SUPERVISED: list[SupervisedSource] = []


def register_supervised(source: SupervisedSource) -> SupervisedSource:
    if source not in _SUPERVISED:
        _SUPERVISED.append(source)
    return source


def fallback_owner(session: Session, organisation: Organisation) -> Organisation | None:
    """The emergency-management bureau of the organisation's district (兜底责任)."""
    district = district_of(session, organisation.jurisdiction_id)
    if district is None:
        return None
    return session.scalar(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.REGULATOR,
            Organisation.department_function == DepartmentFunction.EMERGENCY_MANAGEMENT,
            Organisation.jurisdiction_id == district.id,
        )
    )


@register_rule
def supervision_blind_spot(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    """An organisation no department supervises, by assignment or by a responsibility matrix
    (Safety Production Law Art. 10 §2)."""
    supervised = set(session.scalars(select(SupervisionAssignment.organisation_id)))
    for source in _SUPERVISED:
        supervised |= source(session, as_of)
    query = select(Organisation).where(Organisation.kind.not_in([str(k) for k in GOVERNMENT_KINDS]))
    for organisation in session.scalars(query):
        if organisation.id in supervised or not _in_scope(visible, organisation.id):
            continue
        owner = fallback_owner(session, organisation)
        yield Finding(
            "supervision_blind_spot",
            Severity.SERIOUS,
            organisation.id,
            "organisation",
            organisation.id,
            {"fallback": owner.name if owner else "-"},
            fallback_owner_id=owner.id if owner else None,
        )


def compute(
    session: Session,
    principal: Principal,
    as_of: AsOf,
    *,
    organisation_id: int | None = None,
    code: str | None = None,
) -> list[Finding]:
    visible = visible_organisations(session, principal)
    findings = [finding for rule in _RULES for finding in rule(session, visible, as_of)]
    if organisation_id is not None:
        findings = [f for f in findings if organisation_id in f.involved]
    if code is not None:
        findings = [f for f in findings if f.code == code]
    order = list(Severity)
    return sorted(findings, key=lambda f: (order.index(f.severity), f.code, f.object_id))
