"""Read a polygon drawn or uploaded as GeoJSON, and say exactly what is wrong with it.

Refuses, with the place of the fault: a missing or non-polygonal geometry, rings that
are not closed or have fewer than four positions, a CRS other than WGS 84, coordinates
that are metres or lie outside Vietnam (lon/lat swapped), absurd vertex counts, and
self-intersections — the last unless the caller accepts the repair offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from geo.coords import VIETNAM_LAT, VIETNAM_LON
from geo.errors import GeoInputError
from geo.repair import repair_polygonal

MAX_VERTICES = 20_000
WGS84_NAMES = {
    "EPSG:4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:EPSG::4326",
}


@dataclass
class Polygonal:
    geometry: MultiPolygon
    repairs: list[str]


def _fail(code: str, vi: str, en: str, **extra: Any) -> GeoInputError:
    return GeoInputError(code, vi, en, "geometry", extra=extra or None)


def _rings(geometry: dict[str, Any]) -> list[list[Any]]:
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        return list(coords or [])
    return [ring for polygon in coords or [] for ring in polygon]


def _check_rings(geometry: dict[str, Any]) -> int:
    vertices = 0
    for index, ring in enumerate(_rings(geometry)):
        if not isinstance(ring, list) or len(ring) < 4:
            raise _fail(
                "short_ring",
                f"Vòng thứ {index + 1} có ít hơn 4 điểm.",
                f"Ring {index + 1} has fewer than 4 positions.",
            )
        if ring[0] != ring[-1]:
            raise _fail(
                "unclosed_ring",
                f"Vòng thứ {index + 1} không khép kín: điểm đầu {ring[0]} khác điểm cuối "
                f"{ring[-1]}.",
                f"Ring {index + 1} is not closed: it starts at {ring[0]} and ends at "
                f"{ring[-1]}.",
                lon=ring[0][0],
                lat=ring[0][1],
            )
        vertices += len(ring)
    return vertices


def _check_crs(obj: dict[str, Any]) -> None:
    crs = obj.get("crs")
    if not crs:
        return
    name = str((crs.get("properties") or {}).get("name", ""))
    if name not in WGS84_NAMES:
        raise _fail(
            "wrong_crs",
            f"Hệ tọa độ '{name}' không được nhận: hãy gửi WGS 84 (EPSG:4326), thứ tự "
            "kinh độ, vĩ độ.",
            f"CRS '{name}' is not accepted: send WGS 84 (EPSG:4326), longitude first.",
        )


def _check_extent(geom: BaseGeometry) -> None:
    min_x, min_y, max_x, max_y = geom.bounds
    # Latitude first puts Vietnam's longitudes (> 90) in y: swapped, not metres.
    swapped = (
        VIETNAM_LAT[0] <= min_x <= max_x <= VIETNAM_LAT[1]
        and VIETNAM_LON[0] <= min_y <= max_y <= VIETNAM_LON[1]
    )
    projected = max(abs(min_x), abs(max_x)) > 180 or max(abs(min_y), abs(max_y)) > 90
    if projected and not swapped:
        raise _fail(
            "projected_coordinates",
            f"Tọa độ (ví dụ {max_x:.0f}) là mét, không phải độ: hãy gửi WGS 84.",
            f"Coordinates (e.g. {max_x:.0f}) are metres, not degrees: send WGS 84.",
        )
    inside = (
        VIETNAM_LON[0] <= min_x <= max_x <= VIETNAM_LON[1]
        and VIETNAM_LAT[0] <= min_y <= max_y <= VIETNAM_LAT[1]
    )
    if not inside:
        swapped = VIETNAM_LAT[0] <= min_x and max_x <= VIETNAM_LAT[1]
        hint_vi = " Có lẽ kinh độ và vĩ độ bị đảo." if swapped else ""
        hint_en = " Longitude and latitude look swapped." if swapped else ""
        raise _fail(
            "outside_vietnam",
            f"Vùng nằm ngoài Việt Nam (phạm vi {min_x:.4f},{min_y:.4f} – "
            f"{max_x:.4f},{max_y:.4f}).{hint_vi}",
            f"The polygon lies outside Vietnam (extent {min_x:.4f},{min_y:.4f} – "
            f"{max_x:.4f},{max_y:.4f}).{hint_en}",
        )


def parse_polygonal(
    obj: Any, *, accept_repair: bool = False, max_vertices: int = MAX_VERTICES
) -> Polygonal:
    """A valid MultiPolygon from a GeoJSON geometry (or Feature) in EPSG:4326.

    An invalid polygon is refused with the reason and its location, and with the
    repaired geometry the caller may accept (``accept_repair=True``) on a second try.
    """
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        _check_crs(obj)
        obj = obj.get("geometry")
    if not isinstance(obj, dict) or obj.get("type") not in {"Polygon", "MultiPolygon"}:
        kind = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise _fail(
            "not_polygonal",
            f"Cần một vùng GeoJSON (Polygon hoặc MultiPolygon), nhận được {kind}.",
            f"A GeoJSON Polygon or MultiPolygon is required, got {kind}.",
        )
    _check_crs(obj)
    try:
        vertices = _check_rings(obj)
    except (TypeError, IndexError, AttributeError):
        raise _fail(
            "bad_coordinates",
            "Tọa độ của vùng không đúng cấu trúc GeoJSON.",
            "The polygon's coordinates are not valid GeoJSON.",
        ) from None
    if vertices > max_vertices:
        raise _fail(
            "too_many_vertices",
            f"Vùng có {vertices} đỉnh, quá giới hạn {max_vertices}: hãy đơn giản hóa.",
            f"The polygon has {vertices} vertices, over the limit of {max_vertices}: "
            "simplify it.",
        )
    try:
        geom = shape(obj)
    except (
        ValueError,
        TypeError,
        KeyError,  # no "coordinates" at all
        IndexError,
        AttributeError,
        shapely.errors.GEOSException,
    ):
        raise _fail(
            "bad_coordinates",
            "Tọa độ của vùng không đúng cấu trúc GeoJSON.",
            "The polygon's coordinates are not valid GeoJSON.",
        ) from None
    if geom.is_empty:
        raise _fail("empty_geometry", "Vùng rỗng.", "The polygon is empty.")
    _check_extent(geom)
    if not geom.is_valid and not accept_repair:
        reason = shapely.is_valid_reason(geom)
        repaired = repair_polygonal(geom)
        location = _reason_location(reason)
        raise _fail(
            "invalid_geometry",
            f"Vùng không hợp lệ: {reason}. Có thể sửa tự động; gửi lại với "
            "repair=true để chấp nhận bản sửa.",
            f"The polygon is invalid: {reason}. It can be repaired; send it again with "
            "repair=true to accept the repair.",
            reason=reason,
            location=location,
            repaired=shapely.geometry.mapping(repaired.geometry),
        )
    repaired = repair_polygonal(geom)
    return Polygonal(repaired.geometry, repaired.repairs)


def _reason_location(reason: str) -> dict[str, float] | None:
    """'Self-intersection[106.61 17.46]' → {'lon': 106.61, 'lat': 17.46}."""
    if "[" not in reason:
        return None
    try:
        lon, lat = (
            float(v) for v in reason[reason.index("[") + 1 : reason.index("]")].split()
        )
    except ValueError:
        return None
    return {"lon": lon, "lat": lat}
