"""The jurisdiction's extent, and boxes clamped to it.

Every report lies in a unit we hold or within the shore tolerance of one
(``ROUTING_SHORE_TOLERANCE_M``), and so does every zone; a box from a query string
may be the whole world. Clamped to the box around all units (plus that tolerance) it
selects the same rows, but the analytics can answer it from their pre-aggregated
cells instead of reading every report one by one, and the spatial index is asked
about a small region. A box that misses the extent is left as it is: it selects
nothing, and the index says so at once.

The extent is read with one ``ST_Extent`` over the units and kept in the process
while the units' count and highest id stay the same (a cheap check; an import adds
units with new ids), at most ``CACHE_S`` seconds.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import connection

from geo.coords import BBox

CACHE_S = 300

_lock = threading.Lock()
_cached: tuple[float, tuple[int, int], BBox | None] | None = None


def _signature() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM boundaries_adminunit"
        )
        count, highest = cursor.fetchone()
    return int(count), int(highest)


# The units' box widened by the tolerance in metres, measured on the spheroid
# (geography) wherever the units lie, then the box around the widened one.
_EXTENT = """
    SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
    FROM (SELECT ST_Envelope(ST_Buffer(
              ST_SetSRID(ST_Extent(geom)::geometry, 4326)::geography, %(metres)s
          )::geometry) AS b
          FROM boundaries_adminunit) s
"""


def _read_extent() -> BBox | None:
    with connection.cursor() as cursor:
        cursor.execute(_EXTENT, {"metres": settings.ROUTING_SHORE_TOLERANCE_M})
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return BBox(*(float(v) for v in row))


def jurisdiction_extent() -> BBox | None:
    """The box around every unit we hold, widened by the shore tolerance; None
    when there are no units."""
    global _cached
    signature = _signature()
    now = time.monotonic()
    with _lock:
        cached = _cached
    if cached is not None and cached[1] == signature and now - cached[0] < CACHE_S:
        return cached[2]
    extent = _read_extent()
    with _lock:
        _cached = (now, signature, extent)
    return extent


def bbox_clamp(bbox: BBox, extent: BBox | None = None) -> BBox:
    """``bbox`` cut down to the jurisdiction's extent (the same rows, a small
    region); unchanged when it misses the extent or there are no units. A caller
    that already read the extent passes it."""
    extent = extent or jurisdiction_extent()
    if extent is None:
        return bbox
    clamped = BBox(
        max(bbox.min_lon, extent.min_lon),
        max(bbox.min_lat, extent.min_lat),
        min(bbox.max_lon, extent.max_lon),
        min(bbox.max_lat, extent.max_lat),
    )
    if clamped.min_lon > clamped.max_lon or clamped.min_lat > clamped.max_lat:
        return bbox
    return clamped
