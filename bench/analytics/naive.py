"""The naive baselines: each question answered from ``routing_report`` alone.

A GROUP BY of each report's projected cell (``ST_Transform`` per row) for clusters
and tiles, every point of the period fetched and binned to H3 in Python for hot
spots, and a GROUP BY plus the exact ``percentile_cont`` over the raw rows for the
dashboard. They are what the aggregates are measured against.
"""

from __future__ import annotations

import math

from django.db import connection
from django.utils import timezone

from analytics.grid import CELL_M
from analytics.selection import ReportFilter
from geo.grid import cluster_factor, h3_bin, h3_neighbours, tile_bounds
from geo.hotspots import classify, gi_star

_NAIVE_CLUSTERS = """
    SELECT floor(ST_X(p) / %(size)s) AS gx, floor(ST_Y(p) / %(size)s) AS gy,
           r.category_id, r.status, count(*), avg(ST_X(p)), avg(ST_Y(p))
    FROM routing_report r CROSS JOIN LATERAL ST_Transform(r.location, 32648) p
    WHERE {where}
    GROUP BY 1, 2, 3, 4
"""


def naive_clusters(selection: ReportFilter, zoom: int) -> list[tuple]:
    lat = (selection.bbox[1] + selection.bbox[3]) / 2 if selection.bbox else 17.47
    size = CELL_M * cluster_factor(zoom, lat, CELL_M)
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_CLUSTERS.format(where=selection.raw_where()),
            {**selection.params(), "size": size},
        )
        return cursor.fetchall()


_NAIVE_TILE = """
    WITH cl AS (
        SELECT count(*) AS n, avg(ST_X(p)) AS x, avg(ST_Y(p)) AS y
        FROM routing_report r CROSS JOIN LATERAL ST_Transform(r.location, 3857) p
        WHERE r.location && ST_Transform(
                  ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857), 4326)
          AND {where}
        GROUP BY floor(ST_X(p) / %(size)s), floor(ST_Y(p) / %(size)s)
    )
    SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
        SELECT n AS count, ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857),
               ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857), 4096, 64, true)
               AS geom
        FROM cl
    ) t
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def naive_tile(z: int, x: int, y: int, selection: ReportFilter) -> bytes:
    x0, y0, x1, y1 = tile_bounds(z, x, y)
    size = (x1 - x0) / 4096 * 64  # 64-pixel cells in the tile's own metres
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_TILE.format(where=selection.raw_where(box=False)),
            {
                **selection.params(),
                "x0": x0,
                "y0": y0,
                "x1": x1,
                "y1": y1,
                "size": size,
            },
        )
        return bytes(cursor.fetchone()[0] or b"")


def naive_hotspots(selection: ReportFilter) -> int:
    """Every point of the period to Python, binned to H3 and tested (no study
    area: only hexagons with reports, which is what a naive version does)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(r.location), ST_X(r.location) FROM routing_report r "
            f"WHERE {selection.raw_where()}",
            selection.params(),
        )
        rows = cursor.fetchall()
    import numpy as np

    points = np.array(rows, dtype=np.float64)
    cells, counts = h3_bin(points[:, 0], points[:, 1], np.ones(len(points)), 8)
    result = gi_star(counts, h3_neighbours(cells))
    classes, _ = classify(result.z, result.p_fdr)
    return int((classes != "not_significant").sum())


_NAIVE_STATS = """
    SELECT GROUPING(r.unit_id, r.category_id, r.status,
                    date_trunc('month', r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')),
           count(*)
    FROM routing_report r WHERE {where}
    GROUP BY GROUPING SETS ((r.unit_id), (r.category_id), (r.status),
        (date_trunc('month', r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')), ())
"""


# The dashboard's times and rates read exactly from the raw rows (what
# ``stats_select`` did before the monthly outcomes): the exact percentiles sort
# every resolution time of the selection.
_TIMES = """
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           count(h),
           count(*) FILTER (WHERE r.status = ANY(%(open)s)),
           count(*) FILTER (WHERE r.status = ANY(%(open)s) AND r.due_at < %(now)s),
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL),
           count(*) FILTER (WHERE r.resolved_at > r.due_at),
           count(*) FILTER (WHERE r.rating = 'satisfied'),
           count(*) FILTER (WHERE r.rating = 'acceptable'),
           count(*) FILTER (WHERE r.rating = 'dissatisfied'),
           count(*) FILTER (WHERE r.status IN ('resolved', 'closed'))
    FROM routing_report r
    CROSS JOIN LATERAL (
        SELECT extract(epoch FROM r.resolved_at - r.reported_at) / 3600.0 AS h
    ) d
    WHERE {where}
"""


def exact_times(selection: ReportFilter) -> tuple:
    """The times and rates, exact, from the raw rows (the median/p90 baseline)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _TIMES.format(where=selection.raw_where()),
            {
                **selection.params(),
                "open": ["received", "assigned", "in_progress", "reopened"],
                "now": timezone.now(),
            },
        )
        return cursor.fetchone()


def naive_stats(selection: ReportFilter) -> int:
    """The dashboard's counts from the raw rows (its times and rates: ``exact_times``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_STATS.format(where=selection.raw_where()), selection.params()
        )
        return len(cursor.fetchall())
