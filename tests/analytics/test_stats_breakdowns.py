"""The statistics' breakdowns the planners' page draws from one request: counts by
month × category (its chart) and each unit's deadline figures (its choropleth),
checked against GROUP BY over routing_report for whole and partial months, with
and without a box, and against the totals of the same answer."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from analytics.selection import ReportFilter
from analytics.stats import stats_select
from routing.models import Category, Report
from tests.analytics.conftest import END
from tests.analytics.selections import selections

pytestmark = pytest.mark.django_db

OPEN = list(Report.OPEN_STATUSES)
DEADLINE_KEYS = (
    "open",
    "open_overdue",
    "open_overdue_rate",
    "resolved_with_deadline",
    "resolved_late",
    "resolved_late_rate",
)


def raw_month_category(selection: ReportFilter) -> dict[tuple[str, str], int]:
    """(yyyy-mm, category code) → count, straight from the reports."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
            "'YYYY-MM'), c.code, count(*) FROM routing_report r "
            "JOIN routing_category c ON c.id = r.category_id "
            f"WHERE {selection.raw_where()} GROUP BY 1, 2",
            selection.params(),
        )
        return {(month, code): n for month, code, n in cursor.fetchall()}


def raw_units(selection: ReportFilter, now: dt.datetime) -> dict[int, dict[str, int]]:
    """Unit id → count and deadline figures, straight from the reports."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.unit_id, count(*),
                   count(*) FILTER (WHERE r.status = ANY(%(open)s)),
                   count(*) FILTER (WHERE r.status = ANY(%(open)s)
                                      AND r.due_at < %(now)s),
                   count(*) FILTER (WHERE r.resolved_at IS NOT NULL
                                      AND r.due_at IS NOT NULL),
                   count(*) FILTER (WHERE r.resolved_at > r.due_at)
            FROM routing_report r WHERE {selection.raw_where()}
            GROUP BY r.unit_id
            """,
            {**selection.params(), "open": OPEN, "now": now},
        )
        keys = ("count", "open", "open_overdue", "resolved_with_deadline")
        return {
            row[0]: dict(zip((*keys, "resolved_late"), row[1:], strict=True))
            for row in cursor.fetchall()
        }


def _check_month_category(name: str, stats: dict[str, Any], want: dict) -> None:
    rows = stats["by_month_category"]
    got = {(row["month"], row["category"]): row["count"] for row in rows}
    assert len(got) == len(rows), name  # one row per month and category
    assert got == want, name
    assert all(row["count"] > 0 for row in rows), name
    months = defaultdict(int)
    categories = defaultdict(int)
    for (month, code), n in got.items():
        months[month] += n
        categories[code] += n
    assert dict(months) == {r["month"]: r["count"] for r in stats["by_month"]}, name
    assert dict(categories) == {r["code"]: r["count"] for r in stats["by_category"]}
    assert sum(got.values()) == stats["total"], name
    # By month, then in by_category's order.
    order = {row["code"]: i for i, row in enumerate(stats["by_category"])}
    keys = [(row["month"], order[row["category"]]) for row in rows]
    assert keys == sorted(keys), name


def _check_units(name: str, stats: dict[str, Any], want: dict) -> None:
    by_unit = {row["unit_id"]: row for row in stats["by_unit"]}
    assert by_unit.keys() == want.keys(), name
    for unit_id, row in by_unit.items():
        for key, value in want[unit_id].items():
            assert row[key] == value, (name, unit_id, key)
        assert row["open_overdue_rate"] == (
            round(row["open_overdue"] / row["open"], 4) if row["open"] else None
        )
        assert row["resolved_late_rate"] == (
            round(row["resolved_late"] / row["resolved_with_deadline"], 4)
            if row["resolved_with_deadline"]
            else None
        )
    overdue = stats["overdue"]
    for key in ("open", "open_overdue", "resolved_with_deadline", "resolved_late"):
        assert overdue[key] == sum(row[key] for row in stats["by_unit"]), (name, key)
    assert sum(row["count"] for row in stats["by_unit"]) == stats["total"], name


def test_breakdowns_against_the_reports(synthetic):
    """For every selection: the month × category counts and each unit's count,
    open, overdue, resolved-with-deadline and late figures equal a GROUP BY over
    the reports, and add up to the answer's own totals."""
    seen_late = seen_overdue = 0
    for name, selection in selections().items():
        stats = stats_select(selection=selection, now=END)
        assert stats["total"] == stats["total_from_reports"], name
        _check_month_category(name, stats, raw_month_category(selection))
        _check_units(name, stats, raw_units(selection, END))
        seen_late += stats["overdue"]["resolved_late"]
        seen_overdue += stats["overdue"]["open_overdue"]
    # The checks compared something: late and overdue reports exist.
    assert seen_late
    assert seen_overdue


def test_overdue_by_unit_moves_with_the_clock(synthetic):
    """The overdue figure is read at ``now``: each unit's follows the clock as
    the raw count does, and no unit has more overdue than open reports."""
    selection = ReportFilter(day_from=dt.date(2025, 1, 1))
    counts = set()
    for now in (END - dt.timedelta(days=200), END, END + dt.timedelta(days=3650)):
        stats = stats_select(selection=selection, now=now)
        _check_units(str(now), stats, raw_units(selection, now))
        assert all(r["open_overdue"] <= r["open"] for r in stats["by_unit"])
        counts.add(stats["overdue"]["open_overdue"])
    assert len(counts) == 3  # the clock did change the figures


def test_breakdowns_follow_writes(synthetic):
    """After resolutions (some late), a re-route and deletes, kept by the
    aggregates' triggers, the breakdowns still equal the reports'."""
    ids = list(Report.objects.order_by("id").values_list("id", flat=True)[:300])
    Report.objects.filter(pk__in=ids[:100], resolved_at__isnull=True).update(
        status="resolved", resolved_at=timezone.now()
    )
    Report.objects.filter(pk__in=ids[100:150]).update(
        due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    Report.objects.filter(pk__in=ids[150:200]).update(
        category=Category.objects.get(code="CTN")
    )
    Report.objects.filter(pk__in=ids[250:]).delete()
    for name, selection in selections().items():
        stats = stats_select(selection=selection, now=END)
        _check_month_category(name, stats, raw_month_category(selection))
        _check_units(name, stats, raw_units(selection, END))


def test_a_units_row_is_its_own_statistics(planner, synthetic):
    """What the page used to ask unit by unit: the API's statistics filtered by a
    unit code (every set's unit of that code) equal the sum of the ``by_unit`` rows
    of that code in the unfiltered answer — so one request does for all."""
    params = {"from": "2024-03-10", "to": "2025-11-20", "category": "VSMT,CTN,HTGT"}
    stats = _api(planner, params)
    by_code: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in stats["by_unit"]:
        for key in ("count", "open", "open_overdue", "resolved_with_deadline"):
            by_code[row["code"]][key] += row[key]
        by_code[row["code"]]["resolved_late"] += row["resolved_late"]
    assert len(by_code) >= 3
    for code, figures in by_code.items():
        own = _api(planner, {**params, "unit": code})
        assert own["total"] == figures["count"], code
        for key in ("open", "resolved_with_deadline", "resolved_late"):
            assert own["overdue"][key] == figures[key], (code, key)
        # Read at each request's clock; the synthetic deadlines lie far from now.
        assert own["overdue"]["open_overdue"] == figures["open_overdue"], code


def _api(client, params: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/analytics/stats", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_answer_shape(planner, synthetic):
    """The new keys sit beside the old ones, which are unchanged."""
    stats = _api(planner, {"from": "2025-01-01", "to": "2025-06-30"})
    assert {
        "total",
        "total_from_reports",
        "by_unit",
        "by_category",
        "by_status",
        "by_month",
        "by_month_category",
        "resolution_hours",
        "overdue",
        "satisfaction",
    } == set(stats)
    assert set(stats["by_category"][0]) == {"code", "name_vi", "name_en", "count"}
    assert set(stats["by_month_category"][0]) == {"month", "category", "count"}
    unit = stats["by_unit"][0]
    assert set(unit) == {
        "unit_id",
        "code",
        "name",
        "boundary_set",
        "count",
        *DEADLINE_KEYS,
    }
    assert set(stats["overdue"]) == set(DEADLINE_KEYS)
    # After every synthetic report, within the dates a query may name.
    after = timezone.localdate() + dt.timedelta(days=300)
    empty = _api(planner, {"from": after.isoformat()})
    assert empty["by_month_category"] == []
    assert empty["by_unit"] == []
