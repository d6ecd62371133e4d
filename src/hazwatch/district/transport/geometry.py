"""Zone geometry with shapely: parsing and checking a zone, widening a road segment, and
whether a position lies in it. WGS-84 longitude/latitude (as vehicle terminals report,
JT/T 808); a segment is widened in metres on a local flat projection around the zone (a
district spans some tens of kilometres: the error is far below a lane's width)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from hazwatch.core.errors import InvalidInput

#: Metres per degree of latitude (mean, WGS-84), and of longitude at the equator.
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0
MAX_VERTICES = 5_000
MAX_BUFFER_M = Decimal(1000)


def parse(wkt: str, buffer_m: Decimal, field: str = "geometry") -> BaseGeometry:
    """The zone's area: a valid polygon (or several), or a simple line widened by
    ``buffer_m``; anything else is refused naming ``field``."""
    try:
        shape = shapely.from_wkt(wkt)
    except (ShapelyError, ValueError):
        raise InvalidInput("district.transport.geometry_unreadable", field=field) from None
    if shape is None or shape.is_empty:
        raise InvalidInput("district.transport.geometry_unreadable", field=field)
    if not isinstance(shape, Polygon | MultiPolygon | LineString):
        raise InvalidInput("district.transport.geometry_kind", field=field, kind=shape.geom_type)
    if shapely.get_num_coordinates(shape) > MAX_VERTICES:
        raise InvalidInput("district.transport.geometry_too_large", field=field)
    if shape.has_z:
        raise InvalidInput("district.transport.geometry_unreadable", field=field)
    lon_min, lat_min, lon_max, lat_max = shape.bounds
    if not all(math.isfinite(v) for v in shape.bounds):
        raise InvalidInput("district.transport.coordinates_out_of_range", field=field)
    if lon_min < -180 or lon_max > 180 or lat_min < -90 or lat_max > 90:
        raise InvalidInput("district.transport.coordinates_out_of_range", field=field)
    if isinstance(shape, LineString):
        if not shape.is_simple:
            raise InvalidInput("district.transport.line_crosses_itself", field=field)
        if not Decimal(0) < buffer_m <= MAX_BUFFER_M:
            raise InvalidInput("district.transport.buffer_needed", field="buffer_m")
        return widen(shape, float(buffer_m))
    if not shape.is_valid:
        raise InvalidInput(
            "district.transport.geometry_invalid", field=field, why=explain_validity(shape)
        )
    return shape


def widen(line: LineString, metres: float) -> BaseGeometry:
    """The band ``metres`` either side of ``line``, on a flat projection at its latitude."""
    scale = np.array([M_PER_DEG_LON * math.cos(math.radians(line.centroid.y)), M_PER_DEG_LAT])
    band = shapely.transform(line, lambda xy: xy * scale).buffer(metres)
    return shapely.transform(band, lambda xy: xy / scale)


def covers(area: BaseGeometry, lon: Decimal, lat: Decimal) -> bool:
    """Whether the position lies in the area, its edge included."""
    return bool(area.covers(Point(float(lon), float(lat))))
