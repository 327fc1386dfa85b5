"""Web-map scale: how many metres one screen pixel covers at a zoom level."""

from __future__ import annotations

import math

EARTH_CIRCUMFERENCE_M = 40_075_016.686
TILE_SIZE_PX = 256
MAX_ZOOM = 22


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground resolution of a Web Mercator map at ``zoom`` and latitude ``lat``."""
    return (
        EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_SIZE_PX * 2**zoom)
    )
