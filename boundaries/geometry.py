"""Between shapely (the pure ``geo`` toolkit) and GEOS (Django's geometry), by WKB."""

from __future__ import annotations

import shapely
from django.contrib.gis.geos import GEOSGeometry
from shapely.geometry.base import BaseGeometry


def to_geos(geometry: BaseGeometry, srid: int = 4326) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=srid)


def to_shapely(geometry: GEOSGeometry) -> BaseGeometry:
    return shapely.from_wkb(bytes(geometry.wkb))
