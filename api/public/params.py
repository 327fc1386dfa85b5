"""The public portal's query parameters: its filters (``routing.reports.listing``),
paging, and the map's box and zoom, as the analytics selection they stand for."""

from __future__ import annotations

import math

from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.errors import ApiError
from api.params import parse_bounded
from boundaries.extent import bbox_clamp, jurisdiction_extent
from geo.coords import BBox, parse_bbox
from geo.errors import InvalidInput
from routing.reports.listing import FILTER_PARAMS, MAX_ROWS

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# The parameters each public view reads: the cache keys on these only
# (config.public_cache), so an unknown parameter is not a new entry.
LIST_PARAMS = (*FILTER_PARAMS, "page", "page_size")
# The map's zoom: whole levels only (the map asks with whole levels too).
MAX_ZOOM = 22
DEFAULT_ZOOM = 13

FILTERS = [
    OpenApiParameter("unit", OpenApiTypes.STR, description="GSO code, e.g. 19525"),
    OpenApiParameter("category", OpenApiTypes.STR, description="category code"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "resolved", "closed"]),
    OpenApiParameter("from", OpenApiTypes.STR, description="dd/mm/yyyy, inclusive"),
    OpenApiParameter("to", OpenApiTypes.STR, description="dd/mm/yyyy, inclusive"),
]
PAGING = [
    OpenApiParameter(
        "page", OpenApiTypes.INT, description=f"1, 2, … (up to {MAX_ROWS:,} rows back)"
    ),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}; default 20"
    ),
]
MAP = [
    OpenApiParameter(
        "bbox",
        OpenApiTypes.STR,
        required=True,
        description="minLon,minLat,maxLon,maxLat, within the province",
    ),
    OpenApiParameter("zoom", OpenApiTypes.NUMBER, description="map zoom 0–22"),
]


def grid_step(zoom: int) -> float:
    """The grid the map's box snaps to at ``zoom``: a quarter of a map tile's
    width in degrees (``portal-map.js`` snaps to the same grid)."""
    return 360 / 2 ** (zoom + 2)


def bbox_snap(box: BBox, zoom: int) -> BBox:
    """``box`` grown outward to the zoom's grid, so that a panned map asks for
    one of few boxes (and the cache holds few entries)."""
    step = grid_step(zoom)

    def down(value: float) -> float:
        return round(math.floor(value / step + 1e-9) * step, 6)

    def up(value: float) -> float:
        return round(math.ceil(value / step - 1e-9) * step, 6)

    return BBox(
        max(down(box.min_lon), -180.0),
        max(down(box.min_lat), -90.0),
        min(up(box.max_lon), 180.0),
        min(up(box.max_lat), 90.0),
    )


def map_zoom(raw: str | None) -> int:
    """The map's zoom as a whole level (a fractional zoom rounds)."""
    value = parse_bounded(raw, "zoom", low=0, high=MAX_ZOOM, default=DEFAULT_ZOOM)
    return round(value)


def clusters_key(request: HttpRequest) -> str:
    """The clusters' cache key: the snapped box, the whole zoom and the filters
    (the box and zoom as sent when they do not parse: that answer is a 400)."""
    query = request.GET
    try:
        zoom = map_zoom(query.get("zoom"))
        box = parse_bbox(query.get("bbox"))
    except (ApiError, InvalidInput):
        return f"raw:{query.get('bbox', '')}|{query.get('zoom', '')}"
    place = (
        ""
        if box is None
        else ",".join(f"{v:.6f}" for v in bbox_snap(box, zoom).as_tuple())
    )
    filters = "&".join(f"{name}={query.get(name, '')}" for name in FILTER_PARAMS)
    return f"bbox={place}&zoom={zoom}&{filters}"


def public_bbox(raw: str | None, zoom: int = DEFAULT_ZOOM) -> BBox:
    """The map's box snapped to the zoom's grid, which must meet the province
    (clamped to it)."""
    box = parse_bbox(raw)
    if box is None:
        raise ApiError(
            "bbox_required",
            "Cần tham số bbox=kinh độ nhỏ nhất,vĩ độ nhỏ nhất,kinh độ lớn nhất,"
            "vĩ độ lớn nhất.",
            "bbox=minLon,minLat,maxLon,maxLat is required.",
            field="bbox",
        )
    box = bbox_snap(box, zoom)
    extent = jurisdiction_extent()
    outside = extent is None or (
        box.max_lon < extent.min_lon
        or box.min_lon > extent.max_lon
        or box.max_lat < extent.min_lat
        or box.min_lat > extent.max_lat
    )
    if outside:
        raise ApiError(
            "outside_extent",
            "Khung bản đồ (bbox) nằm ngoài địa bàn của hệ thống.",
            "The map box (bbox) lies outside the area we serve.",
            field="bbox",
        )
    return bbox_clamp(box, extent)
