"""Overlaps and gaps between sibling polygons, measured in metres (UTM zone 48N).

Vectorised with shapely 2: one STRtree query finds every intersecting pair, and
the gaps are the holes in the siblings' union (plus the parent's uncovered area
when the parent's outline is known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.projections import UTM_48N, WGS84, transformer

# Slivers smaller than this are numeric noise of shared edges, not real overlaps.
MIN_AREA_M2 = 1.0


@dataclass(frozen=True)
class Overlap:
    code_a: str
    code_b: str
    area_m2: float
    lon: float
    lat: float


@dataclass(frozen=True)
class Gap:
    area_m2: float
    lon: float
    lat: float


def to_metric(geoms: Sequence[BaseGeometry]) -> np.ndarray:
    """Project WGS 84 geometries to UTM 48N metres (vectorised)."""
    tr = transformer(WGS84, UTM_48N)
    return shapely.transform(
        np.asarray(geoms, dtype=object),
        lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])),
    )


def _to_lonlat(point: BaseGeometry) -> tuple[float, float]:
    lon, lat = transformer(UTM_48N, WGS84).transform(point.x, point.y)
    return round(float(lon), 6), round(float(lat), 6)


def overlaps(codes: Sequence[str], geoms: Sequence[BaseGeometry]) -> list[Overlap]:
    """Every pair of polygons whose interiors overlap by at least MIN_AREA_M2."""
    metric = to_metric(geoms)
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(metric[left], metric[right])
    areas = shapely.area(shared)
    found: list[Overlap] = []
    for i, j, piece, area in zip(left, right, shared, areas, strict=True):
        if area < MIN_AREA_M2:
            continue
        lon, lat = _to_lonlat(shapely.point_on_surface(piece))
        found.append(Overlap(codes[i], codes[j], round(float(area), 1), lon, lat))
    return sorted(found, key=lambda o: -o.area_m2)


def gaps(
    geoms: Sequence[BaseGeometry], outline: BaseGeometry | None = None
) -> list[Gap]:
    """Areas inside the siblings' outer boundary (or the parent outline) that none covers."""
    metric = to_metric(geoms)
    union = shapely.union_all(metric)
    if outline is not None:
        holes = shapely.difference(to_metric([outline])[0], union)
    else:
        rings = [
            shapely.Polygon(ring)
            for poly in shapely.get_parts(union)
            for ring in poly.interiors
        ]
        holes = shapely.union_all(rings) if rings else shapely.Polygon()
    found = [
        Gap(round(float(part.area), 1), *_to_lonlat(shapely.point_on_surface(part)))
        for part in shapely.get_parts(holes)
        if part.area >= MIN_AREA_M2
    ]
    return sorted(found, key=lambda g: -g.area_m2)


def area_m2(geom: BaseGeometry) -> float:
    """Planar area in UTM 48N square metres."""
    return float(to_metric([geom])[0].area)
