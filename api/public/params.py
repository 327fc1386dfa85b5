"""The public portal's query parameters: its filters (``routing.reports.listing``),
paging, and the map's box and zoom, as the analytics selection they stand for."""

from __future__ import annotations

from collections.abc import Mapping

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.errors import ApiError
from boundaries.extent import bbox_clamp, jurisdiction_extent
from geo.coords import BBox, parse_bbox

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Rows a client may page back through: a deeper page is an offset the database
# walks row by row; the filters (period, unit, category) narrow instead.
MAX_ROWS = 10_000

FILTERS = [
    OpenApiParameter("unit", OpenApiTypes.STR, description="GSO code, e.g. 19525"),
    OpenApiParameter("category", OpenApiTypes.STR, description="category code"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "resolved", "closed"]),
    OpenApiParameter("from", OpenApiTypes.STR, description="dd/mm/yyyy, inclusive"),
    OpenApiParameter("to", OpenApiTypes.STR, description="dd/mm/yyyy, inclusive"),
]
PAGING = [
    OpenApiParameter(
        "page", OpenApiTypes.INT, description="1, 2, … (up to 10,000 rows back)"
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


def positive_int(
    query: Mapping[str, str], field: str, *, high: int, default: int
) -> int:
    """A whole number from 1 to ``high``; ``default`` when absent."""
    raw = (query.get(field) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ApiError(
            "out_of_range",
            f"'{field}' phải là số nguyên từ 1 đến {high}.",
            f"'{field}' must be a whole number from 1 to {high}.",
            field=field,
        )
    return int(raw)


def public_bbox(raw: str | None) -> BBox:
    """The map's box, which must meet the province (clamped to it)."""
    box = parse_bbox(raw)
    if box is None:
        raise ApiError(
            "bbox_required",
            "Cần tham số bbox=kinh độ nhỏ nhất,vĩ độ nhỏ nhất,kinh độ lớn nhất,"
            "vĩ độ lớn nhất.",
            "bbox=minLon,minLat,maxLon,maxLat is required.",
            field="bbox",
        )
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
    return bbox_clamp(box)
