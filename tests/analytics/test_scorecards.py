"""The public scorecards (``analytics.scorecards``): figures equal to counts straight
from routing_report (and to the known answers of a small world), the median within
its stated bound, small counts not rated, former units counted as today's, the
period parsed as whole months, and not one read of the reports table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import grid
from analytics.evaluation import figures as ev_figures
from analytics.evaluation.report import evaluation_make
from analytics.scorecards import (
    MIN_COUNT,
    Period,
    level_parse,
    period_parse,
    scorecards,
)
from geo.errors import InvalidInput
from tests.factories import report_create, report_force
from tests.scorecard_world import expected, local, world_make

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole >= MIN_COUNT else None


def _check(row: dict, want: dict) -> None:
    assert row["received"] == want["received"]
    assert row["rejected"] == want["rejected"]
    assert row["resolved"] == want["resolved"]
    assert row["on_time"]["late"] == want["late"]
    assert row["on_time"]["with_deadline"] == want["with_due"]
    assert row["on_time"]["rate"] == _rate(
        want["with_due"] - want["late"], want["with_due"]
    )
    rated = want["satisfied"] + want["acceptable"] + want["dissatisfied"]
    assert row["satisfaction"]["rated"] == rated
    for key in ("satisfied", "acceptable", "dissatisfied"):
        assert row["satisfaction"][key] == _rate(want[key], rated)
    assert row["reopen"]["reopened"] == want["reopened"]
    assert row["reopen"]["resolved_once"] == want["resolved_once"]
    assert row["reopen"]["rate"] == _rate(want["reopened"], want["resolved_once"])
    if want["resolved"] >= MIN_COUNT:
        bound = grid.BUCKET_ERROR * want["median"] + 0.005
        assert abs(row["median_hours"] - want["median"]) <= bound
    else:
        assert row["median_hours"] is None


@pytest.mark.parametrize("level", ["unit", "department"])
@pytest.mark.parametrize(
    "period",
    [Q1, Period(dt.date(2025, 5, 1), dt.date(2026, 4, 1))],
    ids=["q1", "may-april"],
)
def test_figures_equal_the_reports(level, period):
    world_make()
    got = scorecards(period=period, level=level)
    want = expected(level, period.first, period.after)
    assert {row["id"] for row in got["rows"]} == set(want)
    for row in got["rows"]:
        _check(row, want[row["id"]])
    assert got["total"]["received"] == sum(w["received"] for w in want.values())
    assert got["max_relative_error"] == pytest.approx(grid.BUCKET_ERROR, abs=1e-4)
    assert got["period"]["months"] == period.months


def test_known_answers():
    """The small world's answers, worked out by hand (see tests.scorecard_world)."""
    world = world_make()
    got = {row["id"]: row for row in scorecards(period=Q1, level="unit")["rows"]}
    a, b = got[world.unit_a], got[world.unit_b]
    # A: 10 reports, less a duplicate (a rejection is received); 6 resolved, 2 late;
    # rated 3 satisfied, 1 acceptable, 1 dissatisfied (the auto-closed one is not
    # rated);
    # 2 reopened (one resolved again, one open) of 7 resolved at least once.
    assert (a["received"], a["rejected"], a["resolved"]) == (9, 1, 6)
    assert a["on_time"] == {"rate": 0.6667, "on_time": 4, "late": 2, "with_deadline": 6}
    assert a["satisfaction"] == {
        "rated": 5,
        "satisfied": 0.6,
        "acceptable": 0.2,
        "dissatisfied": 0.2,
    }
    assert a["reopen"] == {"rate": 0.2857, "reopened": 2, "resolved_once": 7}
    # Times 1, 2, 5, 10, 30, 50 h: the exact median is 7.5 h.
    assert abs(a["median_hours"] - 7.5) <= 7.5 * grid.BUCKET_ERROR + 0.005
    assert a["current"] is True
    assert a["rank"] == 1
    # B: 3 resolved: counts shown, rates not.
    assert (b["received"], b["rejected"], b["resolved"]) == (4, 0, 3)
    assert b["on_time"]["rate"] is None
    assert b["on_time"]["late"] == 1
    assert b["median_hours"] is None
    assert b["satisfaction"]["rated"] == 2
    assert b["rank"] is None
    by_dept = scorecards(period=Q1, level="department")["rows"]
    assert {row["id"]: row["received"] for row in by_dept} == {
        world.dept_1: 7,
        world.dept_2: 6,
    }


def test_former_unit_counted_as_today_unit():
    """The May 2025 report of Phường Đồng Phú (qb-2020), merged into Phường Đồng
    Hới, is counted there; no row for the former unit."""
    world = world_make()
    period = Period(dt.date(2025, 5, 1), dt.date(2025, 5, 1))
    rows = scorecards(period=period, level="unit")["rows"]
    assert [(r["id"], r["received"], r["current"]) for r in rows] == [
        (world.unit_a, 1, True)
    ]


def test_reads_no_report(django_assert_max_num_queries):
    """Only the outcome months (and names): never routing_report."""
    world_make()
    with CaptureQueriesContext(connection) as captured:
        scorecards(period=Q1, level="unit")
        scorecards(period=Q1, level="department")
    assert captured.captured_queries
    for query in captured.captured_queries:
        assert "routing_report" not in query["sql"], query["sql"]
    assert any("analytics_outcomemonth" in q["sql"] for q in captured.captured_queries)
    # The outcomes, the public categories, the names (units: two).
    with django_assert_max_num_queries(4):
        scorecards(period=Q1, level="unit")


def test_period_parse():
    today = dt.date(2026, 12, 7)
    default = period_parse(None, None, today=today)
    assert (default.first, default.last) == (dt.date(2025, 12, 1), dt.date(2026, 11, 1))
    assert default.months == 12
    assert default.after == dt.date(2026, 12, 1)
    given = period_parse("2026-01", "2026-06", today=today)
    assert given.as_dict() == {"from": "2026-01", "to": "2026-06", "months": 6}
    assert period_parse("2025-11", "2025-12", today=today).after == dt.date(2026, 1, 1)
    for start, end, code in [
        ("2026-13", None, "invalid_month"),
        ("01/2026", None, "invalid_month"),
        ("1999-12", "2000-01", "invalid_month"),
        ("2026-06", "2026-01", "invalid_period"),
        ("2020-01", "2026-01", "period_too_long"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            period_parse(start, end, today=today)
        assert caught.value.code == code
        assert caught.value.vi
        assert caught.value.en
    assert level_parse(None) == "unit"
    with pytest.raises(InvalidInput):
        level_parse("province")


def test_sensitive_reports_are_never_counted():
    """A public-security report (a sensitive category, never public) in unit A's
    first quarter leaves every public figure as it was (or a unit's total minus the
    portal's counts would reveal it); the planners' evaluation counts it."""
    world = world_make()
    before = scorecards(period=Q1, level="unit")
    by_dept = scorecards(period=Q1, level="department")
    hidden = report_create(category="ANTT", reported_at=local(2026, 2, 20))
    report_force(
        hidden,
        unit_id=world.unit_a,
        department_id=world.dept_1,
        status="closed",
        resolved_at=local(2026, 2, 21),
        due_at=local(2026, 2, 22),
        rating="satisfied",
    )
    with connection.cursor() as cursor:  # it did reach the monthly outcomes
        cursor.execute(
            "SELECT sum(n) FROM analytics_outcomemonth WHERE category_id = %s",
            [hidden.category_id],
        )
        assert cursor.fetchone()[0] == 1
    assert scorecards(period=Q1, level="unit") == before
    assert scorecards(period=Q1, level="department") == by_dept
    days = ev_figures.Period(Q1.first, Q1.after - dt.timedelta(days=1))
    evaluation = evaluation_make(days, days)
    assert evaluation.now.units[world.unit_a].reports == 10
