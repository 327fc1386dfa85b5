"""Statistically honest hot spots: Gi* on H3 hexagons or on units, FDR-corrected.

Counts come from the pre-aggregated grid: each 200 m cell's count is placed at the
cell's centre and binned to H3 (resolution 8, ~0.74 km² hexagons, by default). A cell
straddling a hexagon edge goes wholly to one side, an error of at most one cell
(~100 m) at hexagon edges — small beside a resolution-8 hexagon (~920 m across), and
the reason resolutions finer than 9 are refused.

Gi* compares each hexagon's neighbourhood with the whole study area, so the study
area must hold the places where nothing was reported too. It is the deepest units
(of the boundary set in force on the window's last day) in which any selected report
lies, cut to the box when one is given; every hexagon whose centre lies in it enters,
with 0 when empty. At ``level=unit`` the observations are those units themselves
(all of the set's deepest units, or those in the box or named by ``unit``), with
queen contiguity from PostGIS; a cell goes to the unit covering its centre.

p-values are two-sided, analytical (or permutation pseudo p-values), and adjusted by
Benjamini–Hochberg before classes are given (``geo.hotspots``). With a comparison
window, the same hexagons are tested on it, and ``emerging`` marks those hot now
and not before.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone
from scipy import sparse

from analytics.grid import CELL_M, SRID
from analytics.selection import ReportFilter
from boundaries.bulk import coordinates_assign, valid_set_ids
from geo import hotspots as stats
from geo.grid import (
    cell_centres_lonlat,
    h3_area_km2,
    h3_bin,
    h3_fill,
    h3_neighbours,
    h3_rings,
)
from routing.reads import lag_ok_connection

DEFAULT_RESOLUTION = 8
RESOLUTIONS = range(5, 10)
MAX_PERMUTATIONS = 9999

_CELLS = """
    SELECT s.cell_x, s.cell_y, sum(s.n)::bigint
    FROM ({cells}) s GROUP BY 1, 2
"""


class HotspotError(ValueError):
    """A request the analysis cannot answer (no boundary set, no data…)."""


@dataclass(frozen=True)
class Counts:
    lon: np.ndarray
    lat: np.ndarray
    n: np.ndarray


def _cell_counts(selection: ReportFilter) -> Counts:
    with lag_ok_connection().cursor() as cursor:
        cells = selection.cells_sql(years=True)
        cursor.execute(_CELLS.format(cells=cells), selection.params())
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0)
        return Counts(empty, empty, empty)
    keys = np.array([(x, y) for x, y, _ in rows], dtype=np.float64)
    lon, lat = cell_centres_lonlat(keys[:, 0] + 0.5, keys[:, 1] + 0.5, CELL_M, SRID)
    return Counts(lon, lat, np.array([n for _, _, n in rows], dtype=np.float64))


def _sets(day: dt.date) -> list[int]:
    sets = valid_set_ids(day)
    if not sets:
        raise HotspotError(f"No active boundary set is in force on {day}.")
    return sets


def _covering_units(counts: Counts, sets: list[int]) -> np.ndarray:
    """The unit id covering each point of ``counts`` (0 where none does), by the
    lookup's rule (``boundaries.bulk.coordinates_assign``)."""
    units = coordinates_assign(
        lons=counts.lon.tolist(), lats=counts.lat.tolist(), sets=sets
    )
    return np.array([u or 0 for u in units], dtype=np.int64)


def _study_area(
    unit_ids: list[int], bbox: tuple[float, float, float, float] | None
) -> dict[str, Any] | None:
    """The union of the units (cut to the box), as GeoJSON."""
    if not unit_ids:
        return None
    clip = (
        "ST_Intersection(ST_Union(u.geom), ST_MakeEnvelope(%s, %s, %s, %s, 4326))"
        if bbox
        else "ST_Union(u.geom)"
    )
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT ST_AsGeoJSON({clip}) FROM boundaries_adminunit u "
            "WHERE u.id = ANY(%s)",
            [*(bbox or ()), unit_ids],
        )
        text = cursor.fetchone()[0]
    return json.loads(text) if text else None


def _gi(
    y: np.ndarray, neighbours: sparse.csr_matrix, alpha: float, permutations: int
) -> dict[str, np.ndarray]:
    result = stats.gi_star(y, neighbours, permutations=permutations, seed=0)
    classes, confidence = stats.classify(result.z, result.p_fdr, alpha)
    return {
        "z": result.z,
        "p": result.p,
        "p_fdr": result.p_fdr,
        "class": classes,
        "confidence": confidence,
    }


def _end_day(selection: ReportFilter) -> dt.date:
    return selection.day_to or timezone.localdate()


def hotspots_compute(
    *,
    selection: ReportFilter,
    resolution: int = DEFAULT_RESOLUTION,
    alpha: float = 0.05,
    level: str = "h3",
    normalise: bool = False,
    permutations: int = 0,
    compare: ReportFilter | None = None,
) -> dict[str, Any]:
    """Hot and cold spots of ``selection`` as a GeoJSON FeatureCollection; with
    ``compare`` (the same filters over an earlier window), emerging hot spots."""
    test = _Test(alpha, normalise, permutations)
    if level == "unit":
        return _units(selection, test, compare)
    if resolution not in RESOLUTIONS:
        raise HotspotError(f"H3 resolution must be in 5…9, not {resolution}.")
    sets = _sets(_end_day(selection))
    now = _cell_counts(selection)
    before = _cell_counts(compare) if compare is not None else None
    cells, counts, counts_before = _h3_cells(
        now, before, sets, selection.bbox, resolution
    )
    neighbours = h3_neighbours(cells)
    area_km2 = h3_area_km2(cells)
    y, result = test.run(counts, area_km2, neighbours)
    extra: dict[str, np.ndarray] = {}
    if counts_before is not None:
        _, result_before = test.run(counts_before, area_km2, neighbours)
        extra = {
            "count_before": counts_before,
            "z_before": result_before["z"],
            "class_before": result_before["class"],
            "emerging": stats.emerging(result["class"], result_before["class"]),
        }
    features = []
    for i, ring in enumerate(h3_rings(cells)):
        properties: dict[str, Any] = {
            "h3": format(int(cells[i]), "x"),
            "count": int(counts[i]),
            "area_km2": round(float(area_km2[i]), 4),
        }
        if normalise:
            properties["per_km2"] = round(float(y[i]), 3)
        properties.update(_properties(result, i))
        for name, values in extra.items():
            properties[name] = _plain(values[i])
        features.append(
            _feature({"type": "Polygon", "coordinates": [ring]}, properties)
        )
    return _collection(
        features,
        level="h3",
        resolution=resolution,
        **test.meta(),
        total=int(now.n.sum()),
        compare=compare,
    )


@dataclass(frozen=True)
class _Test:
    """How the observations are tested: Gi* at ``alpha``, on counts or densities."""

    alpha: float
    normalise: bool
    permutations: int

    def run(
        self, counts: np.ndarray, area_km2: np.ndarray, neighbours: sparse.csr_matrix
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The tested values (counts, or densities per km²) and their Gi* result."""
        y = stats.density(counts, area_km2) if self.normalise else counts
        return y, _gi(y, neighbours, self.alpha, self.permutations)

    def meta(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "permutations": self.permutations,
            "normalise": self.normalise,
        }


def _h3_cells(
    now: Counts,
    before: Counts | None,
    sets: list[int],
    bbox: tuple[float, float, float, float] | None,
    resolution: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The hexagons to test (those of the study area and every counted one) with
    the counts of each window in them."""
    # The study area: units holding any report of either window, cut to the box.
    both = Counts(
        np.concatenate([now.lon, before.lon if before else []]),
        np.concatenate([now.lat, before.lat if before else []]),
        np.concatenate([now.n, before.n if before else []]),
    )
    unit_ids = sorted({int(u) for u in _covering_units(both, sets) if u})
    area = _study_area(unit_ids, bbox)
    now_cells, now_counts = h3_bin(now.lat, now.lon, now.n, resolution)
    filled = h3_fill(area, resolution) if area else np.zeros(0, dtype=np.uint64)
    cells = np.union1d(filled, now_cells)
    if before is None:
        return cells, _align(cells, now_cells, now_counts), None
    before_cells, before_counts = h3_bin(before.lat, before.lon, before.n, resolution)
    cells = np.union1d(cells, before_cells)
    return (
        cells,
        _align(cells, now_cells, now_counts),
        _align(cells, before_cells, before_counts),
    )


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _align(cells: np.ndarray, present: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(cells.size, dtype=np.float64)
    if present.size:
        out[np.searchsorted(cells, present)] = values
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return round(float(value), 4)
    return str(value)


def _properties(result: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    return {
        "z": round(float(result["z"][i]), 4),
        "p": round(float(result["p"][i]), 6),
        "p_fdr": round(float(result["p_fdr"][i]), 6),
        "class": str(result["class"][i]),
        "confidence": int(result["confidence"][i]),
    }


def _collection(features: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    compare = meta.pop("compare")
    significant = sum(
        f["properties"]["class"] != stats.NOT_SIGNIFICANT for f in features
    )
    return {
        "type": "FeatureCollection",
        "method": "Getis-Ord Gi* (esda.G_Local, star, binary contiguity), "
        "two-sided p-values, Benjamini-Hochberg FDR",
        **meta,
        "cells": len(features),
        "significant": significant,
        "emerging": sum(bool(f["properties"].get("emerging")) for f in features)
        if compare is not None
        else None,
        "features": features,
    }


_UNITS = """
    SELECT u.id, u.code, u.name, u.area_m2,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(u.geom, 0.0001), 6)
    FROM boundaries_adminunit u
    WHERE u.boundary_set_id = ANY(%(sets)s)
      AND EXISTS (SELECT 1 FROM boundaries_adminunitpart p WHERE p.unit_id = u.id)
      {extra}
    ORDER BY u.id
"""

_TOUCHING = """
    SELECT a.id, b.id FROM boundaries_adminunit a
    JOIN boundaries_adminunit b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
    WHERE a.id = ANY(%(ids)s) AND b.id = ANY(%(ids)s)
"""


def _units(
    selection: ReportFilter, test: _Test, compare: ReportFilter | None
) -> dict[str, Any]:
    sets = _sets(_end_day(selection))
    units, neighbours = _unit_rows(selection, sets)
    ids = [row[0] for row in units]
    area_km2 = np.array([row[3] / 1e6 for row in units], dtype=np.float64)
    counts = _unit_counts(selection, sets, ids)
    y, result = test.run(counts, area_km2, neighbours)
    before: dict[str, np.ndarray] | None = None
    counts_before = np.zeros(0)
    if compare is not None:
        counts_before = _unit_counts(compare, sets, ids)
        _, before = test.run(counts_before, area_km2, neighbours)
    features = []
    for i, (_, code, name, _area, geometry) in enumerate(units):
        properties: dict[str, Any] = {
            "code": code,
            "name": name,
            "count": int(counts[i]),
            "area_km2": round(float(area_km2[i]), 3),
        }
        if test.normalise:
            properties["per_km2"] = round(float(y[i]), 3)
        properties.update(_properties(result, i))
        if before is not None:
            properties.update(
                count_before=int(counts_before[i]),
                z_before=round(float(before["z"][i]), 4),
                class_before=str(before["class"][i]),
                emerging=bool(
                    stats.emerging(
                        result["class"][i : i + 1], before["class"][i : i + 1]
                    )[0]
                ),
            )
        features.append(_feature(json.loads(geometry), properties))
    return _collection(
        features,
        level="unit",
        resolution=None,
        **test.meta(),
        total=int(counts.sum()),
        compare=compare,
    )


def _unit_rows(
    selection: ReportFilter, sets: list[int]
) -> tuple[list[tuple], sparse.csr_matrix]:
    """The study area's units (id, code, name, area_m2, GeoJSON) and their queen
    contiguity."""
    extra = []
    params: dict[str, Any] = {"sets": sets}
    if selection.bbox is not None:
        extra.append(
            "AND ST_Intersects(u.geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))"
        )
        params.update(zip(("x0", "y0", "x1", "y1"), selection.bbox, strict=True))
    if selection.unit_ids is not None:
        extra.append(
            "AND u.code IN (SELECT code FROM boundaries_adminunit WHERE id = ANY(%(units)s))"
        )
        params["units"] = list(selection.unit_ids)
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(_UNITS.format(extra=" ".join(extra)), params)
        units = cursor.fetchall()
        ids = [row[0] for row in units]
        cursor.execute(_TOUCHING, {"ids": ids})
        pairs = cursor.fetchall()
    if not units:
        raise HotspotError("No unit lies in the study area.")
    index = {unit_id: i for i, unit_id in enumerate(ids)}
    rows = [index[a] for a, b in pairs] + [index[b] for a, b in pairs]
    cols = [index[b] for a, b in pairs] + [index[a] for a, b in pairs]
    neighbours = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(ids), len(ids))
    )
    return units, neighbours


def _unit_counts(chosen: ReportFilter, sets: list[int], ids: list[int]) -> np.ndarray:
    """The reports of ``chosen`` in each unit of ``ids`` (a cell counts in the unit
    covering its centre)."""
    cells = _cell_counts(chosen.but(unit_ids=None))
    covering = _covering_units(cells, sets)
    wanted = np.asarray(ids, dtype=np.int64)
    order = np.argsort(wanted)
    # Each cell's position in ``ids``; cells of other units (or none) are dropped.
    at = order[np.searchsorted(wanted, covering, sorter=order).clip(0, wanted.size - 1)]
    kept = wanted[at] == covering
    counts = np.bincount(at[kept], weights=cells.n[kept], minlength=wanted.size)
    return counts.astype(np.float64, copy=False)  # int64 when no cell is kept
