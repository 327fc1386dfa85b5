"""Mapbox Vector Tiles of reports, made by PostGIS (``ST_AsMVT``).

Layer ``reports``. Below ``POINTS_ZOOM`` each feature is a cluster (``count``) of the
pre-aggregated grid, re-binned like the JSON clusters (from the block × month
roll-up when a cluster is whole blocks, as at zoom ≤ 13); from ``POINTS_ZOOM`` on, single
reports (``id``, ``tracking_code``, ``category``, ``status``, ``reported_at``) unless
the tile holds more than ``TILE_MAX_POINTS``, when the 200 m cells are sent instead.
That is decided without counting a dense tile's raw rows: if the cells wholly inside
the tile already hold more (``analytics_cellday``), cells it is; otherwise at most
``TILE_MAX_POINTS + 1`` raw rows are read, once, and encoded if they are all.

A cluster belongs to the one tile that holds its centre (half-open on the tile's
lon/lat bounds), and its cells are read whole (the cell range is widened to whole
clusters), so the counts of all tiles of a zoom level add up to the total exactly.
As PITFALLS advises, the tile bounds, the cell range and the cluster size are bound
as parameters, and the grouping is on integer keys.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.utils import CursorWrapper

from analytics.clusters import POINTS_ZOOM
from analytics.grid import BLOCK, CELL_M, FINE_M, SRID, on_grid
from analytics.selection import ReportFilter
from geo.grid import (
    WEB_MERCATOR,
    aligned,
    cluster_factor,
    covering_cell_range,
    covering_with_margin,
    inner_cell_range,
    tile_bounds,
    tile_lonlat,
)
from routing.reads import lag_ok_connection

EXTENT = 4096
BUFFER = 64
LAYER = "reports"
TILE_MAX_POINTS = 4000

_ENVELOPE = "ST_MakeEnvelope(%(tx0)s, %(ty0)s, %(tx1)s, %(ty1)s, 3857)"
_IN_TILE = (
    "ST_X({g}) >= %(lon0)s AND ST_X({g}) < %(lon1)s "
    "AND ST_Y({g}) >= %(lat0)s AND ST_Y({g}) < %(lat1)s"
)

# Clusters as MVT: ``{cl}`` sums each cluster's count and count-weighted cell keys
# (n, sx, sy); each is drawn at its reports' mean cell centre.
_CLUSTER_TILE = f"""
    WITH cl AS ({{cl}}),
    pt AS (
        SELECT n, ST_Transform(ST_SetSRID(ST_MakePoint(sx / n * %(cell)s,
                                                       sy / n * %(cell)s), {SRID}),
                               4326) AS g
        FROM cl
    )
    SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
        SELECT n AS count,
               ST_AsMVTGeom(ST_Transform(g, {WEB_MERCATOR}), {_ENVELOPE},
                            {EXTENT}, {BUFFER}, true) AS geom
        FROM pt WHERE {_IN_TILE.format(g="g")}
    ) t
"""

# From the cell × day rows of the tile's cells.
_CLUSTERS = _CLUSTER_TILE.format(
    cl="""
        SELECT sum(a.n)::bigint AS n,
               sum(a.n * (a.cell_x + 0.5::float8)) AS sx,
               sum(a.n * (a.cell_y + 0.5::float8)) AS sy
        FROM analytics_cellday a
        WHERE a.cell_x = ANY(%(cxs)s::integer[])
          AND a.cell_y BETWEEN %(cy0)s AND %(cy1)s AND {where}
        GROUP BY floor(a.cell_x / %(k)s::float8), floor(a.cell_y / %(k)s::float8)
    """
)

# The same from coarse rows (blocks of the roll-up, months), when a cluster is a
# whole number of blocks.
_CLUSTERS_COARSE = _CLUSTER_TILE.format(
    cl="""
        SELECT sum(s.n)::bigint AS n, sum(s.sx) AS sx, sum(s.sy) AS sy
        FROM ({cells}) s
        GROUP BY floor(s.block_x / %(kb)s::float8), floor(s.block_y / %(kb)s::float8)
    """
)

# Single reports, read once: at most TILE_MAX_POINTS + 1 rows of the tile are
# fetched, counted, and encoded only if there are no more than TILE_MAX_POINTS (a
# dense tile stops reading after that many rows instead of counting all of them).
# ``{rows}`` picks the tile's reports: by the fine cells covering it, from the
# location index alone (``analytics_report_fine``: a filtered view of a dense tile
# tests its filters on index entries, not on table pages), or by coordinates for a
# tile beyond the grid. Only the encoded reports' tracking codes are read from the
# table.
_POINTS = f"""
    WITH p AS MATERIALIZED (
        SELECT r.id, r.category_id, r.status, r.reported_at, r.location
        FROM routing_report r
        WHERE {{rows}} AND {_IN_TILE.format(g="r.location")} AND {{where}}
        LIMIT %(most)s + 1
    ),
    k AS (SELECT count(*) AS n FROM p)
    SELECT k.n, CASE WHEN k.n <= %(most)s THEN (
        SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
            SELECT p.id, r.tracking_code, c.code AS category, p.status,
                   to_char(p.reported_at AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reported_at,
                   ST_AsMVTGeom(ST_Transform(p.location, {WEB_MERCATOR}),
                                {_ENVELOPE}, {EXTENT}, {BUFFER}, true) AS geom
            FROM p JOIN routing_report r ON r.id = p.id
            JOIN routing_category c ON c.id = p.category_id
        ) t
    ) END
    FROM k
"""
_FINE_ROWS = (
    "analytics_fine_x(r.location) = ANY(%(fxs)s::integer[]) "
    "AND analytics_fine_y(r.location) BETWEEN %(fy0)s AND %(fy1)s"
)
_LONLAT_ROWS = (
    "r.location && ST_MakeEnvelope(%(lon0)s, %(lat0)s, %(lon1)s, %(lat1)s, 4326)"
)


# The selected reports of the cells lying wholly inside a tile: a lower bound of the
# tile's count, from the aggregates.
_INNER_COUNT = """
    SELECT coalesce(sum(a.n), 0) FROM analytics_cellday a
    WHERE a.cell_x = ANY(%(ixs)s::integer[])
      AND a.cell_y BETWEEN %(iy0)s AND %(iy1)s AND {where}
"""
# How far inside the tile's far edges (degrees, ~1 mm) its whole cells must lie:
# a point on a far edge belongs to the next tile.
_FAR_EDGE = 1e-8


def _surely_dense(
    cursor: CursorWrapper, selection: ReportFilter, tile: dict[str, float]
) -> bool:
    """Whether the tile's whole cells alone hold more than ``TILE_MAX_POINTS``
    selected reports; then the tile is drawn as cells without reading raw rows (a
    city-centre tile at zoom 16 holds tens of thousands)."""
    box = (
        tile["lon0"],
        tile["lat0"],
        tile["lon1"] - _FAR_EDGE,
        tile["lat1"] - _FAR_EDGE,
    )
    inner = inner_cell_range(box, CELL_M, SRID)
    if inner is None:
        return False
    cursor.execute(
        _INNER_COUNT.format(where=selection.aggregate_where()),
        {
            **selection.params(),
            "ixs": list(range(inner.x0, inner.x1 + 1)),
            "iy0": inner.y0,
            "iy1": inner.y1,
        },
    )
    return cursor.fetchone()[0] > TILE_MAX_POINTS


def _rows(
    lon0: float, lat0: float, lon1: float, lat1: float
) -> tuple[str, dict[str, Any]]:
    """How ``_POINTS`` finds the tile's reports, with its parameters: by fine
    cells where the grid is defined, else by coordinates."""
    if not on_grid((lon0, lat0, lon1, lat1)):
        return _LONLAT_ROWS, {}
    fine = covering_with_margin((lon0, lat0, lon1, lat1), SRID, FINE_M)
    return _FINE_ROWS, {
        "fxs": list(range(fine.x0, fine.x1 + 1)),
        "fy0": fine.y0,
        "fy1": fine.y1,
    }


def tile_render(*, z: int, x: int, y: int, selection: ReportFilter) -> bytes:
    """The tile's MVT bytes (empty for a tile with no reports). ``selection``'s
    box is ignored: the tile is the box."""
    selection = selection.but(bbox=None)
    lon0, lat0, lon1, lat1 = tile_lonlat(z, x, y)
    tx0, ty0, tx1, ty1 = tile_bounds(z, x, y)
    params = {
        **selection.params(),
        "lon0": lon0,
        "lat0": lat0,
        "lon1": lon1,
        "lat1": lat1,
        "tx0": tx0,
        "ty0": ty0,
        "tx1": tx1,
        "ty1": ty1,
    }
    with lag_ok_connection().cursor() as cursor:
        if z >= POINTS_ZOOM and not _surely_dense(cursor, selection, params):
            rows, fine = _rows(lon0, lat0, lon1, lat1)
            cursor.execute(
                _POINTS.format(rows=rows, where=selection.raw_where(box=False)),
                {**params, **fine, "most": TILE_MAX_POINTS},
            )
            count, points = cursor.fetchone()
            if count <= TILE_MAX_POINTS:
                return bytes(points or b"")
        k = cluster_factor(z, (lat0 + lat1) / 2, CELL_M) if z < POINTS_ZOOM else 1
        cells = aligned(
            covering_cell_range((tx0, ty0, tx1, ty1), WEB_MERCATOR, SRID, CELL_M), k
        )
        params.update(
            cx0=cells.x0, cy0=cells.y0, cx1=cells.x1, cy1=cells.y1, k=k, cell=CELL_M
        )
        params["cxs"] = list(range(cells.x0, cells.x1 + 1))
        if k % BLOCK == 0:
            coarse, extra = selection.coarse_sql(cells, years=True)
            params.update(extra, kb=k // BLOCK)
            cursor.execute(_CLUSTERS_COARSE.format(cells=coarse), params)
        else:
            cursor.execute(_CLUSTERS.format(where=selection.aggregate_where()), params)
        return bytes(cursor.fetchone()[0] or b"")
