"""The block × month roll-up: kept equal to the reports through every kind of write,
rebuilt and checked with the cell × day table, and giving the same totals and the
same cluster positions as the cell × day path for whole months, partial months and
ranges across a year's end, with and without boxes and filters."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from io import StringIO

import mapbox_vector_tile
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from analytics import clusters, grid
from analytics.clusters import binned_select, clusters_select, heatmap_select
from analytics.models import BlockYear, CellMonth, CellYear
from analytics.periods import whole_months
from analytics.rebuild import cellday_check, cellday_rebuild
from analytics.selection import ReportFilter
from analytics.stats import stats_select
from analytics.tiles import tile_render
from geo.grid import cluster_factor
from routing.models import Category, Department, Report
from routing.zones.bulk import Selection, reports_reroute
from routing.zones.state import ZoneState
from tests.analytics import year_tables
from tests.analytics.selections import selections

pytestmark = pytest.mark.django_db

MKEYS = "block_x, block_y, month, category_id, status, unit_id, department_id"


def fresh() -> list[tuple]:
    """The roll-up as a GROUP BY over the reports gives it, written independently
    of the migration (projected cell → block of 8 × 8, local month)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT floor(cx / 8.0)::int AS block_x, floor(cy / 8.0)::int AS block_y,
                   date_trunc('month', reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                       AS month,
                   category_id, status, unit_id, department_id, count(*)::int,
                   sum(cx)::bigint, sum(cy)::bigint
            FROM (SELECT r.*, floor(ST_X(ST_Transform(location, 32648)) / 200) AS cx,
                         floor(ST_Y(ST_Transform(location, 32648)) / 200) AS cy
                  FROM routing_report r) r
            GROUP BY {MKEYS} ORDER BY {MKEYS}
            """
        )
        return cursor.fetchall()


def kept() -> list[tuple]:
    keys = MKEYS.split(", ")
    return list(CellMonth.objects.order_by(*keys).values_list(*keys, "n", "sx", "sy"))


def raw_count(selection: ReportFilter) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM routing_report r WHERE {selection.raw_where()}",
            selection.params(),
        )
        return cursor.fetchone()[0]


def raw_by_month(selection: ReportFilter) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM'), "
            f"count(*) FROM routing_report r WHERE {selection.raw_where()} GROUP BY 1",
            selection.params(),
        )
        return dict(cursor.fetchall())


def fine_binned(
    selection: ReportFilter, k: int, *, years: bool = False
) -> dict[tuple, tuple]:
    """Clusters of ``k × k`` cells from the cell × day path alone (with ``years``,
    the cell × year table for whole years), keyed by block and (category,
    status): the reference the roll-up path must equal."""
    sql = clusters._BINNED.format(
        cells=selection.cells_sql(years=years),
        dims="s.category_id, s.status,",
        group=", 3, 4",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**selection.params(), "k": k})
        return {tuple(r[:4]): tuple(r[4:]) for r in cursor.fetchall()}


def coarse_binned(
    selection: ReportFilter, k: int, *, years: bool = False
) -> dict[tuple, tuple]:
    cells, extra = selection.coarse_sql(years=years)
    sql = clusters._BINNED_COARSE.format(
        cells=cells, dims="s.category_id, s.status,", group=", 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**selection.params(), **extra, "kb": k // grid.BLOCK})
        return {tuple(r[:4]): tuple(r[4:]) for r in cursor.fetchall()}


def test_sql_block_matches_python():
    with connection.cursor() as cursor:
        cursor.execute("SELECT analytics_block()")
        assert cursor.fetchone()[0] == grid.BLOCK


@pytest.mark.parametrize(
    ("day_from", "day_to", "expected"),
    [
        (None, None, (None, None)),
        ("2024-03-01", "2024-05-31", ("2024-03-01", "2024-06-01")),
        ("2024-03-02", "2024-05-31", ("2024-04-01", "2024-06-01")),
        ("2024-03-01", "2024-05-30", ("2024-03-01", "2024-05-01")),
        ("2023-12-15", "2024-02-10", ("2024-01-01", "2024-02-01")),
        ("2024-01-31", "2024-03-01", ("2024-02-01", "2024-03-01")),  # leap February
        ("2024-03-05", "2024-03-30", None),
        ("2024-02-15", "2024-03-14", None),
        ("2024-02-01", None, ("2024-02-01", None)),
        (None, "2024-02-28", (None, "2024-02-01")),
    ],
)
def test_whole_months(day_from, day_to, expected):
    def day(text):
        return None if text is None else dt.date.fromisoformat(text)

    months = whole_months(day(day_from), day(day_to))
    if expected is None:
        assert months is None
    else:
        assert (months.first, months.after) == (day(expected[0]), day(expected[1]))


def assert_fresh() -> None:
    """The roll-up and both year tables equal a fresh count of the reports."""
    assert kept() == fresh()
    assert year_tables.kept() == year_tables.fresh()


def test_follows_inserts_status_changes_moves_reroutes_and_deletes(synthetic):
    """Triggers keep the roll-up and the year tables equal to a fresh count
    through every write."""
    assert_fresh()
    assert sum(row[7] for row in kept()) == synthetic
    cells, blocks = year_tables.kept()
    assert sum(row[7] for row in cells) == sum(row[7] for row in blocks) == synthetic
    # A status change (the workflow's kind of write).
    ids = list(Report.objects.order_by("id").values_list("id", flat=True)[:300])
    Report.objects.filter(pk__in=ids).update(status="in_progress")
    assert_fresh()
    # A move within its block and month: counts stay, sx/sy change.
    report = Report.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE routing_report SET location = ST_Transform(ST_SetSRID("
            "ST_MakePoint(floor(ST_X(ST_Transform(location, 32648)) / 1600) * 1600 "
            "+ 50, floor(ST_Y(ST_Transform(location, 32648)) / 1600) * 1600 + 50), "
            "32648), 4326) WHERE id = %s",
            [report.pk],
        )
    assert_fresh()
    # A move to another block and month, a category change.
    ctn = Category.objects.get(code="CTN")
    Report.objects.filter(pk=report.pk).update(
        location="SRID=4326;POINT(106.6300 17.4800)",
        reported_at=report.reported_at - dt.timedelta(days=40),
        category=ctn,
    )
    assert_fresh()
    # Into another year.
    Report.objects.filter(pk=report.pk).update(
        reported_at=report.reported_at - dt.timedelta(days=400)
    )
    assert_fresh()
    # A set-based re-route: every third report to the triage desk, then back
    # through routing.zones.bulk under today's zones.
    triage = Department.objects.get(kind="triage")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE routing_report SET department_id = %s WHERE id %% 3 = 0",
            [triage.pk],
        )
    assert_fresh()
    reports_reroute(
        state=ZoneState(at=timezone.now()),
        selection=Selection(ids=tuple(Report.objects.values_list("pk", flat=True))),
        cause="reroute",
    )
    assert_fresh()
    assert not CellMonth.objects.filter(department_id=triage.pk).exists()
    assert not BlockYear.objects.filter(department_id=triage.pk).exists()
    # Deletes, then a TRUNCATE.
    Report.objects.filter(pk__in=ids[:200]).delete()
    assert_fresh()
    assert not CellMonth.objects.filter(n__lte=0).exists()
    assert not CellYear.objects.filter(n__lte=0).exists()
    assert not BlockYear.objects.filter(n__lte=0).exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
        cursor.execute("TRUNCATE routing_report CASCADE")
    assert CellMonth.objects.count() == 0
    assert CellYear.objects.count() == BlockYear.objects.count() == 0


def test_rebuild_and_check(synthetic):
    """A rebuild gives the triggers' rows; --check finds drift in the roll-up alone
    (a lost row, a wrong count, a wrong centre sum) and the rebuild repairs it."""
    incremental = kept()
    assert cellday_check().ok
    cellday_rebuild()
    assert kept() == incremental == fresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM analytics_cellmonth WHERE ctid IN "
            "(SELECT ctid FROM analytics_cellmonth LIMIT 1)"
        )
        cursor.execute(
            "UPDATE analytics_cellmonth SET n = n + 1 WHERE ctid IN "
            "(SELECT ctid FROM analytics_cellmonth ORDER BY block_x LIMIT 1)"
        )
        cursor.execute(
            "UPDATE analytics_cellmonth SET sx = sx + 3 WHERE ctid IN "
            "(SELECT ctid FROM analytics_cellmonth ORDER BY block_x DESC LIMIT 1)"
        )
    drift = cellday_check()
    assert (drift.missing, drift.surplus) == (0, 0)
    assert (drift.rollup_missing, drift.rollup_surplus) == (3, 2)
    assert not drift.ok
    with pytest.raises(CommandError, match="block × month 3 missing"):
        call_command("analytics_rebuild", "--check", stdout=StringIO())
    call_command("analytics_rebuild", stdout=StringIO())
    assert kept() == fresh()
    assert cellday_check().ok


def test_same_totals_and_centres_as_the_cell_day_path(synthetic):
    """For each selection: the roll-up paths' clusters (k = 8 and 64 cells, by
    month or with whole years from the year tables) and the cell × year path's
    (k = 1) equal the cell × day path's, key for key, count for count, centre for
    centre; and
    clusters, heatmap, statistics and tiles count what the raw table counts."""
    checked = 0
    for name, selection in selections().items():
        expected = raw_count(selection)
        for k, years in itertools.product((1, 8, 64), (False, True)):
            fine = fine_binned(selection, k)
            if k % grid.BLOCK == 0:
                other = coarse_binned(selection, k, years=years)
            else:
                other = fine_binned(selection, k, years=years)
            assert fine.keys() == other.keys(), (name, k, years)
            for key, (n, sx, sy) in fine.items():
                assert other[key][0] == n, (name, k, years, key)
                assert other[key][1] == pytest.approx(sx, rel=1e-12)
                assert other[key][2] == pytest.approx(sy, rel=1e-12)
            assert sum(v[0] for v in other.values()) == expected, (name, k)
            assert binned_select(selection=selection, k=k).total == expected
        for zoom in (10, 13):
            assert clusters_select(selection=selection, zoom=zoom)["total"] == expected
        heat = heatmap_select(selection=selection, zoom=10)
        assert sum(weight for _, _, weight in heat) == expected, name
        stats = stats_select(selection=selection)
        assert stats["total"] == stats["total_from_reports"] == expected, name
        by_month = {row["month"]: row["count"] for row in stats["by_month"]}
        assert by_month == raw_by_month(selection), name
        assert sum(row["count"] for row in stats["by_status"]) == expected
        checked += expected
    assert checked > synthetic


@pytest.mark.parametrize("zoom", [10, 13])
def test_tiles_from_the_rollup_add_up(synthetic, zoom):
    """Tiles whose clusters are whole blocks (zoom ≤ 13) are made from the roll-up
    with the partial months from the day table; over every tile of the city they
    count the raw selection exactly, for partial and whole-month ranges."""
    assert cluster_factor(zoom, 17.47, grid.CELL_M) % grid.BLOCK == 0
    cases = selections()
    n = 2**zoom
    lo_x, hi_x = int((106.45 + 180) / 360 * n), int((106.75 + 180) / 360 * n)

    def tile_y(lat: float) -> int:
        rad = math.radians(lat)
        return int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)

    lo_y, hi_y = tile_y(17.6), tile_y(17.35)
    for name in ("everything", "partial months", "across a year", "within a month"):
        selection = cases[name]
        counted = 0
        for x in range(lo_x, hi_x + 1):
            for y in range(lo_y, hi_y + 1):
                tile = tile_render(z=zoom, x=x, y=y, selection=selection)
                if tile:
                    layer = mapbox_vector_tile.decode(tile)["reports"]
                    counted += sum(f["properties"]["count"] for f in layer["features"])
        assert counted == raw_count(selection), (name, zoom)
