"""Hazardous-waste stores and the points watching them (seed 001 measure 8: "危废储存场所安装
热成像监控"). A store's temperature and thermal-imaging points are ordinary measurement
points of the producer: the alarm engine raises, escalates and dispatches their alarms as
any sensor's; the store only names which points watch it, so its state is theirs (a store
with an active alarm, or with no thermal imaging at all, is a finding)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Conflict, InvalidInput
from hazwatch.core.scope import restrict
from hazwatch.district.waste.choices import StorePointRole
from hazwatch.district.waste.models import WasteStore, WasteStorePoint
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm
from hazwatch.registry.scope import Tenancy


def create_store(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    site_id: int,
    name: str,
    room_id: int | None = None,
) -> WasteStore:
    tenancy = Tenancy(session, principal)
    tenancy.writable_organisation(organisation_id)
    site = tenancy.writable_site(site_id, for_organisation=organisation_id)
    if room_id is not None:
        room = tenancy.writable_room(room_id)
        Tenancy.same_organisation(room, organisation_id, "room_id", "organisation_id")
    if not name.strip():
        raise InvalidInput("district.waste.name_required", field="name")
    taken = select(WasteStore.id).where(
        WasteStore.site_id == site.id, WasteStore.name == name.strip()
    )
    if session.scalar(taken) is not None:
        raise Conflict("district.waste.store_exists", field="name")
    store = WasteStore(
        organisation_id=organisation_id, site_id=site.id, room_id=room_id, name=name.strip()
    )
    session.add(store)
    session.flush()
    return store


def attach_point(
    session: Session, principal: Principal, store_id: int, point_id: int, role: StorePointRole
) -> WasteStorePoint:
    """A temperature point of the store's organisation and site starts watching it."""
    tenancy = Tenancy(session, principal)
    store = tenancy.writable_row(WasteStore, store_id, "store_id")
    point = tenancy.writable_point(point_id)
    Tenancy.same_organisation(point, store.organisation_id, "point_id", "organisation_id")
    if point.site_id != store.site_id:
        raise InvalidInput("district.waste.point_elsewhere", field="point_id")
    if point.kind != PointKind.TEMPERATURE:
        raise InvalidInput("district.waste.point_not_temperature", field="point_id")
    if session.get(WasteStorePoint, point.id) is not None:
        raise Conflict("district.waste.point_watches_a_store", field="point_id")
    link = WasteStorePoint(
        point_id=point.id, store_id=store.id, organisation_id=store.organisation_id, role=role
    )
    session.add(link)
    session.flush()
    return link


@dataclass(frozen=True)
class StoreState:
    store: WasteStore
    points: list[WasteStorePoint]
    #: Alarms of its points not back to normal (the engine's, as on the alarm list).
    alarms: list[Alarm]

    @property
    def thermal_imaging(self) -> bool:
        return any(p.role == StorePointRole.THERMAL_IMAGING for p in self.points)


def store_states(
    session: Session, principal: Principal | None, visible: frozenset[int] | None = None
) -> list[StoreState]:
    """The stores the caller sees (or those of ``visible`` for the finding rules)."""
    query = select(WasteStore).order_by(WasteStore.organisation_id, WasteStore.id)
    if principal is not None:
        query = restrict(query, WasteStore.organisation_id, session, principal)
    elif visible is not None:
        query = query.where(WasteStore.organisation_id.in_(visible))
    stores = list(session.scalars(query))
    links = list(
        session.scalars(
            select(WasteStorePoint).where(WasteStorePoint.store_id.in_([s.id for s in stores]))
        )
    )
    alarms = list(
        session.scalars(
            select(Alarm).where(
                Alarm.point_id.in_([link.point_id for link in links]), Alarm.state != "normal"
            )
        )
    )
    found = []
    for store in stores:
        own = [link for link in links if link.store_id == store.id]
        points = {link.point_id for link in own}
        found.append(StoreState(store, own, [a for a in alarms if a.point_id in points]))
    return found
