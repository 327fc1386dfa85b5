"""Zoom 14–16 views read their whole cells from ``analytics_cellday`` (listed
columns and rows) and only the edge strips from raw reports; zoom-16 tiles skip the
raw count when their whole cells alone hold too many reports. Both must give the
answers the raw rows give: the same counts per cell and the same positions as the
raw-only path, and the same tiles, with and without filters."""

from __future__ import annotations

import datetime as dt
import math

import mapbox_vector_tile
import pytest
from django.db import connection

from analytics import selection as selection_module
from analytics import tiles
from analytics.clusters import binned_select
from analytics.grid import CELL_M, SRID
from analytics.selection import RAW_BELOW_CELLS, ReportFilter
from geo.grid import inner_cell_range, tile_lonlat
from geo.projections import transformer
from routing.models import Category
from tests.factories import report_create

pytestmark = pytest.mark.django_db

MARKET = (106.6232, 17.4703)
DONG_PHU = (106.6150, 17.4781)
SCREEN = (1280, 800)


def viewport(centre: tuple[float, float], zoom: int) -> tuple[float, ...]:
    """The lon/lat box of a 1280 × 800 screen at ``zoom`` around ``centre``."""
    lon, lat = centre
    half_lon = SCREEN[0] / 2 * 360 / (256 * 2**zoom)
    half_lat = SCREEN[1] / 2 * 360 / (256 * 2**zoom) * math.cos(math.radians(lat))
    return (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


def filters() -> dict[str, ReportFilter]:
    ids = tuple(
        Category.objects.filter(code__in=("VSMT", "CTN")).values_list("id", flat=True)
    )
    return {
        "none": ReportFilter(),
        # partial months at both ends, two categories, some statuses
        "filtered": ReportFilter(
            day_from=dt.date(2024, 2, 17),
            day_to=dt.date(2025, 11, 9),
            category_ids=ids,
            statuses=("received", "assigned", "in_progress", "resolved", "closed"),
        ),
        "days": ReportFilter(day_from=dt.date(2025, 6, 3), day_to=dt.date(2025, 6, 20)),
    }


def raw_cells(selection: ReportFilter) -> dict[tuple[int, int], int]:
    """Reports of the selection per 200 m cell, straight from the raw rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT floor(ST_X(ST_Transform(r.location, 32648)) / 200)::int, "
            "floor(ST_Y(ST_Transform(r.location, 32648)) / 200)::int, count(*) "
            f"FROM routing_report r WHERE {selection.raw_where()} GROUP BY 1, 2",
            selection.params(),
        )
        return {(x, y): n for x, y, n in cursor.fetchall()}


def by_cell(selection: ReportFilter) -> dict[tuple[float, float], tuple]:
    binned = binned_select(selection=selection, k=1)
    return {
        (round(float(lon), 7), round(float(lat), 7)): (int(n), cats, stats)
        for lon, lat, n, cats, stats in zip(
            binned.lon,
            binned.lat,
            binned.count,
            binned.categories,
            binned.statuses,
            strict=True,
        )
    }


@pytest.mark.parametrize("zoom", [14, 15, 16])
@pytest.mark.parametrize("centre", [MARKET, DONG_PHU])
@pytest.mark.parametrize("name", ["none", "filtered", "days"])
def test_view_counts_equal_raw_rows(synthetic, monkeypatch, zoom, centre, name):
    """A view read as whole cells + strips counts what the raw rows count, cell by
    cell, with the same positions and breakdowns as the raw-only path."""
    base = filters()[name]
    box = viewport(centre, zoom)
    split = base.but(bbox=box)
    assert split.split.inner is not None
    assert split.split.inner.cells >= RAW_BELOW_CELLS  # the aggregate path is used
    counts = raw_cells(split)
    assert sum(counts.values()) > 0 or name == "days"
    answer = by_cell(split)
    assert sorted(n for n, _, _ in answer.values()) == sorted(counts.values())
    assert binned_select(selection=split, k=1).total == sum(counts.values())
    monkeypatch.setattr(selection_module, "RAW_BELOW_CELLS", 10**9)
    raw_only = base.but(bbox=box)
    assert raw_only.split.inner is None
    assert by_cell(raw_only) == answer


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def in_tile(z: int, x: int, y: int, selection: ReportFilter) -> int:
    lon0, lat0, lon1, lat1 = tile_lonlat(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM routing_report r WHERE ST_X(r.location) >= %(a)s "
            "AND ST_X(r.location) < %(b)s AND ST_Y(r.location) >= %(c)s "
            f"AND ST_Y(r.location) < %(d)s AND {selection.raw_where()}",
            {**selection.params(), "a": lon0, "b": lon1, "c": lat0, "d": lat1},
        )
        return cursor.fetchone()[0]


def inner_count(z: int, x: int, y: int, selection: ReportFilter) -> int:
    lon0, lat0, lon1, lat1 = tile_lonlat(z, x, y)
    inner = inner_cell_range((lon0, lat0, lon1, lat1), CELL_M, SRID)
    assert inner is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(a.n), 0) FROM analytics_cellday a "
            "WHERE a.cell_x BETWEEN %(x0)s AND %(x1)s "
            f"AND a.cell_y BETWEEN %(y0)s AND %(y1)s AND {selection.aggregate_where()}",
            {
                **selection.params(),
                "x0": inner.x0,
                "x1": inner.x1,
                "y0": inner.y0,
                "y1": inner.y1,
            },
        )
        return cursor.fetchone()[0]


def decoded(data: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(data)["reports"]["features"] if data else []


@pytest.mark.parametrize("name", ["none", "filtered"])
@pytest.mark.parametrize("centre", [MARKET, DONG_PHU])
def test_zoom16_tile_points_or_cells(synthetic, monkeypatch, name, centre):
    """Whatever the limit, a zoom-16 tile holds single reports exactly when it has
    at most TILE_MAX_POINTS of them (all of them, once), else cells — the same
    cells whether the dense check or the raw count decided it."""
    base = filters()[name]
    x, y = tile_of(*centre, 16)
    total = in_tile(16, x, y, base)
    inner = inner_count(16, x, y, base)
    assert 0 < inner < total  # whole cells hold some, the rest is at the edges
    for most in sorted({total, total - 1, inner, inner - 1, 0}):
        monkeypatch.setattr(tiles, "TILE_MAX_POINTS", most)
        features = decoded(tiles.tile_render(z=16, x=x, y=y, selection=base))
        if total <= most:
            assert len(features) == total
            assert len({f["properties"]["id"] for f in features}) == total
            continue
        assert features
        assert all("count" in f["properties"] for f in features)
        with monkeypatch.context() as undense:
            undense.setattr(tiles, "_surely_dense", lambda *args: False)
            reference = tiles.tile_render(z=16, x=x, y=y, selection=base)
        assert decoded(reference) == features


def test_reports_on_grid_lines_and_box_edges_are_counted_once(db):
    """Reports exactly on the lines of the 25 m fine grid and of the 200 m grid
    where the ring meets the inner cells, on the box's edges and corners and just
    outside it: the ring + cells path counts what ``ST_Intersects`` counts, cell by
    cell."""
    box = viewport(MARKET, 16)
    selection = ReportFilter(bbox=box)
    split = selection.split
    assert split.inner is not None
    assert split.ring
    inner = split.inner
    to_lonlat = transformer(SRID, 4326)
    xs = [inner.x0 * CELL_M, inner.x0 * CELL_M - 25, (inner.x1 + 1) * CELL_M]
    ys = [inner.y0 * CELL_M, (inner.y0 + 2) * CELL_M + 25, (inner.y1 + 1) * CELL_M]
    points = [to_lonlat.transform(x, y) for x in xs for y in ys]
    lon0, lat0, lon1, lat1 = box
    mid_lon, mid_lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    points += [
        (lon0, lat0),
        (lon1, lat1),
        (lon0, mid_lat),
        (lon1, mid_lat),
        (mid_lon, lat0),
        (mid_lon, lat1),
        (lon0 - 1e-7, mid_lat),
        (mid_lon, lat1 + 1e-7),
    ]
    for lon, lat in points:
        report_create(lon=lon, lat=lat, category="VSMT")
    counts = raw_cells(selection)
    assert sum(counts.values()) == len(points) - 2
    assert binned_select(selection=selection, k=1).total == sum(counts.values())
    answer = by_cell(selection)
    assert sorted(n for n, _, _ in answer.values()) == sorted(counts.values())
