"""The map's places and layers.

Places: a site's point (:class:`SiteLocation`, written by whoever may write the site) and a
park's outline (:class:`ParkOutline`, written by a regulator of that area). Layers are
GeoJSON ``FeatureCollection`` objects (RFC 7946: longitude first), one per
:class:`MapLayer`, each read for the caller as the rest of HazWatch reads it (tenancy): a
record without a place (a site never located) is left off its layer, never guessed.

Other capabilities add a layer by registering a builder (:func:`register_layer`); the
builders of the district programme live here so the map shows the whole programme in one
place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.chemicals import service as chemicals
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import as_utc, local_date
from hazwatch.core.errors import Forbidden, InvalidInput, NotFound
from hazwatch.core.i18n import translate
from hazwatch.core.scope import visible_organisations
from hazwatch.district.admission import service as admission
from hazwatch.district.coverage import service as coverage
from hazwatch.district.map.choices import MapLayer
from hazwatch.district.map.models import ParkOutline, SiteLocation
from hazwatch.district.resources import service as resources
from hazwatch.district.resources.choices import DispatchPurpose, LineState, TeamKind
from hazwatch.district.transport import geometry
from hazwatch.district.transport import service as transport
from hazwatch.district.transport.choices import WarningKind, ZoneKind
from hazwatch.district.transport.models import Vehicle
from hazwatch.district.waste import service as waste
from hazwatch.district.waste import stores as waste_stores
from hazwatch.district.waste.choices import ManifestState
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.choices import AlarmState
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Building, Jurisdiction, Organisation, Room, Site
from hazwatch.registry.scope import Tenancy, jurisdiction_subtree
from hazwatch.supervision import dispatch
from hazwatch.supervision.choices import DispatchState
from hazwatch.supervision.models import DispatchOrder

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]

#: Colours of an alarm's priority and a dispatched warning's level (the same four names).
LEVEL_COLOURS = {"urgent": "red", "high": "red", "medium": "orange", "low": "yellow"}
MAJOR_HAZARD_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
#: A project's strongest 两重点一重大 flag as its colour (no flag: its review state's).
PROJECT_FLAG_COLOURS = {"major_hazard": "red", "key_chemical": "orange", "key_process": "yellow"}
#: A closed resource dispatch stays on the map this long, so the review of a drill or an
#: incident sees where the help came from; an open one stays until its last line is back.
DISPATCH_SHOWN = timedelta(days=7)


# -- places -----------------------------------------------------------------------------------


def check_coordinate(value: Decimal, field: str) -> Decimal:
    """A finite latitude (±90) or longitude (±180); the API refuses others first, the CLI
    relies on this."""
    limit = Decimal(90) if field == "lat" else Decimal(180)
    if not value.is_finite() or not -limit <= value <= limit:
        raise InvalidInput("map.coordinate_out_of_range", field=field, low=-limit, high=limit)
    return value


def set_site_location(
    session: Session, principal: Principal, site_id: int, lat: Decimal, lon: Decimal
) -> SiteLocation:
    site = Tenancy(session, principal).writable_site(site_id)
    check_coordinate(lat, "lat")
    check_coordinate(lon, "lon")
    row = session.get(SiteLocation, site.id)
    if row is None:
        row = SiteLocation(site_id=site.id, organisation_id=site.organisation_id, lat=lat, lon=lon)
        session.add(row)
    elif (row.lat, row.lon) != (lat, lon):
        row.lat, row.lon = lat, lon
    session.flush()
    return row


def parse_outline(wkt: str, field: str = "outline") -> BaseGeometry:
    """A park's boundary: a valid area (a line, a point or a self-intersecting ring is
    refused naming ``field``)."""
    try:
        shape = shapely.from_wkt(wkt)
    except (ShapelyError, ValueError):
        shape = None  # unreadable: the transport check names it
    if shape is not None and not isinstance(shape, Polygon | MultiPolygon):
        raise InvalidInput("map.outline_not_area", field=field)
    return geometry.parse(wkt, Decimal(0), field)


def _ensure_area_regulator(session: Session, principal: Principal, jurisdiction_id: int) -> None:
    """A park's outline is the area's to draw: a regulator whose jurisdiction contains it,
    or the platform administrator."""
    if session.get(Jurisdiction, jurisdiction_id) is None:
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    if principal.is_platform_admin:
        return
    if (
        principal.role is Role.REGULATOR
        and principal.jurisdiction_id is not None
        and jurisdiction_id in jurisdiction_subtree(session, principal.jurisdiction_id)
    ):
        return
    raise Forbidden("map.regulators_only", field="jurisdiction_id")


def set_park_outline(
    session: Session, principal: Principal, jurisdiction_id: int, wkt: str
) -> ParkOutline:
    _ensure_area_regulator(session, principal, jurisdiction_id)
    parse_outline(wkt)
    row = session.get(ParkOutline, jurisdiction_id)
    if row is None:
        row = ParkOutline(jurisdiction_id=jurisdiction_id, outline=wkt.strip())
        session.add(row)
    elif row.outline != wkt.strip():
        row.outline = wkt.strip()
    session.flush()
    return row


# -- layers -----------------------------------------------------------------------------------


@dataclass
class MapQuery:
    """One caller's reading of the map: what it sees, when, in which language."""

    session: Session
    principal: Principal
    moment: Moment
    language: str
    _cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def visible(self) -> frozenset[int] | None:
        return visible_organisations(self.session, self.principal)

    def sees(self, organisation_id: int | None) -> bool:
        return self.visible is None or organisation_id in self.visible

    @cached_property
    def site_ids(self) -> set[int]:
        """Sites the caller sees: its organisations' own, and those where they occupy rooms
        (a tenant's lab is in its landlord's plant)."""
        query = select(Site.id)
        tenants = select(Building.site_id).join(Room, Room.building_id == Building.id)
        if self.visible is not None:
            query = query.where(Site.organisation_id.in_(self.visible))
            tenants = tenants.where(Room.organisation_id.in_(self.visible))
        return set(self.session.scalars(query)) | set(self.session.scalars(tenants))

    @cached_property
    def places(self) -> dict[int, tuple[float, float]]:
        """Every located site as (lon, lat), the order GeoJSON writes."""
        return {
            row.site_id: (float(row.lon), float(row.lat))
            for row in self.session.scalars(select(SiteLocation))
        }

    @cached_property
    def organisation_places(self) -> dict[int, tuple[int, tuple[float, float]]]:
        """An organisation's first located site (its id and place)."""
        found: dict[int, tuple[int, tuple[float, float]]] = {}
        for site_id, organisation_id in self.session.execute(
            select(Site.id, Site.organisation_id).order_by(Site.id)
        ):
            if site_id in self.places and organisation_id not in found:
                found[organisation_id] = (site_id, self.places[site_id])
        return found

    @cached_property
    def occupant_places(self) -> dict[int, tuple[float, float]]:
        """Where an organisation without a located site of its own works: the located site
        where it occupies rooms (a tenant's lab in its landlord's plant)."""
        found: dict[int, tuple[float, float]] = {}
        for organisation_id, site_id in self.session.execute(
            select(Room.organisation_id, Building.site_id)
            .join(Building, Building.id == Room.building_id)
            .where(Room.organisation_id.is_not(None))
            .order_by(Room.id)
        ):
            if site_id in self.places and organisation_id not in found:
                found[organisation_id] = self.places[site_id]
        return found


LayerBuilder = Callable[[MapQuery], Iterable[Feature]]
_BUILDERS: dict[MapLayer, LayerBuilder] = {}


def register_layer(layer: MapLayer) -> Callable[[LayerBuilder], LayerBuilder]:
    def attach(builder: LayerBuilder) -> LayerBuilder:
        _BUILDERS[layer] = builder
        return builder

    return attach


def feature(
    layer: MapLayer,
    ident: int | str,
    shape: dict[str, Any],
    label: str,
    colour: str | None = None,
    **properties: Any,
) -> Feature:
    return {
        "type": "Feature",
        "id": f"{layer.value}-{ident}",
        "geometry": shape,
        "properties": {
            "layer": layer.value,
            "id": ident,
            "label": label,
            "colour": colour or layer.colour,
            **properties,
        },
    }


def point(lon: float | Decimal, lat: float | Decimal) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def collection(query: MapQuery, layer: MapLayer) -> FeatureCollection:
    features = list(_BUILDERS[layer](query))
    return {
        "type": "FeatureCollection",
        "layer": layer.value,
        "label": layer.label(query.language),
        "features": features,
    }


def layers(
    session: Session,
    principal: Principal,
    moment: Moment,
    language: str,
    wanted: Iterable[MapLayer] | None = None,
) -> dict[str, FeatureCollection]:
    """The caller's layers, each a GeoJSON FeatureCollection, in drawing order (areas under
    lines under points)."""
    query = MapQuery(session, principal, moment, language)
    chosen = set(wanted) if wanted is not None else set(MapLayer)
    return {
        layer.value: collection(query, layer)
        for layer in MapLayer
        if layer in chosen and layer in _BUILDERS
    }


def bounds(collections: Iterable[FeatureCollection]) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around every feature, for fitting the view; None: empty."""
    shapes = [shapely.geometry.shape(f["geometry"]) for c in collections for f in c["features"]]
    if not shapes:
        return None
    west, south, east, north = shapely.GeometryCollection(shapes).bounds
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    return south, west, north, east


@register_layer(MapLayer.PARKS)
def _parks(query: MapQuery) -> Iterable[Feature]:
    """Outlines of the parks (and other areas) the caller's organisations or sites are in;
    a regulator sees every outline of its area."""
    outlines = query.session.scalars(select(ParkOutline).order_by(ParkOutline.jurisdiction_id))
    area: set[int | None] | None = None
    if query.visible is not None:
        area = set(
            query.session.scalars(
                select(Organisation.jurisdiction_id).where(Organisation.id.in_(query.visible))
            )
        )
        area |= set(
            query.session.scalars(select(Site.jurisdiction_id).where(Site.id.in_(query.site_ids)))
        )
        if query.principal.role is Role.REGULATOR and query.principal.jurisdiction_id:
            area |= jurisdiction_subtree(query.session, query.principal.jurisdiction_id)
    for row in outlines:
        if area is not None and row.jurisdiction_id not in area:
            continue
        park = query.session.get(Jurisdiction, row.jurisdiction_id)
        yield feature(
            MapLayer.PARKS,
            row.jurisdiction_id,
            mapping(parse_outline(row.outline)),
            park.name if park else "",
            kind=park.kind if park else "",
        )


@register_layer(MapLayer.ZONES)
def _zones(query: MapQuery) -> Iterable[Feature]:
    """Restricted road segments and areas (public road rules: every caller sees them), with
    whether their window is open now; the drawn shape is the zone as the checks use it (a
    segment widened by its half-width)."""
    local = query.moment.now.astimezone(ZoneInfo(query.moment.settings.timezone))
    for zone in transport.list_zones(query.session, active_only=True):
        if zone.kind != ZoneKind.RESTRICTED:
            continue
        area = geometry.parse(zone.geometry, zone.buffer_m)
        yield feature(
            MapLayer.ZONES,
            zone.id,
            mapping(area),
            zone.name,
            restricted_now=transport.in_window(zone.windows, local),
            windows=transport.window_text(zone.windows),
            axis=zone.geometry,
        )


@register_layer(MapLayer.SITES)
def _sites(query: MapQuery) -> Iterable[Feature]:
    names = {row.id: row.name for row in query.session.execute(select(Site.id, Site.name))}
    for site_id in sorted(query.site_ids):
        if site_id in query.places:
            yield feature(MapLayer.SITES, site_id, point(*query.places[site_id]), names[site_id])


@register_layer(MapLayer.MAJOR_HAZARDS)
def _major_hazards(query: MapQuery) -> Iterable[Feature]:
    for unit, found in chemicals.major_hazards(query.session, query.visible):
        if unit.site_id not in query.places:
            continue
        yield feature(
            MapLayer.MAJOR_HAZARDS,
            unit.id,
            point(*query.places[unit.site_id]),
            translate(
                "map.label.major_hazard", query.language, name=unit.name, level=found.level or "-"
            ),
            MAJOR_HAZARD_COLOURS.get(found.level or 4, "blue"),
            level=found.level,
            site_id=unit.site_id,
        )


@register_layer(MapLayer.ALARMS)
def _alarms(query: MapQuery) -> Iterable[Feature]:
    """Alarms needing attention (not back to normal), at their site."""
    for alarm in monitoring.list_alarms(query.session, query.principal):
        if alarm.site_id not in query.places:
            continue
        yield feature(
            MapLayer.ALARMS,
            alarm.id,
            point(*query.places[alarm.site_id]),
            translate(
                "map.label.alarm",
                query.language,
                source=alarm.source,
                state=AlarmState(alarm.state).label(query.language),
            ),
            LEVEL_COLOURS.get(alarm.priority, "orange"),
            state=alarm.state,
            priority=alarm.priority,
            site_id=alarm.site_id,
        )


@register_layer(MapLayer.WARNINGS)
def _warnings(query: MapQuery) -> Iterable[Feature]:
    """Warnings dispatched for verification and not closed: a vehicle's where it was, the
    rest at the organisation's site."""
    placed: set[int] = set()
    for warning in transport.list_warnings(query.session, query.principal):
        order = query.session.get(DispatchOrder, warning.dispatch_id or 0)
        if order is None or order.state == DispatchState.CLOSED:
            continue
        placed.add(order.id)
        vehicle = query.session.get(Vehicle, warning.vehicle_id)
        yield feature(
            MapLayer.WARNINGS,
            order.id,
            point(warning.lon, warning.lat),
            translate(
                "map.label.transport_warning",
                query.language,
                plate=vehicle.plate if vehicle else "",
                kind=WarningKind(warning.kind).label(query.language),
            ),
            WarningKind(warning.kind).colour,
            dispatch_id=order.id,
            state=order.state,
            level=order.level,
        )
    for order in dispatch.list_orders(query.session, query.principal):
        if order.id in placed or order.state == DispatchState.CLOSED:
            continue
        where = query.organisation_places.get(order.organisation_id)
        if where is None:
            continue
        yield feature(
            MapLayer.WARNINGS,
            order.id,
            point(*where[1]),
            translate(order.title_key, query.language, **order.params),
            LEVEL_COLOURS.get(order.level, "orange"),
            dispatch_id=order.id,
            state=order.state,
            level=order.level,
        )


@register_layer(MapLayer.VEHICLES)
def _vehicles(query: MapQuery) -> Iterable[Feature]:
    """Each vehicle's latest position; red while it has an open warning."""
    warned = {
        w.vehicle_id
        for w in transport.list_warnings(query.session, query.principal)
        if w.at >= query.moment.now - transport.PASSAGE
    }
    plates = {v.id: v.plate for v in transport.list_vehicles(query.session, query.principal)}
    for vehicle_id, at in transport.latest_positions(query.session, query.principal).items():
        yield feature(
            MapLayer.VEHICLES,
            vehicle_id,
            point(at.lon, at.lat),
            translate(
                "map.label.vehicle",
                query.language,
                plate=plates[vehicle_id],
                speed=transport.kmh(at.speed_kmh),
            ),
            "red" if vehicle_id in warned else None,
            plate=plates[vehicle_id],
            at=at.at.isoformat(),
            speed_kmh=float(at.speed_kmh),
            heading=float(at.heading),
            warned=vehicle_id in warned,
        )


@register_layer(MapLayer.MANIFESTS)
def _manifests(query: MapQuery) -> Iterable[Feature]:
    """Waste manifests at the producer's site: those failing reconciliation in red, those
    still open in the manifest state's colour (received and reconciled ones are done)."""
    tolerance = query.moment.settings.waste_quantity_tolerance
    for manifest in waste.list_manifests(query.session, query.principal):
        where = query.organisation_places.get(manifest.organisation_id)
        if where is None:
            continue
        result = waste.reconcile(manifest, query.moment.now, tolerance)
        state = ManifestState(manifest.state)
        if state is ManifestState.RECEIVED and not result.fails:
            continue
        reasons = [f"quantity_{step}" for step in result.mismatches]
        reasons += ["overdue"] * result.overdue + ["late"] * result.late
        yield feature(
            MapLayer.MANIFESTS,
            manifest.id,
            point(*where[1]),
            translate(
                "map.label.manifest_fails",
                query.language,
                number=manifest.number,
                state=state.label(query.language),
            )
            if result.fails
            else translate(
                "map.label.manifest",
                query.language,
                number=manifest.number,
                state=state.label(query.language),
            ),
            "red" if result.fails else state.colour,
            number=manifest.number,
            state=state.value,
            fails=result.fails,
            reasons=reasons,
        )


@register_layer(MapLayer.WASTE_STORES)
def _waste_stores(query: MapQuery) -> Iterable[Feature]:
    """Waste stores at their site: red while a point watching them is in alarm, orange
    without thermal imaging."""
    for state in waste_stores.store_states(query.session, query.principal):
        store = state.store
        if store.site_id not in query.places:
            continue
        colour = "red" if state.alarms else None if state.thermal_imaging else "orange"
        yield feature(
            MapLayer.WASTE_STORES,
            store.id,
            point(*query.places[store.site_id]),
            translate("map.label.waste_store_alarm", query.language, name=store.name)
            if state.alarms
            else translate("map.label.waste_store", query.language, name=store.name),
            colour,
            thermal_imaging=state.thermal_imaging,
            alarms=len(state.alarms),
        )


@register_layer(MapLayer.PROJECTS)
def _projects(query: MapQuery) -> Iterable[Feature]:
    """Construction projects under admission review (or decided) where they will stand,
    coloured by their strongest 两重点一重大 flag."""
    for found in admission.project_points(query.session, query.principal):
        flagged = found.flag != "none"
        yield feature(
            MapLayer.PROJECTS,
            found.project_id,
            point(found.lon, found.lat),
            translate(
                "map.label.project_flagged",
                query.language,
                name=found.label,
                state=found.state,
                flag=translate(f"map.project_flag.{found.flag}", query.language),
            )
            if flagged
            else translate(
                "map.label.project", query.language, name=found.label, state=found.state
            ),
            PROJECT_FLAG_COLOURS.get(found.flag, found.state.colour),
            flag=found.flag,
            state=found.state.value,
        )


@register_layer(MapLayer.EQUIPMENT)
def _equipment(query: MapQuery) -> Iterable[Feature]:
    """The shared equipment library's items and the rescue teams where they stand (green:
    lent now; otherwise the reason's colour), and the scenes of resource dispatches still
    open or closed within :data:`DISPATCH_SHOWN`."""
    for found in resources.equipment_points(query.session, query.principal, query.moment.now):
        group, value = found.kind.split(":", 1)
        kind = EquipmentKind(value) if group == "equipment" else TeamKind(value)
        yield feature(
            MapLayer.EQUIPMENT,
            found.ident,
            point(found.lon, found.lat),
            translate(
                "map.label.equipment" if found.available else "map.label.equipment_unavailable",
                query.language,
                kind=kind,
                name=found.label,
            ),
            found.colour,
            kind=found.kind,
            available=found.available,
        )
    since = query.moment.now - DISPATCH_SHOWN
    for sent in resources.list_dispatches(query.session, query.principal):
        if sent.closed_at is not None and as_utc(sent.closed_at) < since:
            continue
        closed = sent.closed_at is not None
        states = [resources.state_of(line) for line in resources.lines_of(query.session, sent.id)]
        yield feature(
            MapLayer.EQUIPMENT,
            f"dispatch-{sent.id}",
            point(sent.lon, sent.lat),
            translate(
                "map.label.resource_dispatch",
                query.language,
                purpose=DispatchPurpose(sent.purpose),
                lines=len(states),
                back=states.count(LineState.RETURNED),
            ),
            "grey" if closed else "orange",
            kind="dispatch",
            purpose=sent.purpose,
            dispatch_id=sent.id,
            drill_id=sent.drill_id,
            incident_id=sent.incident_id,
            closed=closed,
            lines=len(states),
            returned=states.count(LineState.RETURNED),
        )


@register_layer(MapLayer.COVERAGE)
def _coverage(query: MapQuery) -> Iterable[Feature]:
    """Enterprises short of a coverage indicator (measures 11, 16, 17), at their site or
    where they occupy rooms, each with what it misses; regulators only, as the indicators
    are. An officer short of measure 19 has no place and stays on the coverage page."""
    if query.principal.role not in (Role.REGULATOR, Role.PLATFORM_ADMIN):
        return
    today = local_date(query.moment.now, query.moment.settings.timezone)
    missing: dict[int, list[tuple[str, coverage.Gap]]] = {}
    names: dict[int, str] = {}
    for figure in coverage.visible_figures(
        query.session, query.principal, today, query.moment.settings
    ):
        if figure.department_id is not None or figure.key == "enforcement_staff":
            continue
        for gap in figure.gaps:
            missing.setdefault(gap.subject_id, []).append((figure.key, gap))
            names[gap.subject_id] = gap.name
    for organisation_id, gaps in sorted(missing.items()):
        own = query.organisation_places.get(organisation_id)
        where = own[1] if own else query.occupant_places.get(organisation_id)
        if where is None:
            continue
        shown = [
            translate(
                "map.label.coverage_gap",
                query.language,
                indicator=translate(f"district.coverage.indicator.{key}", query.language),
                reason=translate(
                    f"district.coverage.gap.{gap.reason}", query.language, **gap.detail
                ),
            )
            for key, gap in gaps
        ]
        yield feature(
            MapLayer.COVERAGE,
            organisation_id,
            point(*where),
            translate(
                "map.label.coverage",
                query.language,
                name=names[organisation_id],
                gaps=translate("map.separator", query.language).join(shown),
            ),
            "red" if len(gaps) > 1 else None,
            organisation_id=organisation_id,
            gaps=[{"indicator": key, "reason": gap.reason} for key, gap in gaps],
        )
