"""The tenancy rule: which organisations a principal sees, and which it may change.

Installed into :mod:`hazwatch.core.scope` when the wiring imports this module.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core import scope
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.registry.models import Jurisdiction, Lease, Organisation


def jurisdiction_subtree(session: Session, root_id: int) -> set[int]:
    """The jurisdiction and every descendant (district → streets → parks)."""
    edges = session.execute(select(Jurisdiction.id, Jurisdiction.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for child, parent in edges:
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [root_id]
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, ()))
    return found


def lessees_down_the_chain(session: Session, lessor_id: int) -> set[int]:
    """Every organisation holding a lease or sub-lease below ``lessor_id``."""
    edges = session.execute(select(Lease.lessor_id, Lease.lessee_id)).all()
    by_lessor: dict[int, set[int]] = {}
    for lessor, lessee in edges:
        by_lessor.setdefault(lessor, set()).add(lessee)
    found: set[int] = set()
    stack = list(by_lessor.get(lessor_id, ()))
    while stack:
        tenant = stack.pop()
        if tenant in found or tenant == lessor_id:
            continue
        found.add(tenant)
        stack.extend(by_lessor.get(tenant, ()))
    return found


def resolve(session: Session, principal: Principal) -> frozenset[int] | None:
    if principal.is_platform_admin:
        return None
    if principal.role is Role.REGULATOR:
        if principal.jurisdiction_id is None:
            return frozenset()
        area = jurisdiction_subtree(session, principal.jurisdiction_id)
        ids = session.scalars(select(Organisation.id).where(Organisation.jurisdiction_id.in_(area)))
        return frozenset(ids)
    if principal.organisation_id is None:
        return frozenset()
    visible = {principal.organisation_id}
    if principal.role is Role.LANDLORD:
        visible |= lessees_down_the_chain(session, principal.organisation_id)
    return frozenset(visible)


def writable_organisations(session: Session, principal: Principal) -> frozenset[int] | None:
    """Organisations whose safety data the principal may change (None = all).

    Landlords and suppliers change their own records only: seeing a tenant is not managing it.
    Workers change nothing.
    """
    if principal.is_platform_admin:
        return None
    if not principal.can_edit and principal.role not in (Role.LANDLORD, Role.SUPPLIER):
        return frozenset()
    if principal.role is Role.REGULATOR:
        return resolve(session, principal)
    own = principal.organisation_id
    return frozenset({own}) if own is not None else frozenset()


scope.install_resolver(resolve)
