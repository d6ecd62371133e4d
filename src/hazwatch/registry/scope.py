"""The tenancy rule: which organisations a principal sees, and which it may change.

Reads are scoped by :func:`resolve` (installed into :mod:`hazwatch.core.scope` when the
wiring imports this module). Writes go through :class:`Tenancy`: every create and update
asks it for each object it names (a site, a room, a device…), and gets the row back only
when the caller may write it. A reference the caller cannot see answers 404 (existence is
not disclosed), one it sees but may not change answers 403, both naming the field.
Leases and supplies grant visibility only once the other party has confirmed them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core import scope
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.db import Base
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.monitoring.models import Device, MeasurementPoint
from hazwatch.registry.choices import Consent
from hazwatch.registry.models import (
    Building,
    Door,
    Jurisdiction,
    Lease,
    Organisation,
    Room,
    Site,
    Supply,
    Tank,
)

M = TypeVar("M", bound=Base)


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
    edges = session.execute(
        select(Lease.lessor_id, Lease.lessee_id).where(Lease.status == Consent.CONFIRMED)
    ).all()
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


def site_tenants(session: Session, site_id: int) -> set[int]:
    """Organisations holding a confirmed lease (or sub-lease) on the site: they may place
    their own buildings, rooms, doors, devices and points on it."""
    return set(
        session.scalars(
            select(Lease.lessee_id).where(
                Lease.site_id == site_id, Lease.status == Consent.CONFIRMED
            )
        )
    )


def sites_of(session: Session, organisations: frozenset[int] | None) -> dict[int, str]:
    """Sites (id → name) that ``organisations`` own or hold a confirmed lease or sub-lease
    on (None = every site): a tenant keeps its plans, drills, units and equipment on the
    landlord's site it works in, which it does not own and the registry's scoped site list
    therefore leaves out."""
    query = select(Site.id, Site.name).order_by(Site.id)
    if organisations is not None:
        leased = select(Lease.site_id).where(
            Lease.lessee_id.in_(organisations), Lease.status == Consent.CONFIRMED
        )
        query = query.where(Site.organisation_id.in_(organisations) | Site.id.in_(leased))
    return dict(session.execute(query).all())


class Tenancy:
    """What one caller may write, asked once per request by every service.

    Each ``writable_*`` method returns the referenced row or raises: ``scope.not_found``
    (404) when it does not exist or the caller cannot see it, ``tenancy.not_writable``
    (403) when the caller sees it but may not change it; ``field`` names the reference.
    """

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    @cached_property
    def visible(self) -> frozenset[int] | None:
        return scope.visible_organisations(self.session, self.principal)

    @cached_property
    def writable(self) -> frozenset[int] | None:
        return writable_organisations(self.session, self.principal)

    def may_see(self, organisation_id: int | None) -> bool:
        return self.visible is None or organisation_id in self.visible

    def may_write(self, organisation_id: int | None) -> bool:
        return self.writable is None or organisation_id in self.writable

    def may_write_any(self, organisation_ids: Iterable[int | None]) -> bool:
        return any(self.may_write(org) for org in organisation_ids)

    def ensure_writable(
        self, owners: Iterable[int | None], field: str | None = None, **params: Any
    ) -> None:
        """The caller may write one of ``owners``, else 403 (seen) or 404 (unseen)."""
        owners = list(owners)
        if self.may_write_any(owners):
            return
        if any(self.may_see(org) for org in owners):
            raise Forbidden("tenancy.not_writable", field=field, **params)
        raise NotFound("scope.not_found", field=field, **params)

    def _row(self, model: type[M], ident: int | None, field: str) -> M:
        row = self.session.get(model, ident) if ident is not None else None
        if row is None:
            # Only a caller who sees everything learns that the row does not exist at all.
            code = "registry.unknown_reference" if self.visible is None else "scope.not_found"
            raise NotFound(code, field=field, id=ident)
        return row

    def _owned(self, model: type[M], ident: int | None, field: str, *owners: str) -> M:
        row = self._row(model, ident, field)
        self.ensure_writable((getattr(row, name) for name in owners), field, id=ident)
        return row

    # -- the references ------------------------------------------------------------------

    def writable_organisation(self, ident: int | None, field: str = "organisation_id") -> int:
        """An organisation the caller may write for (its own, or its area for a regulator)."""
        self._row(Organisation, ident, field)
        self.ensure_writable([ident], field, id=ident)
        assert ident is not None
        return ident

    def counterparty(self, ident: int | None, field: str) -> Organisation:
        """The other party of a lease or supply: it need not be visible (it will be asked
        to confirm), only exist."""
        return self._row(Organisation, ident, field)

    def writable_site(
        self, ident: int | None, field: str = "site_id", *, for_organisation: int | None = None
    ) -> Site:
        """A site the caller may write, or one ``for_organisation`` (already checked as
        writable) holds a confirmed lease on."""
        site = self._row(Site, ident, field)
        if self.may_write(site.organisation_id):
            return site
        if for_organisation is not None and for_organisation in site_tenants(self.session, site.id):
            return site
        self.ensure_writable([site.organisation_id], field, id=ident)
        raise Forbidden("tenancy.not_writable", field=field, id=ident)

    def writable_building(
        self, ident: int | None, field: str = "building_id", *, for_organisation: int | None = None
    ) -> Building:
        building = self._row(Building, ident, field)
        if self.may_write(building.organisation_id):
            return building
        if for_organisation is not None and for_organisation in site_tenants(
            self.session, building.site_id
        ):
            return building
        self.ensure_writable([building.organisation_id], field, id=ident)
        raise Forbidden("tenancy.not_writable", field=field, id=ident)

    def writable_room(self, ident: int | None, field: str = "room_id") -> Room:
        return self._owned(Room, ident, field, "organisation_id")

    def writable_tank(
        self, ident: int | None, field: str = "tank_id", *, for_organisation: int | None = None
    ) -> Tank:
        """A tank the caller owns or operates, or one supplying ``for_organisation`` under
        a confirmed supply (a lab watches the tank feeding its rooms)."""
        tank = self._row(Tank, ident, field)
        if self.may_write_any((tank.organisation_id, tank.operator_id)):
            return tank
        if for_organisation is not None and self.session.scalar(
            select(Supply.id).where(
                Supply.tank_id == tank.id,
                Supply.customer_id == for_organisation,
                Supply.status == Consent.CONFIRMED,
            )
        ):
            return tank
        return self._owned(Tank, ident, field, "organisation_id", "operator_id")

    def writable_device(self, ident: int | None, field: str = "device_id") -> Device:
        return self._owned(Device, ident, field, "organisation_id")

    def writable_device_code(self, code: str, field: str = "device_code") -> Device:
        ident = self.session.scalar(select(Device.id).where(Device.code == code))
        return self.writable_device(ident, field)

    def writable_point(self, ident: int | None, field: str = "point_id") -> MeasurementPoint:
        return self._owned(MeasurementPoint, ident, field, "organisation_id")

    def writable_door(self, ident: int | None, field: str = "door_id") -> Door:
        return self._owned(Door, ident, field, "organisation_id")

    def writable_lease(self, ident: int | None, field: str = "parent_id") -> Lease:
        return self._owned(Lease, ident, field, "lessor_id", "lessee_id")

    def writable_supply(self, ident: int | None, field: str = "supply_id") -> Supply:
        return self._owned(Supply, ident, field, "supplier_id", "customer_id")

    def writable_row(self, model: type[M], ident: int | None, field: str, *owners: str) -> M:
        """Any other owned row (an inspection template, a plan…) by its owner columns."""
        return self._owned(model, ident, field, *(owners or ("organisation_id",)))

    @staticmethod
    def same_organisation(row: Any, organisation_id: int, field: str, *owners: str) -> None:
        """A reference must belong to the organisation of the object that names it."""
        if organisation_id not in {getattr(row, name) for name in owners or ("organisation_id",)}:
            raise InvalidInput("tenancy.other_organisation", field=field)


def consent_for(
    tenancy: Tenancy, parties: tuple[int, int], link: Lease | Supply, now: datetime
) -> None:
    """Set who asks and who confirms a new or re-pointed lease or supply: confirmed at
    once when the caller may write both parties, else pending on the other party."""
    first, second = parties
    if tenancy.may_write(first) and tenancy.may_write(second):
        link.status, link.requested_by_id, link.decided_at = Consent.CONFIRMED, None, now
    elif tenancy.may_write(first):
        link.status, link.requested_by_id, link.decided_at = Consent.PENDING, first, None
    else:
        link.status, link.requested_by_id, link.decided_at = Consent.PENDING, second, None


def _answering_parties(link: Lease | Supply) -> list[int]:
    """The parties of a link other than the one that asked: they confirm or decline it."""
    parties = (
        (link.lessor_id, link.lessee_id)
        if isinstance(link, Lease)
        else (link.supplier_id, link.customer_id)
    )
    return [p for p in parties if p != link.requested_by_id]


def awaits_answer_from(session: Session, principal: Principal, link: Lease | Supply) -> bool:
    """Whether ``principal`` is the one a pending link waits for (the console offers it the
    confirm and decline buttons; the asking party only sees that it is pending)."""
    return link.status == Consent.PENDING and Tenancy(session, principal).may_write_any(
        _answering_parties(link)
    )


def decide_consent(
    session: Session, principal: Principal, link: Lease | Supply, accept: bool, now: datetime
) -> None:
    """The other party confirms or declines a pending link; the asking party cannot."""
    if link.status != Consent.PENDING:
        raise InvalidInput("tenancy.not_pending", field="status", status=link.status)
    Tenancy(session, principal).ensure_writable(_answering_parties(link), "status")
    link.status = Consent.CONFIRMED if accept else Consent.DECLINED
    link.decided_at = now


scope.install_resolver(resolve)
