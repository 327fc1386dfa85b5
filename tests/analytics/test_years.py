"""The year tables (cell × year, block × year): kept equal to the reports through
every kind of write by the same triggers as the day and month tables, rebuilt and
checked with them. That the maps read from them the same counts and centres as
from the day table is checked with the roll-up (``test_rollup``)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from analytics.models import BlockYear, CellYear
from analytics.periods import whole_years
from analytics.rebuild import cellday_check, cellday_rebuild
from routing.models import Category, Department, Report
from routing.zones.bulk import Selection, reports_reroute
from routing.zones.state import ZoneState

pytestmark = pytest.mark.django_db

DIMS = "year, category_id, status, unit_id, department_id"

# Both tables as a GROUP BY over the reports gives them, written independently of
# the migration (projected 200 m cell, block of 8 × 8 cells, local year).
FRESH = f"""
    SELECT {{keys}}, {DIMS}, count(*)::int {{sums}}
    FROM (SELECT r.*,
                 floor(ST_X(ST_Transform(location, 32648)) / 200)::int AS cell_x,
                 floor(ST_Y(ST_Transform(location, 32648)) / 200)::int AS cell_y,
                 date_trunc('year', reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     AS year
          FROM routing_report r) r
    GROUP BY {{group}}, {DIMS} ORDER BY {{group}}, {DIMS}
"""
CELLS = FRESH.format(keys="cell_x, cell_y", sums="", group="cell_x, cell_y")
BLOCKS = FRESH.format(
    keys="floor(cell_x / 8.0)::int AS bx, floor(cell_y / 8.0)::int AS by",
    sums=", sum(cell_x)::bigint, sum(cell_y)::bigint",
    group="bx, by",
)


def fresh() -> tuple[list[tuple], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(CELLS)
        cells = cursor.fetchall()
        cursor.execute(BLOCKS)
        blocks = cursor.fetchall()
    return cells, blocks


def kept() -> tuple[list[tuple], list[tuple]]:
    dims = DIMS.split(", ")
    cells = list(
        CellYear.objects.order_by("cell_x", "cell_y", *dims).values_list(
            "cell_x", "cell_y", *dims, "n"
        )
    )
    blocks = list(
        BlockYear.objects.order_by("block_x", "block_y", *dims).values_list(
            "block_x", "block_y", *dims, "n", "sx", "sy"
        )
    )
    return cells, blocks


def test_follow_inserts_status_changes_moves_reroutes_and_deletes(synthetic):
    """Triggers keep both year tables equal to a fresh count through every write."""
    assert kept() == fresh()
    cells, blocks = kept()
    assert sum(row[7] for row in cells) == sum(row[7] for row in blocks) == synthetic
    ids = list(Report.objects.order_by("id").values_list("id", flat=True)[:300])
    Report.objects.filter(pk__in=ids).update(status="in_progress")
    assert kept() == fresh()
    # A move within its cell's block and year: block counts stay, sx/sy change.
    report = Report.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE routing_report SET location = ST_Transform(ST_SetSRID("
            "ST_MakePoint(floor(ST_X(ST_Transform(location, 32648)) / 1600) * 1600 "
            "+ 50, floor(ST_Y(ST_Transform(location, 32648)) / 1600) * 1600 + 50), "
            "32648), 4326) WHERE id = %s",
            [report.pk],
        )
    assert kept() == fresh()
    # Another block, another year, another category.
    Report.objects.filter(pk=report.pk).update(
        location="SRID=4326;POINT(106.6300 17.4800)",
        reported_at=report.reported_at - dt.timedelta(days=400),
        category=Category.objects.get(code="CTN"),
    )
    assert kept() == fresh()
    triage = Department.objects.get(kind="triage")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE routing_report SET department_id = %s WHERE id %% 3 = 0",
            [triage.pk],
        )
    assert kept() == fresh()
    reports_reroute(
        state=ZoneState(at=timezone.now()),
        selection=Selection(ids=tuple(Report.objects.values_list("pk", flat=True))),
        cause="reroute",
    )
    assert kept() == fresh()
    assert not BlockYear.objects.filter(department_id=triage.pk).exists()
    Report.objects.filter(pk__in=ids[:200]).delete()
    assert kept() == fresh()
    assert not CellYear.objects.filter(n__lte=0).exists()
    assert not BlockYear.objects.filter(n__lte=0).exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
        cursor.execute("TRUNCATE routing_report CASCADE")
    assert CellYear.objects.count() == BlockYear.objects.count() == 0


def test_rebuild_and_check_cover_the_year_tables(synthetic):
    """A rebuild gives the triggers' rows; --check finds a lost cell-year and a
    wrong block-year centre sum, and the rebuild repairs them."""
    incremental = kept()
    cellday_rebuild()
    assert kept() == incremental == fresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM analytics_cellyear WHERE ctid IN "
            "(SELECT ctid FROM analytics_cellyear LIMIT 1)"
        )
        cursor.execute(
            "UPDATE analytics_blockyear SET sx = sx + 3 WHERE ctid IN "
            "(SELECT ctid FROM analytics_blockyear LIMIT 1)"
        )
    drift = cellday_check()
    assert (drift.missing, drift.rollup_missing, drift.outcome_missing) == (0, 0, 0)
    assert (drift.years_missing, drift.years_surplus) == (2, 1)
    assert not drift.ok
    with pytest.raises(CommandError, match="years 2 missing"):
        call_command("analytics_rebuild", "--check", stdout=StringIO())
    call_command("analytics_rebuild", stdout=StringIO())
    assert kept() == fresh()
    assert cellday_check().ok


@pytest.mark.parametrize(
    ("day_from", "day_to", "expected"),
    [
        (None, None, (None, None)),
        ("2024-01-01", "2024-12-31", ("2024-01-01", "2025-01-01")),
        ("2023-05-10", "2025-11-09", ("2024-01-01", "2025-01-01")),
        ("2023-01-02", "2025-12-31", ("2024-01-01", "2026-01-01")),
        (None, "2025-03-31", (None, "2025-01-01")),
        ("2024-02-29", None, ("2025-01-01", None)),
        ("2024-03-01", "2025-02-28", None),  # twelve months, no whole year
        ("2024-06-01", "2024-12-31", None),
    ],
)
def test_whole_years(day_from, day_to, expected):
    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    years = whole_years(day(day_from), day(day_to))
    if expected is None:
        assert years is None
    else:
        assert (years.first, years.after) == (day(expected[0]), day(expected[1]))
