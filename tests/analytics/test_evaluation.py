"""The evaluation's figures: exact numbers worked out by hand for a small world
(``tests.analytics.evaluation_world``), and the same numbers from SQL written
here independently of ``analytics.evaluation.figures``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from analytics.evaluation.figures import Period, period_figures
from analytics.evaluation.report import (
    EvaluationInputError,
    evaluation_make,
    last_quarter,
    periods_parse,
)
from tests.analytics.evaluation_world import World, world_make

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q4 = Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.fixture
def world(db) -> World:
    return world_make()


def independent(period: Period, unit_id: int | None = None) -> dict[str, object]:
    """The definitions, read straight from routing_report."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE channel = 'web'),
                   count(*) FILTER (WHERE status IN ('resolved', 'closed')
                                      AND resolved_at IS NOT NULL
                                      AND due_at IS NOT NULL),
                   count(*) FILTER (WHERE status IN ('resolved', 'closed')
                                      AND resolved_at > due_at),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY
                       extract(epoch FROM resolved_at - reported_at) / 3600)
                       FILTER (WHERE status IN ('resolved', 'closed')),
                   count(*) FILTER (WHERE rating = 'satisfied'),
                   count(*) FILTER (WHERE rating <> ''),
                   count(*) FILTER (WHERE reopen_count > 0)
            FROM routing_report
            WHERE (reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                  BETWEEN %s AND %s
              AND status <> 'duplicate' AND (%s::int IS NULL OR unit_id = %s)
            """,
            [period.first, period.last, unit_id, unit_id],
        )
        keys = ("n", "web", "with_due", "late", "median", "sat", "rated", "reopened")
        return dict(zip(keys, cursor.fetchone(), strict=True))


def test_totals_by_hand(world):
    now = period_figures(Q1)
    t = now.total
    assert t.reports == 7  # a1–a6 and a8; a7 duplicate, a9 the next local day
    assert t.channels == {
        "web": 4,
        "app": 1,
        "hotline": 2,
        "email": 0,
        "walk_in": 0,
        "open311": 0,
    }
    assert (t.resolved, t.with_due, t.late) == (4, 4, 2)
    assert t.on_time_rate == pytest.approx(0.5)
    assert t.median_hours == pytest.approx(25.0)  # 10, 20, 30, 72
    assert t.p90_hours == pytest.approx(30 + 0.7 * 42)  # percentile_cont
    assert (t.satisfied, t.rated) == (1, 3)  # a3 auto-closed: not rated
    assert (t.reopened, t.resolved_once) == (1, 5)
    assert t.reopen_rate == pytest.approx(0.2)
    assert (t.routed, t.automated) == (7, 5)  # a5 and a6 corrected
    # IOC: 2 comments (a1), a status (a2), a reassignment (a5), a pin move (a6);
    # not the admin's comment nor the desk filing.
    assert t.touches == 5
    assert t.staff_hours == pytest.approx(5 * 3 / 60)
    assert t.staff_hours_per_100 == pytest.approx(0.25 * 100 / 7)
    assert now.causes == {
        "near_edge": 1,
        "wrong_unit": 1,
        "wrong_zone": 0,
        "out_of_area": 0,
    }


def test_units_and_departments(world):
    r = world.reports
    now = period_figures(Q1)
    hoi, thuan = r["a1"].unit_id, r["a4"].unit_id
    assert r["a6"].unit_id == thuan  # moved
    assert now.units[hoi].reports == 4  # a1, a2, a3, a8
    assert now.units[hoi].on_time_rate == pytest.approx(2 / 3)
    assert now.units[thuan].reports == 3  # a4, a5, a6
    assert now.units[thuan].on_time_rate == pytest.approx(0.0)
    assert now.units[thuan].automated == 1  # a4 only
    assert sum(f.reports for f in now.departments.values()) == 7
    assert now.departments[r["a5"].department_id].touches >= 1
    for unit_id, figures in now.units.items():
        sql = independent(Q1, unit_id)
        assert figures.reports == sql["n"]
        assert figures.channels["web"] == sql["web"]
        assert (figures.with_due, figures.late) == (sql["with_due"], sql["late"])


def test_equals_independent_sql(world):
    for period in (Q1, Q4):
        t = period_figures(period).total
        sql = independent(period)
        assert t.reports == sql["n"]
        assert t.channels["web"] == sql["web"]
        assert (t.with_due, t.late) == (sql["with_due"], sql["late"])
        assert t.median_hours == pytest.approx(sql["median"])
        assert (t.satisfied, t.rated) == (sql["sat"], sql["rated"])
        assert t.reopened == sql["reopened"]


def test_comparison_period(world):
    before = period_figures(Q4).total
    assert before.reports == 3
    assert before.on_time_rate == 1.0
    assert before.satisfaction == 1.0
    assert before.reopen_rate == 0.0
    assert before.automation_rate == 1.0
    assert before.touches == 0
    assert before.median_hours == pytest.approx(22.5)


def test_zones_of_corrections(world):
    now = period_figures(Q1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT zone_id FROM routing_assignment
            WHERE report_id IN (%s, %s) AND decided_by_id IS NULL
            """,
            [world.reports["a5"].pk, world.reports["a6"].pk],
        )
        zones = [z for (z,) in cursor.fetchall() if z is not None]
    assert sum(n for _, _, n in now.zones) == len(zones)


def test_evaluation_rows_and_hot_cells(world):
    ev = evaluation_make(Q1, Q4)
    names = [name for name, _, _ in ev.rows("unit")]
    assert names == sorted(names)
    assert len(names) == 2
    assert {"Phường Đồng Hới", "Phường Đồng Thuận"} == set(names)
    # Seven reports in two places: nothing is significant, but the test ran.
    assert ev.hot == [] or all(c.count > 0 for c in ev.hot)


def test_periods_parse():
    assert last_quarter(dt.date(2026, 12, 7)) == Period(
        dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    )
    assert last_quarter(dt.date(2026, 2, 1)) == Period(
        dt.date(2025, 10, 1), dt.date(2025, 12, 31)
    )
    now, before = periods_parse({"from": "01/01/2026", "to": "31/03/2026"})
    assert now == Q1
    assert before == Period(dt.date(2025, 10, 3), dt.date(2025, 12, 31))
    _, before = periods_parse(
        {"from": "01/01/2026", "to": "31/03/2026", "compare_from": "01/10/2025"}
    )
    assert before.first == dt.date(2025, 10, 1)
    for bad in (
        {"from": "2026-01-01"},
        {"from": "31/02/2026"},
        {"from": "01/04/2026", "to": "01/03/2026"},
        {"from": "01/01/2020", "to": "31/03/2026"},
        {"compare_from": "x"},
    ):
        with pytest.raises(EvaluationInputError):
            periods_parse(bad)
