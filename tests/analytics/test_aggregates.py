"""The pre-aggregates follow every write: intake, status changes, a set-based
re-route, deletes; and a rebuild from scratch gives the same rows."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from analytics import grid
from analytics.models import CellDay
from analytics.rebuild import cellday_check, cellday_rebuild
from routing.models import Category, Department, Report
from routing.zones.bulk import Selection, reports_reroute
from routing.zones.state import ZoneState
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db


def fresh() -> list[tuple]:
    """The aggregates as a fresh GROUP BY over the reports would give them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT floor(ST_X(ST_Transform(location, 32648)) / 200)::int,
                   floor(ST_Y(ST_Transform(location, 32648)) / 200)::int,
                   (reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, category_id,
                   status, unit_id, department_id, count(*)::int
            FROM routing_report GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
            """
        )
        return cursor.fetchall()


def kept() -> list[tuple]:
    return list(
        CellDay.objects.order_by(
            "cell_x",
            "cell_y",
            "day",
            "category_id",
            "status",
            "unit_id",
            "department_id",
        ).values_list(
            "cell_x",
            "cell_y",
            "day",
            "category_id",
            "status",
            "unit_id",
            "department_id",
            "n",
        )
    )


def test_sql_grid_matches_python_constants():
    """The migration's SQL functions and analytics.grid define the same grid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT analytics_cell_m(), analytics_grid_srid(), "
            "analytics_day('2025-06-30T17:30:00Z'::timestamptz)"
        )
        cell_m, srid, day = cursor.fetchone()
    assert (cell_m, srid) == (grid.CELL_M, grid.SRID)
    assert day == dt.date(2025, 7, 1)  # 00:30 in Đồng Hới


def test_intake_inserts_and_status_changes_are_counted():
    """Reports made one at a time by the intake appear in the right cell and day;
    a status change moves the count; the table never keeps a zero."""
    vsmt = Category.objects.get(code="VSMT")
    at = dt.datetime(2025, 8, 4, 23, 30, tzinfo=dt.UTC)  # 5 August, local
    first = report_create(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category=vsmt, reported_at=at
    )
    report_create(lon=DONG_PHU[0], lat=DONG_PHU[1], category=vsmt, reported_at=at)
    rows = kept()
    assert rows == fresh()
    assert len(rows) == 1
    assert rows[0][2] == dt.date(2025, 8, 5)
    assert rows[0][7] == 2
    Report.objects.filter(pk=first.pk).update(status="in_progress")
    assert kept() == fresh()
    assert sorted(r[4] for r in kept()) == ["assigned", "in_progress"]
    assert not CellDay.objects.filter(n__lte=0).exists()


def test_moves_and_deletes(synthetic):
    """A moved pin changes cell; deleting reports takes them out; rows at zero go."""
    report = Report.objects.order_by("id").first()
    Report.objects.filter(pk=report.pk).update(
        location="SRID=4326;POINT(106.6300 17.4800)",
        reported_at=report.reported_at - dt.timedelta(days=40),
    )
    assert kept() == fresh()
    Report.objects.filter(
        pk__in=list(Report.objects.values_list("pk", flat=True)[:500])
    ).delete()
    assert kept() == fresh()
    assert sum(r[7] for r in kept()) == synthetic - 500
    Report.objects.all().delete()
    assert CellDay.objects.count() == 0


def test_set_based_reroute_moves_department_counts(synthetic):
    """A set-based UPDATE of thousands of reports, and routing.zones.bulk's
    re-route under today's zones, leave the aggregates equal to a fresh count."""
    triage = Department.objects.get(kind="triage")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE routing_report SET department_id = %s WHERE id %% 3 = 0",
            [triage.pk],
        )
        moved = cursor.rowcount
    assert moved > 500
    assert kept() == fresh()
    ids = tuple(Report.objects.values_list("pk", flat=True))
    impact = reports_reroute(
        state=ZoneState(at=timezone.now()),
        selection=Selection(ids=ids),
        cause="reroute",
    )
    assert impact.open_changed + impact.past_changed >= moved
    assert kept() == fresh()
    assert not CellDay.objects.filter(department_id=triage.pk).exists()


def test_rebuild_equals_incremental(synthetic):
    """The triggers' rows and a rebuild from scratch are the same rows."""
    Report.objects.filter(status="closed").update(status="resolved")
    incremental = kept()
    assert cellday_check().ok
    rows = cellday_rebuild()
    assert kept() == incremental == fresh()
    assert rows == len(incremental)


def test_check_finds_drift(synthetic):
    """Three rows lost and two miscounted are found by --check."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM analytics_cellday WHERE ctid IN (SELECT ctid FROM analytics_cellday LIMIT 3)"
        )
        cursor.execute(
            "UPDATE analytics_cellday SET n = n + 1 WHERE ctid IN (SELECT ctid FROM analytics_cellday LIMIT 2)"
        )
    drift = cellday_check()
    assert not drift.ok
    assert drift.missing == 5
    assert drift.surplus == 2
    cellday_rebuild()
    assert cellday_check().ok


def test_rebuild_command(synthetic):
    """``analytics_rebuild --check`` passes on fresh triggers' rows and fails on
    drift; ``analytics_rebuild`` repairs it."""
    out = StringIO()
    call_command("analytics_rebuild", "--check", stdout=out)
    assert "match" in out.getvalue()
    CellDay.objects.filter(n=1).update(n=2)
    with pytest.raises(CommandError, match="drift"):
        call_command("analytics_rebuild", "--check", stdout=StringIO())
    call_command("analytics_rebuild", stdout=StringIO())
    assert kept() == fresh()
