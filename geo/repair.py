"""Validate and repair polygon geometries on the way in, and say what was repaired.

Every polygonal input ends as a valid 2-D MultiPolygon in its own coordinates, or a
GeoInputError explains why it cannot be used. Repairs are listed for the import report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError


@dataclass
class Repaired:
    geometry: MultiPolygon
    repairs: list[str] = field(default_factory=list)


def _polygonal_parts(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty]
    if hasattr(geom, "geoms"):
        parts: list[Polygon] = []
        for sub in geom.geoms:
            parts.extend(_polygonal_parts(sub))
        return parts
    return []


def repair_polygonal(geom: BaseGeometry | None, label: str = "") -> Repaired:
    """Return a valid MultiPolygon for ``geom``, listing each repair made.

    Raises GeoInputError when nothing polygonal can be made of it (missing, empty,
    points or lines only, or collapsed to zero area by the repair).
    """
    where = f" ({label})" if label else ""
    if geom is None or geom.is_empty:
        raise GeoInputError(
            "empty_geometry",
            f"Hình học rỗng{where}.",
            f"The geometry is empty{where}.",
            "geometry",
        )
    repairs: list[str] = []
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
        repairs.append("dropped Z coordinates")
    if geom.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise GeoInputError(
            "not_polygonal",
            f"Cần vùng (Polygon/MultiPolygon), nhận được {geom.geom_type}{where}.",
            f"A Polygon or MultiPolygon is required, got {geom.geom_type}{where}.",
            "geometry",
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        fixed = shapely.make_valid(geom)
        repairs.append(f"made valid: {reason}")
        geom = fixed
    parts = _polygonal_parts(geom)
    if len(parts) != len(getattr(geom, "geoms", [geom])) and geom.geom_type not in {
        "Polygon",
        "MultiPolygon",
    }:
        repairs.append("dropped non-polygonal pieces (lines or points) left by repair")
    parts = [p for p in parts if p.area > 0]
    if not parts:
        raise GeoInputError(
            "degenerate_geometry",
            f"Vùng không có diện tích sau khi sửa{where}.",
            f"The polygon has no area once repaired{where}.",
            "geometry",
        )
    result = MultiPolygon(parts)
    if not result.is_valid:
        # Parts that touch along an edge are invalid as a MultiPolygon: dissolve them.
        result = _as_multipolygon(shapely.union_all(parts))
        repairs.append("dissolved parts that overlapped or shared an edge")
    return Repaired(result, repairs)


def _as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    parts = _polygonal_parts(geom)
    return MultiPolygon(parts)
