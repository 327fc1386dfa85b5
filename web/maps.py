"""The map every page starts from: basemap, home view, jurisdiction and unit layers.

:func:`map_config` is what a page hands to ``HT.map.create`` (``static/web/js/map.js``)
through ``json_script``. The basemap is ``settings.MAP_TILES_URL`` (empty offline and
in tests: then the map is the unit outlines and names alone, which the boundaries API
serves for the view at the map's zoom).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from boundaries.levels import DEPTH
from boundaries.models import AdminUnit
from boundaries.selectors import boundary_sets_select
from geo.projections import degree_margin
from geo.tiles import metres_per_pixel

# Units a citizen's report goes to: wards, communes, towns, special zones.
UNIT_LEVELS = tuple(sorted(level for level, depth in DEPTH.items() if depth == 3))
# The largest view (pixels) the first outline request is made for; a wider screen
# makes its own request.
INITIAL_VIEW_PX = (1280, 900)


def jurisdiction_bounds(*, day: dt.date) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the units in force on ``day`` (Leaflet
    order), or None when no boundary set is in force."""
    sets = boundary_sets_select(slug=None, day=day)
    extent = (
        AdminUnit.objects.filter(boundary_set__in=sets, level__in=UNIT_LEVELS)
        .aggregate(extent=Extent("geom"))
        .get("extent")
    )
    if not extent:
        return None
    west, south, east, north = extent
    return [[south, west], [north, east]]


def _initial_bbox(lat: float, lon: float, zoom: int) -> list[float]:
    """``[west, south, east, north]`` around a view of ``INITIAL_VIEW_PX`` at ``zoom``,
    with a quarter of the view more on each side."""
    width, height = INITIAL_VIEW_PX
    metres = metres_per_pixel(zoom, lat) * 0.75  # half the view, plus a quarter
    half_lon, _ = degree_margin(lat, width * metres)
    _, half_lat = degree_margin(lat, height * metres)
    return [
        round(lon - half_lon, 5),
        round(lat - half_lat, 5),
        round(lon + half_lon, 5),
        round(lat + half_lat, 5),
    ]


def map_config(
    *,
    day: dt.date | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Settings for ``HT.map.create``: ``center`` is (lat, lon); ``extra`` adds
    page-specific keys (``pin``…).

    ``initial_units`` is the first request for unit outlines, made for a view of up
    to ``INITIAL_VIEW_PX`` around the centre: the page names it in a
    ``<link rel=preload>``, so the outlines download while the scripts load, and the
    map asks for exactly that URL when its view fits in the box.
    """
    day = day or timezone.localdate()
    config = settings.LEAFLET_CONFIG
    lat, lon = center or config["DEFAULT_CENTER"]
    zoom = int(zoom or config["DEFAULT_ZOOM"])
    levels = ",".join(UNIT_LEVELS)
    bbox = _initial_bbox(lat, lon, zoom)
    units_url = reverse("boundary-units")
    query = urlencode(
        {
            "level": levels,
            "simplify": zoom,
            "date": day.isoformat(),
            "bbox": ",".join(f"{v:.5f}" for v in bbox),
        }
    )
    return {
        "tiles": {
            "url": settings.MAP_TILES_URL,
            "attribution": settings.MAP_TILES_ATTRIBUTION,
        }
        if settings.MAP_TILES_URL
        else None,
        "center": [lat, lon],
        "zoom": zoom,
        "min_zoom": 8,
        "max_zoom": 19,
        "bounds": jurisdiction_bounds(day=day),
        "units_url": units_url,
        "unit_levels": list(UNIT_LEVELS),
        "initial_units": {"url": f"{units_url}?{query}", "bbox": bbox, "zoom": zoom},
        "date": day.isoformat(),
        "marker_images": static("vendor/leaflet/images/"),
        **extra,
    }
