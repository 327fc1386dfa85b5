"""Clusters and heatmap points for a map view, from the pre-aggregated grid.

Below ``POINTS_ZOOM`` the 200 m cells are re-binned into blocks of ``k × k`` cells
(``k`` a power of two chosen so a block is about 64 screen pixels wide: 12.8 km at
zoom 10, 1.6 km at zoom 13) by integer division of the cell keys; a cluster sits at the
count-weighted mean of its cells' centres, so it is drawn where its reports are, to
within 100 m. Single reports are returned instead when the selection holds at most
``MAX_POINTS`` reports from ``POINTS_ZOOM`` on, or fewer than ``FEW_POINTS`` at any
zoom — their id, tracking code, category, status and time, never anything about the
reporter. Only tiny boxes (``analytics.selection.RAW_BELOW_CELLS``) are counted from
the raw reports alone; others from the aggregates plus the raw reports of the box's
edge strips: from the block roll-ups when a cluster is a whole number of 1.6 km
blocks (zoom ≤ 13 for clusters, ≤ 11 for the heatmap), else from the cell tables (a
zoom-16 view too: its ~100 whole cells are read cell by cell through the primary
key, cheaper than the raw rows, which lie all over the table). The whole years of
the time range are read from the year tables, the rest of it by month and day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics.grid import BLOCK, CELL_M, SRID
from analytics.selection import ReportFilter
from geo.grid import cell_centres_lonlat, cluster_factor
from routing.models import Category
from routing.reads import lag_ok_connection, lag_ok_db

POINTS_ZOOM = 16
FEW_POINTS = 200  # fewer reports than this are shown one by one at any zoom
MAX_POINTS = 2000  # never more single reports than this in one answer
DEFAULT_LAT = 17.47  # Đồng Hới, for the zoom → cell size rule without a box

_BINNED = """
    SELECT floor(s.cell_x / %(k)s::float8)::integer AS gx,
           floor(s.cell_y / %(k)s::float8)::integer AS gy,
           {dims} sum(s.n)::bigint AS n,
           sum(s.n * (s.cell_x + 0.5::float8)) AS sx,
           sum(s.n * (s.cell_y + 0.5::float8)) AS sy
    FROM ({cells}) s
    GROUP BY 1, 2 {group}
"""

# The same from coarse rows (``ReportFilter.coarse_sql``: blocks of BLOCK × BLOCK
# cells with count-weighted cell sums), when a cluster is a whole number of blocks.
_BINNED_COARSE = """
    SELECT floor(s.block_x / %(kb)s::float8)::integer AS gx,
           floor(s.block_y / %(kb)s::float8)::integer AS gy,
           {dims} sum(s.n)::bigint AS n, sum(s.sx) AS sx, sum(s.sy) AS sy
    FROM ({cells}) s
    GROUP BY 1, 2 {group}
"""

_POINTS = """
    SELECT r.id, r.tracking_code, c.code, r.status, r.reported_at,
           ST_X(r.location), ST_Y(r.location)
    FROM routing_report r JOIN routing_category c ON c.id = r.category_id
    WHERE {where}
    ORDER BY r.reported_at DESC, r.id DESC
    LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Binned:
    """Counts per re-binned cell, with the cell's count-weighted centre."""

    lon: np.ndarray
    lat: np.ndarray
    count: np.ndarray
    categories: list[dict[str, int]]
    statuses: list[dict[str, int]]

    @property
    def total(self) -> int:
        return int(self.count.sum())


def _category_codes() -> dict[int, str]:
    return dict(Category.objects.using(lag_ok_db()).values_list("id", "code"))


def binned_select(*, selection: ReportFilter, k: int, breakdown: bool = True) -> Binned:
    """The selected reports counted per block of ``k × k`` grid cells; from the
    block roll-ups when ``k`` is a multiple of their blocks, and whole years from
    the year tables (same counts and centres, fewer rows read)."""
    dims, group = ("s.category_id, s.status,", ", 3, 4") if breakdown else ("", "")
    params = {**selection.params(), "k": k}
    if k % BLOCK == 0:
        cells, extra = selection.coarse_sql(years=True)
        sql = _BINNED_COARSE.format(cells=cells, dims=dims, group=group)
        params.update(extra, kb=k // BLOCK)
    else:
        cells = selection.cells_sql(years=True)
        sql = _BINNED.format(cells=cells, dims=dims, group=group)
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    categories: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    statuses: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    codes = _category_codes() if breakdown else {}
    for row in rows:
        if breakdown:
            gx, gy, category_id, status, n, sx, sy = row
            code = codes.get(category_id, str(category_id))
            categories[gx, gy][code] = categories[gx, gy].get(code, 0) + n
            statuses[gx, gy][status] = statuses[gx, gy].get(status, 0) + n
        else:
            gx, gy, n, sx, sy = row
        acc = totals[gx, gy]
        acc[0] += n
        acc[1] += sx
        acc[2] += sy
    keys = sorted(totals)
    count = np.array([totals[key][0] for key in keys], dtype=np.int64)
    sx = np.array([totals[key][1] for key in keys], dtype=np.float64)
    sy = np.array([totals[key][2] for key in keys], dtype=np.float64)
    safe = np.maximum(count, 1)
    lon, lat = cell_centres_lonlat(sx / safe, sy / safe, CELL_M, SRID)
    return Binned(
        lon=lon,
        lat=lat,
        count=count,
        categories=[categories[key] for key in keys] if breakdown else [],
        statuses=[statuses[key] for key in keys] if breakdown else [],
    )


def points_select(
    *, selection: ReportFilter, limit: int = MAX_POINTS
) -> list[dict[str, Any]]:
    """Single reports as GeoJSON features, newest first, without personal data."""
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(
            _POINTS.format(where=selection.raw_where()),
            {**selection.params(), "limit": limit},
        )
        rows = cursor.fetchall()
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
            "properties": {
                "id": pk,
                "tracking_code": code,
                "category": category,
                "status": status,
                "reported_at": reported_at.isoformat(),
            },
        }
        for pk, code, category, status, reported_at, x, y in rows
    ]


def _factor(selection: ReportFilter, zoom: float, target_px: float) -> int:
    lat = (selection.bbox[1] + selection.bbox[3]) / 2 if selection.bbox else DEFAULT_LAT
    return cluster_factor(zoom, lat, CELL_M, target_px)


def clusters_select(*, selection: ReportFilter, zoom: float) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of clusters (``mode`` "clusters") or of single
    reports (``mode`` "points"), with the ``total`` count of the selection."""
    k = _factor(selection, zoom, 64.0)
    binned = binned_select(selection=selection, k=k)
    if binned.total <= (MAX_POINTS if zoom >= POINTS_ZOOM else FEW_POINTS):
        return _points(selection, zoom, binned.total)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(lon), 6), round(float(lat), 6)],
            },
            "properties": {
                "count": int(count),
                "categories": categories,
                "statuses": statuses,
            },
        }
        for lon, lat, count, categories, statuses in zip(
            binned.lon,
            binned.lat,
            binned.count,
            binned.categories,
            binned.statuses,
            strict=True,
        )
    ]
    return {
        "type": "FeatureCollection",
        "mode": "clusters",
        "zoom": zoom,
        "cell_m": CELL_M * k,
        "total": binned.total,
        "features": features,
    }


def _points(selection: ReportFilter, zoom: float, total: int) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "mode": "points",
        "zoom": zoom,
        "cell_m": None,
        "total": total,
        "features": points_select(selection=selection),
    }


def heatmap_select(
    *, selection: ReportFilter, zoom: float | None = None
) -> list[list[float]]:
    """``[[lat, lng, weight], …]`` for Leaflet.heat: one point per 200 m cell (or,
    given ``zoom``, per block about 16 pixels wide), weighted by its report count."""
    k = 1 if zoom is None else _factor(selection, zoom, 16.0)
    binned = binned_select(selection=selection, k=k, breakdown=False)
    return [
        [round(float(lat), 6), round(float(lon), 6), int(count)]
        for lon, lat, count in zip(binned.lon, binned.lat, binned.count, strict=True)
    ]
