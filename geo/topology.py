"""Overlaps and gaps between sibling polygons, measured in metres.

Overlaps and gaps are measured in the UTM zone of the geometries' own centroid
(``utm_for``), so that data far from Vietnam is measured as correctly as Vietnam's
(within 0.1 % of the geodesic area inside a zone); a unit's or zone's own area is
geodesic (:func:`area_m2`), exact wherever it lies.

Vectorised with shapely 2: one STRtree query finds every intersecting pair, and
the gaps are the holes in the siblings' union (plus the parent's uncovered area
when the parent's outline is known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geo.projections import WGS84, transformer, utm_for

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


def metric_crs(geoms: Sequence[BaseGeometry]) -> int:
    """The UTM zone (EPSG) of the centre of the geometries' box; Vietnam's provinces
    fall in 48N or 49N."""
    boxes = shapely.bounds(np.asarray(geoms, dtype=object))
    boxes = boxes[~np.isnan(boxes).any(axis=1)]
    if not len(boxes):
        return utm_for(0.0, 0.0)
    lon = (boxes[:, 0].min() + boxes[:, 2].max()) / 2
    lat = (boxes[:, 1].min() + boxes[:, 3].max()) / 2
    # Coordinates beyond the globe (latitude and longitude swapped) are found out
    # by the importer's extent check; measure them somewhere rather than fail.
    lon = (float(lon) + 180.0) % 360.0 - 180.0
    return utm_for(lon, min(max(float(lat), -90.0), 90.0))


def to_metric(geoms: Sequence[BaseGeometry], epsg: int | None = None) -> np.ndarray:
    """Project WGS 84 geometries to metres of ``epsg`` (default: their own UTM zone)."""
    tr = transformer(WGS84, epsg or metric_crs(geoms))
    return shapely.transform(
        np.asarray(geoms, dtype=object),
        lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])),
    )


def _to_lonlat(point: BaseGeometry, epsg: int) -> tuple[float, float]:
    lon, lat = transformer(epsg, WGS84).transform(point.x, point.y)
    return round(float(lon), 6), round(float(lat), 6)


def overlaps(codes: Sequence[str], geoms: Sequence[BaseGeometry]) -> list[Overlap]:
    """Every pair of polygons whose interiors overlap by at least MIN_AREA_M2."""
    epsg = metric_crs(geoms)
    metric = to_metric(geoms, epsg)
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
        lon, lat = _to_lonlat(shapely.point_on_surface(piece), epsg)
        found.append(Overlap(codes[i], codes[j], round(float(area), 1), lon, lat))
    return sorted(found, key=lambda o: -o.area_m2)


def gaps(
    geoms: Sequence[BaseGeometry], outline: BaseGeometry | None = None
) -> list[Gap]:
    """Areas inside the siblings' outer boundary (or the parent outline) that none covers."""
    epsg = metric_crs(list(geoms) + ([outline] if outline is not None else []))
    metric = to_metric(geoms, epsg)
    union = shapely.union_all(metric)
    if outline is not None:
        holes = shapely.difference(to_metric([outline], epsg)[0], union)
    else:
        rings = [
            shapely.Polygon(ring)
            for poly in shapely.get_parts(union)
            for ring in poly.interiors
        ]
        holes = shapely.union_all(rings) if rings else shapely.Polygon()
    found = [
        Gap(
            round(float(part.area), 1),
            *_to_lonlat(shapely.point_on_surface(part), epsg),
        )
        for part in shapely.get_parts(holes)
        if part.area >= MIN_AREA_M2
    ]
    return sorted(found, key=lambda g: -g.area_m2)


_GEOD = Geod(ellps="WGS84")


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres on the WGS 84 ellipsoid (a WGS 84 geometry): geodesic,
    so exact wherever the data lies (a UTM zone's scale is off by up to 0.1 %, which
    would decide the wrong unit between two overlapping ones of nearly equal size)."""
    return abs(float(_GEOD.geometry_area_perimeter(geom)[0]))
