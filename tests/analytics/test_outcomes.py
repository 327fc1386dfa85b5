"""The monthly outcomes behind the dashboard's times and rates: kept by the triggers
through resolutions, ratings, deadline changes, re-routes and deletes; checked and
rebuilt; and the dashboard's median and p90 within the stated bound of the exact
``percentile_cont`` while its counts and rates stay exact."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from analytics import grid
from analytics.rebuild import cellday_check, cellday_rebuild
from analytics.selection import ReportFilter
from analytics.stats import percentile, stats_select
from routing.models import Category, Department, Report
from tests.analytics.conftest import END

pytestmark = pytest.mark.django_db

OPEN = ["received", "assigned", "in_progress", "reopened"]


def exact(selection: ReportFilter, now: dt.datetime) -> dict[str, float | int | None]:
    """The figures straight from routing_report, written independently."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY h),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY h),
                   count(h),
                   count(*) FILTER (WHERE r.status = ANY(%(open)s)
                                      AND r.due_at < %(now)s),
                   count(*) FILTER (WHERE r.resolved_at > r.due_at),
                   count(*) FILTER (WHERE r.resolved_at IS NOT NULL
                                      AND r.due_at IS NOT NULL),
                   count(*) FILTER (WHERE r.rating = 'satisfied'),
                   count(*) FILTER (WHERE r.rating = 'dissatisfied')
            FROM routing_report r
            CROSS JOIN LATERAL (SELECT extract(epoch FROM r.resolved_at
                                               - r.reported_at) / 3600.0 AS h) d
            WHERE {selection.raw_where()}
            """,
            {**selection.params(), "open": OPEN, "now": now},
        )
        row = cursor.fetchone()
    keys = ("total", "median", "p90", "resolved", "overdue", "late", "with_due")
    return dict(zip((*keys, "satisfied", "dissatisfied"), row, strict=True))


def test_bucket_rule_matches_python():
    """SQL's analytics_hours_bucket cuts time as analytics.grid describes it."""
    cases = [None, 0.0, 0.5 / 60, 1 / 60, 0.02, 1.0, 1.5, 24.0, 100.0, 5000.0]
    with connection.cursor() as cursor:
        for hours in cases:
            cursor.execute(
                "SELECT analytics_hours_bucket(t, t + %s * interval '1 hour') "
                "FROM (SELECT '2025-01-01T00:00:00Z'::timestamptz AS t) x",
                [hours],
            )
            bucket = cursor.fetchone()[0]
            if hours is None:
                assert bucket == -1
            elif hours < grid.H0_HOURS:
                assert bucket == 0
            else:
                low = grid.H0_HOURS * 2 ** ((bucket - 1) / grid.PER_DOUBLING)
                high = grid.H0_HOURS * 2 ** (bucket / grid.PER_DOUBLING)
                assert low * (1 - 1e-9) <= hours < high, (hours, bucket)
                middle = grid.bucket_middle(bucket)
                assert abs(middle / hours - 1) <= grid.BUCKET_ERROR + 1e-12


def test_percentile_by_hand():
    """Interpolation between order statistics, as percentile_cont does: with 3
    times in bucket 10 and 1 in bucket 20, the median (position 1.5) is the
    middle of bucket 10; p90 (position 2.7) is 30 % of the way to bucket 20."""
    histogram = [(10, 3), (20, 1)]
    assert percentile(histogram, 0.5) == pytest.approx(grid.bucket_middle(10))
    low, high = grid.bucket_middle(10), grid.bucket_middle(20)
    assert percentile(histogram, 0.9) == pytest.approx(low + 0.7 * (high - low))
    assert percentile([], 0.5) is None


def _selections() -> list[ReportFilter]:
    vsmt = tuple(Category.objects.filter(code="VSMT").values_list("id", flat=True))
    return [
        ReportFilter(),
        ReportFilter(day_from=dt.date(2024, 1, 1), day_to=dt.date(2024, 12, 31)),
        ReportFilter(day_from=dt.date(2024, 3, 10), day_to=dt.date(2025, 8, 20)),
        ReportFilter(
            day_from=dt.date(2024, 12, 15),
            day_to=dt.date(2025, 1, 20),
            category_ids=vsmt,
        ),
        ReportFilter(statuses=("closed",), day_to=dt.date(2025, 5, 31)),
        ReportFilter(bbox=(106.58, 17.44, 106.64, 17.49), day_from=dt.date(2024, 6, 2)),
    ]


def test_dashboard_figures_against_the_reports(synthetic):
    """Counts and rates exact; median and p90 within the stated bound."""
    now = END
    for selection in _selections():
        want = exact(selection, now)
        got = stats_select(selection=selection, now=now)
        assert got["total"] == got["total_from_reports"] == want["total"]
        hours = got["resolution_hours"]
        assert hours["resolved"] == want["resolved"]
        assert hours["max_relative_error"] == pytest.approx(grid.BUCKET_ERROR, abs=1e-4)
        for key in ("median", "p90"):
            if want[key] is None:
                assert hours[key] is None
            else:
                bound = grid.BUCKET_ERROR * want[key] + 0.005  # + rounding to 0.01 h
                assert abs(hours[key] - want[key]) <= bound, (selection, key)
        overdue = got["overdue"]
        assert overdue["open_overdue"] == want["overdue"]
        assert overdue["resolved_late"] == want["late"]
        assert overdue["resolved_with_deadline"] == want["with_due"]
        rated = got["satisfaction"]["rated"]
        if rated:
            share = want["satisfied"] / rated
            assert got["satisfaction"]["satisfied"] == pytest.approx(share, abs=1e-4)


def test_outcomes_follow_every_write(synthetic):
    """Resolutions, ratings, deadline and category changes, re-routes and deletes
    keep the outcomes equal to a fresh count (``cellday_check`` recounts them)."""
    ids = list(Report.objects.order_by("id").values_list("id", flat=True)[:400])
    Report.objects.filter(pk__in=ids[:100], resolved_at__isnull=True).update(
        status="resolved", resolved_at=timezone.now()
    )
    Report.objects.filter(pk__in=ids[100:200]).update(rating="dissatisfied")
    Report.objects.filter(pk__in=ids[200:300]).update(
        due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    Report.objects.filter(pk__in=ids[300:350]).update(
        category=Category.objects.get(code="CTN"),
        department=Department.objects.get(kind="triage"),
    )
    Report.objects.filter(pk__in=ids[350:]).delete()
    drift = cellday_check()
    assert drift.ok, drift
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM analytics_outcomemonth WHERE n <= 0")
        assert cursor.fetchone()[0] == 0


def test_check_finds_outcome_drift_and_rebuild_repairs(synthetic):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE analytics_outcomemonth SET late = late + 1 WHERE ctid IN "
            "(SELECT ctid FROM analytics_outcomemonth LIMIT 2)"
        )
    drift = cellday_check()
    assert (drift.outcome_missing, drift.outcome_surplus) == (2, 2)
    assert (drift.missing, drift.rollup_missing) == (0, 0)
    with pytest.raises(CommandError, match="outcomes 2 missing"):
        call_command("analytics_rebuild", "--check", stdout=StringIO())
    cellday_rebuild()
    assert cellday_check().ok


def test_overdue_uses_the_partial_index(synthetic):
    """The clock-dependent count reads open reports through their index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT count(*) FROM routing_report r WHERE r.status IN "
            "('received', 'assigned', 'in_progress', 'reopened') AND r.due_at < now()"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "analytics_report_open_due" in plan


def _reopened_kept_and_counted() -> tuple[list[tuple], list[tuple]]:
    """``reopened`` per month × unit × department × status as the triggers keep it,
    and as counted from routing_report here (written independently)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT month, unit_id, department_id, status, sum(reopened) "
            "FROM analytics_outcomemonth GROUP BY 1, 2, 3, 4 "
            "HAVING sum(reopened) > 0 ORDER BY 1, 2, 3, 4"
        )
        kept = cursor.fetchall()
        cursor.execute(
            "SELECT date_trunc('month', r.reported_at AT TIME ZONE "
            "'Asia/Ho_Chi_Minh')::date, r.unit_id, r.department_id, r.status, "
            "count(*) FROM routing_report r WHERE r.reopen_count >= 1 "
            "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
        )
        counted = cursor.fetchall()
    return kept, counted


def test_reopened_follows_reopen_resolve_delete_and_reroute(synthetic):
    """The ``reopened`` count (migration 0007) equals the reports with a reopen
    count, through a reopening, a resolution after it, a second reopening, a
    re-route and a delete; and the rebuild agrees."""
    ids = list(
        Report.objects.filter(status__in=("resolved", "closed"))
        .order_by("id")
        .values_list("id", flat=True)[:120]
    )
    assert len(ids) == 120
    kept, counted = _reopened_kept_and_counted()
    assert kept == counted
    before = sum(row[4] for row in counted)
    # Reopen 60: resolved_at cleared, count up (as routing.workflow.status does).
    Report.objects.filter(pk__in=ids[:60]).update(
        status="reopened", resolved_at=None, reopen_count=F("reopen_count") + 1
    )
    kept, counted = _reopened_kept_and_counted()
    assert kept == counted
    assert sum(row[4] for row in kept) >= before + 1
    # Resolve 30 of them again: still reopened once; reopen 10 a second time.
    Report.objects.filter(pk__in=ids[:30]).update(
        status="resolved", resolved_at=timezone.now()
    )
    Report.objects.filter(pk__in=ids[:10]).update(
        status="reopened", resolved_at=None, reopen_count=F("reopen_count") + 1
    )
    kept, counted = _reopened_kept_and_counted()
    assert kept == counted
    # Re-route 20 to the triage department, delete 15.
    Report.objects.filter(pk__in=ids[20:40]).update(
        department=Department.objects.get(kind="triage")
    )
    Report.objects.filter(pk__in=ids[40:55]).delete()
    kept, counted = _reopened_kept_and_counted()
    assert kept == counted
    assert cellday_check().ok
    cellday_rebuild()
    assert _reopened_kept_and_counted()[0] == counted
