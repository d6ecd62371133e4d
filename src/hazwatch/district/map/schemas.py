"""Map bodies and answers. Layers answer GeoJSON (RFC 7946) as plain objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL
from hazwatch.district.transport.schemas import Latitude, Longitude


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocationIn(_In):
    lat: Latitude
    lon: Longitude


class LocationOut(BaseModel):
    site_id: int
    organisation_id: int
    lat: Decimal
    lon: Decimal


class OutlineIn(_In):
    """WKT in WGS-84 lon/lat: a POLYGON or MULTIPOLYGON that does not cross itself."""

    outline: str = Field(min_length=1, max_length=200_000, pattern=NO_NUL)


class OutlineOut(BaseModel):
    jurisdiction_id: int
    outline: str


class FeatureCollectionOut(BaseModel):
    """One layer: a GeoJSON FeatureCollection with the layer's key and label."""

    model_config = ConfigDict(extra="allow")
    type: str = "FeatureCollection"
    layer: str
    label: str
    features: list[dict[str, Any]]
