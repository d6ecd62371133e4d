"""The registry's resources: how each is scoped, who may write it, and what must hold.

A :class:`Resource` ties a model to its input/output schemas, the SQL condition that scopes a
list to the caller's organisations, the organisations an object belongs to, and the
referential checks a create or update must pass. The generic operations in
:mod:`hazwatch.registry.service` do the rest, so every resource follows one set of rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Role
from hazwatch.core.db import Base
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.registry import schemas
from hazwatch.registry.choices import GOVERNMENT_KINDS, JURISDICTION_LEVEL, OrganisationKind
from hazwatch.registry.models import (
    Building,
    Door,
    DoorGuard,
    HazardSource,
    Jurisdiction,
    Lease,
    Licence,
    Organisation,
    Room,
    Site,
    SupervisionAssignment,
    Supply,
    Tank,
)
from hazwatch.registry.scope import Tenancy, jurisdiction_subtree

Visible = frozenset[int]
Check = Callable[[Tenancy, schemas.Input, Any], None]


@dataclass(frozen=True)
class Resource:
    name: str
    model: type[Base]
    schema_in: type[schemas.Input]
    schema_out: type[schemas.Output]
    #: SQL condition restricting a list to the visible organisations.
    scope: Callable[[Visible], ColumnElement[bool]]
    #: Organisations an object belongs to (any one visible makes it visible).
    owners: Callable[[Any], set[int]]
    check: Check
    #: Roles allowed to write (besides the platform administrator); None = any editor.
    writers: frozenset[Role] | None = None
    search_column: str = "name"


def require(session: Session, model: type[Base], ident: int | None, field: str) -> Any:
    """The referenced row, or a 404 naming the field that pointed at nothing."""
    if ident is None:
        return None
    row = session.get(model, ident)
    if row is None:
        raise NotFound("registry.unknown_reference", field=field, id=ident)
    return row


def _check_jurisdiction(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    session = tenancy.session
    assert isinstance(data, schemas.JurisdictionIn)
    parent: Jurisdiction | None = require(session, Jurisdiction, data.parent_id, "parent_id")
    if parent is not None and JURISDICTION_LEVEL[parent.kind] >= JURISDICTION_LEVEL[data.kind]:
        raise InvalidInput("registry.jurisdiction_kind_order", field="parent_id")
    if current is not None and data.parent_id is not None:
        node: Jurisdiction | None = session.get(Jurisdiction, data.parent_id)
        while node is not None:
            if node.id == current.id:
                raise InvalidInput("registry.jurisdiction_cycle", field="parent_id")
            node = node.parent


def _check_organisation(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    session = tenancy.session
    assert isinstance(data, schemas.OrganisationIn)
    require(session, Jurisdiction, data.jurisdiction_id, "jurisdiction_id")
    moved = current is not None and data.jurisdiction_id != current.jurisdiction_id
    if moved and not tenancy.principal.is_platform_admin:
        # The jurisdiction decides which regulators supervise it: only one of them moves it.
        area = (
            jurisdiction_subtree(session, tenancy.principal.jurisdiction_id)
            if tenancy.principal.role is Role.REGULATOR and tenancy.principal.jurisdiction_id
            else set()
        )
        if data.jurisdiction_id not in area:
            raise Forbidden("registry.not_your_jurisdiction", field="jurisdiction_id")
    clash = session.scalar(
        select(Organisation.id).where(Organisation.credit_code == data.credit_code)
    )
    if clash is not None and (current is None or clash != current.id):
        raise Conflict("registry.credit_code_taken", field="credit_code", value=data.credit_code)


def _check_site(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    assert isinstance(data, schemas.SiteIn)
    tenancy.writable_organisation(data.organisation_id)
    require(tenancy.session, Jurisdiction, data.jurisdiction_id, "jurisdiction_id")


def _check_building(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    assert isinstance(data, schemas.BuildingIn)
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_site(data.site_id, for_organisation=owner)


def _check_room(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    assert isinstance(data, schemas.RoomIn)
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_building(data.building_id, for_organisation=owner)


def _check_hazard_source(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    assert isinstance(data, schemas.HazardSourceIn)
    room = tenancy.writable_room(data.room_id)
    if data.supply_id is None:
        return
    supply = tenancy.writable_supply(data.supply_id)
    if supply.customer_id != room.organisation_id:
        raise InvalidInput("registry.hazard_supply_other_customer", field="supply_id")


def _check_door(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    assert isinstance(data, schemas.DoorIn)
    session = tenancy.session
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_site(data.site_id, for_organisation=owner)
    clash = session.scalar(select(Door.id).where(Door.code == data.code))
    if clash is not None and (current is None or clash != current.id):
        raise Conflict("registry.door_code_taken", field="code", value=data.code)
    for room_id in data.guarded_room_ids:
        # A door guards the rooms of its own organisation only: another's door must not
        # decide who enters them (nor turn their alarms into its refusals).
        room = tenancy.writable_room(room_id, "guarded_room_ids")
        tenancy.same_organisation(room, owner, "guarded_room_ids")
        building = session.get(Building, room.building_id)
        if building is None or building.site_id != data.site_id:
            raise InvalidInput(
                "registry.door_room_other_site", field="guarded_room_ids", id=room_id
            )
    if data.reader_device_id is not None:
        reader = tenancy.writable_device(data.reader_device_id, "reader_device_id")
        tenancy.same_organisation(reader, owner, "reader_device_id")
        if reader.site_id != data.site_id:
            raise InvalidInput("registry.door_reader_other_site", field="reader_device_id")


def lease_chain(session: Session, lease_id: int | None) -> list[Lease]:
    """The lease and its ancestors, nearest first (stops on a corrupt loop)."""
    chain: list[Lease] = []
    seen: set[int] = set()
    while lease_id is not None and lease_id not in seen:
        seen.add(lease_id)
        lease = session.get(Lease, lease_id)
        if lease is None:
            break
        chain.append(lease)
        lease_id = lease.parent_id
    return chain


def _parties(tenancy: Tenancy, first: tuple[str, int], second: tuple[str, int]) -> None:
    """A lease or supply is recorded by one of its parties (the other confirms it)."""
    (first_field, first_id), (second_field, second_id) = first, second
    for field, ident in ((first_field, first_id), (second_field, second_id)):
        tenancy.counterparty(ident, field)
    if not tenancy.may_write_any((first_id, second_id)):
        tenancy.writable_organisation(first_id, first_field)


def _check_lease(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    assert isinstance(data, schemas.LeaseIn)
    session = tenancy.session
    _parties(tenancy, ("lessor_id", data.lessor_id), ("lessee_id", data.lessee_id))
    site: Site = require(session, Site, data.site_id, "site_id")
    if data.parent_id is None:
        if site.organisation_id != data.lessor_id:
            raise InvalidInput("registry.lease_site_not_lessors", field="site_id")
        return
    parent = tenancy.writable_lease(data.parent_id)
    if parent.lessee_id != data.lessor_id:
        raise InvalidInput("registry.sublease_lessor_mismatch", field="lessor_id")
    if parent.site_id != data.site_id:
        raise InvalidInput("registry.sublease_other_site", field="site_id")
    ancestors = lease_chain(session, parent.id)
    if current is not None and any(lease.id == current.id for lease in ancestors):
        raise InvalidInput("registry.lease_cycle", field="parent_id")
    parties = {lease.lessor_id for lease in ancestors} | {parent.lessee_id}
    if data.lessee_id in parties:
        raise InvalidInput("registry.lease_cycle", field="lessee_id")


def _check_tank(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    assert isinstance(data, schemas.TankIn)
    owner = tenancy.writable_organisation(data.organisation_id)
    tenancy.writable_site(data.site_id, for_organisation=owner)
    if data.operator_id is not None and data.operator_id != owner:
        # The operator (a supplier running the tank, say) is named, not written for: it
        # sees the tank only through the owner's record.
        tenancy.counterparty(data.operator_id, "operator_id")


def _check_supply(tenancy: Tenancy, data: schemas.Input, _current: Any) -> None:
    """Each reference is the caller's own, or the other party's (which then confirms)."""
    assert isinstance(data, schemas.SupplyIn)
    session = tenancy.session
    _parties(tenancy, ("supplier_id", data.supplier_id), ("customer_id", data.customer_id))
    tank: Tank | None = require(session, Tank, data.tank_id, "tank_id")
    room: Room | None = require(session, Room, data.room_id, "room_id")
    parties = {data.supplier_id, data.customer_id}
    if tank is not None and not {tank.organisation_id, tank.operator_id} & parties:
        raise InvalidInput("registry.supply_tank_unrelated", field="tank_id")
    if room is not None and room.organisation_id != data.customer_id:
        raise InvalidInput("registry.supply_room_not_customers", field="room_id")


def _check_licence(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    session = tenancy.session
    assert isinstance(data, schemas.LicenceIn)
    tenancy.writable_organisation(data.organisation_id)
    clash = session.scalar(
        select(Licence.id).where(
            Licence.licence_type == data.licence_type, Licence.number == data.number
        )
    )
    if clash is not None and (current is None or clash != current.id):
        raise Conflict("registry.licence_taken", field="number", number=data.number)


def _check_assignment(tenancy: Tenancy, data: schemas.Input, current: Any) -> None:
    session = tenancy.session
    assert isinstance(data, schemas.SupervisionAssignmentIn)
    department: Organisation = require(session, Organisation, data.department_id, "department_id")
    if department.kind != OrganisationKind.REGULATOR:
        raise InvalidInput("registry.department_not_regulator", field="department_id")
    supervised: Organisation = require(
        session, Organisation, data.organisation_id, "organisation_id"
    )
    tenancy.ensure_writable([supervised.id, department.id], "organisation_id")
    if supervised.kind in GOVERNMENT_KINDS:
        raise InvalidInput("registry.supervised_is_government", field="organisation_id")
    area = (
        jurisdiction_subtree(session, department.jurisdiction_id)
        if department.jurisdiction_id is not None
        else set()
    )
    if supervised.jurisdiction_id not in area:
        raise InvalidInput("registry.outside_department_area", field="organisation_id")
    clash = session.scalar(
        select(SupervisionAssignment.id).where(
            SupervisionAssignment.department_id == data.department_id,
            SupervisionAssignment.organisation_id == data.organisation_id,
            SupervisionAssignment.stage == data.stage,
        )
    )
    if clash is not None and (current is None or clash != current.id):
        raise Conflict("registry.assignment_exists", field="stage")


def _rooms_of(visible: Visible) -> Any:
    return select(Room.id).where(Room.organisation_id.in_(visible))


RESOURCES: dict[str, Resource] = {
    resource.name: resource
    for resource in (
        Resource(
            "jurisdictions",
            Jurisdiction,
            schemas.JurisdictionIn,
            schemas.JurisdictionOut,
            scope=lambda _v: true(),
            owners=lambda _o: set(),
            check=_check_jurisdiction,
            writers=frozenset(),
        ),
        Resource(
            "organisations",
            Organisation,
            schemas.OrganisationIn,
            schemas.OrganisationOut,
            scope=lambda v: Organisation.id.in_(v),
            owners=lambda o: {o.id},
            check=_check_organisation,
            writers=frozenset({Role.REGULATOR, Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER}),
        ),
        Resource(
            "sites",
            Site,
            schemas.SiteIn,
            schemas.SiteOut,
            scope=lambda v: Site.organisation_id.in_(v),
            owners=lambda o: {o.organisation_id},
            check=_check_site,
        ),
        Resource(
            "buildings",
            Building,
            schemas.BuildingIn,
            schemas.BuildingOut,
            scope=lambda v: Building.organisation_id.in_(v),
            owners=lambda o: {o.organisation_id},
            check=_check_building,
        ),
        Resource(
            "rooms",
            Room,
            schemas.RoomIn,
            schemas.RoomOut,
            scope=lambda v: Room.organisation_id.in_(v),
            owners=lambda o: {o.organisation_id},
            check=_check_room,
        ),
        Resource(
            "hazard-sources",
            HazardSource,
            schemas.HazardSourceIn,
            schemas.HazardSourceOut,
            scope=lambda v: HazardSource.room_id.in_(_rooms_of(v)),
            owners=lambda o: {o.room.organisation_id} if o.room is not None else set(),
            check=_check_hazard_source,
            search_column="substance",
        ),
        Resource(
            "doors",
            Door,
            schemas.DoorIn,
            schemas.DoorOut,
            scope=lambda v: Door.organisation_id.in_(v),
            owners=lambda o: {o.organisation_id},
            check=_check_door,
        ),
        Resource(
            "leases",
            Lease,
            schemas.LeaseIn,
            schemas.LeaseOut,
            scope=lambda v: or_(Lease.lessor_id.in_(v), Lease.lessee_id.in_(v)),
            owners=lambda o: {o.lessor_id, o.lessee_id},
            check=_check_lease,
            search_column="premises",
        ),
        Resource(
            "tanks",
            Tank,
            schemas.TankIn,
            schemas.TankOut,
            scope=lambda v: or_(Tank.organisation_id.in_(v), Tank.operator_id.in_(v)),
            owners=lambda o: {o.organisation_id} | ({o.operator_id} if o.operator_id else set()),
            check=_check_tank,
        ),
        Resource(
            "supplies",
            Supply,
            schemas.SupplyIn,
            schemas.SupplyOut,
            scope=lambda v: or_(Supply.supplier_id.in_(v), Supply.customer_id.in_(v)),
            owners=lambda o: {o.supplier_id, o.customer_id},
            check=_check_supply,
            search_column="substance",
        ),
        Resource(
            "licences",
            Licence,
            schemas.LicenceIn,
            schemas.LicenceOut,
            scope=lambda v: Licence.organisation_id.in_(v),
            owners=lambda o: {o.organisation_id},
            check=_check_licence,
            search_column="number",
        ),
        Resource(
            "supervision-assignments",
            SupervisionAssignment,
            schemas.SupervisionAssignmentIn,
            schemas.SupervisionAssignmentOut,
            scope=lambda v: or_(
                SupervisionAssignment.organisation_id.in_(v),
                SupervisionAssignment.department_id.in_(v),
            ),
            owners=lambda o: {o.organisation_id, o.department_id},
            check=_check_assignment,
            writers=frozenset({Role.REGULATOR}),
            search_column="basis",
        ),
    )
}


def resource(name: str) -> Resource:
    try:
        return RESOURCES[name]
    except KeyError:
        raise NotFound("registry.unknown_kind", kind=name) from None


def set_door_guards(door: Door, room_ids: list[int]) -> None:
    """Replace the rooms a door guards (the only many-to-many in the registry)."""
    wanted = list(dict.fromkeys(room_ids))
    door.guards = [
        DoorGuard(room_id=room_id, organisation_id=door.organisation_id) for room_id in wanted
    ]
