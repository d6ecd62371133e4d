"""The map over HTTP: each layer as GeoJSON for the caller, and the places (a site's point,
a park's outline)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.district.map import service
from hazwatch.district.map.choices import MapLayer
from hazwatch.district.map.schemas import (
    FeatureCollectionOut,
    LocationIn,
    LocationOut,
    OutlineIn,
    OutlineOut,
)
from hazwatch.prevention.hazard_findings.service import Moment

router = Router(prefix="/api/district/map", tags=["district"])


@router.get("/layers", response_model=dict[str, FeatureCollectionOut])
def list_layers(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    layer: Annotated[list[MapLayer] | None, Query(max_length=20)] = None,
) -> dict[str, FeatureCollectionOut]:
    """Every layer (or those named by ``layer``) as a GeoJSON FeatureCollection, for the
    caller's organisations and jurisdiction; records without a place are left off."""
    found = service.layers(
        db, principal, Moment.of(get_context(request)), language_of(request), layer
    )
    return {key: FeatureCollectionOut(**value) for key, value in found.items()}


@router.get("/layers/{layer}", response_model=FeatureCollectionOut)
def get_layer(
    layer: MapLayer, request: Request, db: DbSession, principal: CurrentPrincipal
) -> FeatureCollectionOut:
    """One layer as a GeoJSON FeatureCollection."""
    found = service.layers(
        db, principal, Moment.of(get_context(request)), language_of(request), [layer]
    )
    return FeatureCollectionOut(**found[layer.value])


@router.put("/sites/{site_id}/location", response_model=LocationOut)
def set_site_location(
    site_id: Id, body: LocationIn, db: DbSession, principal: CurrentPrincipal
) -> LocationOut:
    """Place a site on the map (whoever may change the site)."""
    row = service.set_site_location(db, principal, site_id, body.lat, body.lon)
    return LocationOut(
        site_id=row.site_id, organisation_id=row.organisation_id, lat=row.lat, lon=row.lon
    )


@router.put("/parks/{jurisdiction_id}/outline", response_model=OutlineOut)
def set_park_outline(
    jurisdiction_id: Id, body: OutlineIn, db: DbSession, principal: CurrentPrincipal
) -> OutlineOut:
    """Draw a park's (or another area's) boundary: a regulator of that area; a
    self-intersecting outline is refused."""
    row = service.set_park_outline(db, principal, jurisdiction_id, body.outline)
    return OutlineOut(jurisdiction_id=row.jurisdiction_id, outline=row.outline)
