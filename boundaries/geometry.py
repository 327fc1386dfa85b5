"""Between shapely (the pure ``geo`` toolkit) and GEOS (Django's geometry), by WKB."""

from __future__ import annotations

import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from boundaries.extent import bbox_clamp
from geo.coords import BBox


def to_geos(geometry: BaseGeometry, srid: int = 4326) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=srid)


def to_geos_multipolygon(geometry: BaseGeometry, srid: int = 4326) -> MultiPolygon:
    """``to_geos`` for the MultiPolygon columns (units, zones), which take no other
    type: anything else is a bug upstream (``geo.repair`` makes MultiPolygons)."""
    result = to_geos(geometry, srid)
    if not isinstance(result, MultiPolygon):
        raise TypeError(f"a MultiPolygon is required, got {result.geom_type}")
    return result


def to_shapely(geometry: GEOSGeometry) -> BaseGeometry:
    return shapely.from_wkb(bytes(geometry.wkb))


def bbox_polygon(bbox: BBox) -> Polygon:
    """The box as a 4326 polygon, for ``__intersects`` filters: a point on the box's
    edge is inside it. Clamped to the jurisdiction's extent (``boundaries.extent``):
    the same rows, a small region for the index."""
    box = Polygon.from_bbox(bbox_clamp(bbox).as_tuple())
    box.srid = 4326
    return box
