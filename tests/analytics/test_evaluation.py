"""The evaluation's figures: exact numbers worked out by hand for a small world
(``tests.analytics.evaluation_world``), and the same numbers from SQL written
here independently of ``analytics.evaluation.figures``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from analytics.evaluation.figures import TOUCH_KINDS, Period, period_figures
from analytics.evaluation.report import (
    EvaluationInputError,
    evaluation_make,
    hot_cells,
    last_quarter,
    periods_parse,
)
from routing.models import Department
from routing.workflow import report_reassign
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
    # Seven reports in two places: nothing is significant, and the test did run
    # (no note saying it could not).
    assert ev.hot == []
    assert ev.hot_note == ""
    assert ev.minutes_per_action == 3


def test_hot_note_without_boundary_set_is_bilingual(db):
    cells, note = hot_cells(Period(dt.date(2001, 1, 1), dt.date(2001, 3, 31)))
    assert cells == []
    assert "Không có bộ ranh giới nào có hiệu lực ngày 31/03/2001" in note
    assert "No boundary set is in force on 31/03/2001" in note


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
        {"from": "01/01/0001"},
        {"to": "01/01/0001"},
        {"to": "31/12/9999"},
        {"from": "31/12/1999", "to": "31/01/2000"},
        {"compare_to": "01/01/0001"},
        {"from": "2026-01-01"},
        {"from": "31/02/2026"},
        {"from": "01/04/2026", "to": "01/03/2026"},
        {"from": "01/01/2020", "to": "31/03/2026"},
        {"compare_from": "x"},
    ):
        with pytest.raises(EvaluationInputError):
            periods_parse(bad)


def test_from_alone_runs_the_default_length_up_to_today():
    today = timezone.localdate()
    quarter = last_quarter(today)
    first = today - dt.timedelta(days=10)  # after the last quarter's end
    now, _ = periods_parse({"from": first.strftime("%d/%m/%Y")})
    assert now == Period(first, today)
    early = quarter.first - dt.timedelta(days=200)
    now, _ = periods_parse({"from": early.strftime("%d/%m/%Y")})
    assert now == Period(early, early + dt.timedelta(days=quarter.days - 1))
    late = dt.date(today.year + 1, 12, 31)
    with pytest.raises(EvaluationInputError) as caught:
        periods_parse({"from": (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")})
    assert "before the start" in caught.value.en
    with pytest.raises(EvaluationInputError) as caught:
        periods_parse({"to": f"01/01/{late.year + 1}"})
    assert caught.value.en == (f"The date 'to' must be in the years 2000–{late.year}.")
    assert caught.value.vi.startswith("Ngày «to» phải trong các năm 2000–")


def test_a_second_staff_change_is_not_another_correction(world):
    """a6: automatic, then its pin moved by the IOC to another unit (a correction),
    then reassigned to another department by a person: still one correction, the
    second change corrected a person's assignment, not an automatic one."""
    before = period_figures(Q1)
    a6 = world.reports["a6"]
    a6.refresh_from_db()
    third = (
        Department.objects.filter(active=True)
        .exclude(pk=a6.department_id)
        .order_by("-id")
        .first()
    )
    report_reassign(report=a6, actor=world.ioc, department=third, note="Lại sai")
    after = period_figures(Q1)
    assert after.corrections == before.corrections == 2
    assert after.causes == before.causes
    assert (after.total.routed, after.total.automated) == (7, 5)
    assert after.total.touches == before.total.touches + 1


_MORE = """
    WITH cohort AS (
        SELECT r.* FROM routing_report r
        WHERE (r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
              BETWEEN %(first)s AND %(last)s AND r.status <> 'duplicate'
    ),
    corrected AS (
        SELECT DISTINCT a.report_id FROM routing_assignment a
        CROSS JOIN LATERAL (
            SELECT p.* FROM routing_assignment p
            WHERE p.report_id = a.report_id
              AND (p.decided_at, p.id) < (a.decided_at, a.id)
            ORDER BY p.decided_at DESC, p.id DESC LIMIT 1
        ) p
        WHERE a.decided_by_id IS NOT NULL AND p.decided_by_id IS NULL
          AND (a.unit_id <> p.unit_id OR a.department_id <> p.department_id)
    )
    SELECT {key},
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM routing_assignment a WHERE a.report_id = c.id)),
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM routing_assignment a WHERE a.report_id = c.id)
            AND c.id NOT IN (SELECT report_id FROM corrected)),
        (SELECT count(*) FROM routing_reportevent e
         JOIN cohort x ON x.id = e.report_id
         WHERE e.actor_role = 'ioc_operator' AND e.kind = ANY(%(kinds)s)
           AND ({key_x} IS NOT DISTINCT FROM {key})),
        percentile_cont(0.9) WITHIN GROUP (ORDER BY
            extract(epoch FROM c.resolved_at - c.reported_at) / 3600)
            FILTER (WHERE c.status IN ('resolved', 'closed')),
        count(*),
        count(*) FILTER (WHERE c.status IN ('resolved', 'closed')
                           AND c.resolved_at > c.due_at),
        count(*) FILTER (WHERE c.rating = 'satisfied'),
        count(*) FILTER (WHERE c.rating <> '')
    FROM cohort c GROUP BY {key}
"""


def independent_more(period: Period, key: str) -> dict[object, tuple]:
    """Routed, automated, IOC touches, p90 hours, reports, late, satisfied and rated
    per ``key`` (``department_id``, or ``1`` for the total), from SQL written here."""
    with connection.cursor() as cursor:
        cursor.execute(
            _MORE.format(
                key=f"c.{key}" if key != "1" else "1",
                key_x=f"x.{key}" if key != "1" else "1",
            ),
            {"first": period.first, "last": period.last, "kinds": list(TOUCH_KINDS)},
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _more(f) -> tuple:
    return (
        f.routed,
        f.automated,
        f.touches,
        pytest.approx(f.p90_hours) if f.p90_hours is not None else None,
        f.reports,
        f.late,
        f.satisfied,
        f.rated,
    )


def test_automation_touches_p90_and_departments_equal_independent_sql(world):
    for period in (Q1, Q4):
        got = period_figures(period)
        (total,) = independent_more(period, "1").values()
        assert _more(got.total) == total
        by_department = independent_more(period, "department_id")
        assert set(got.departments) == set(by_department)
        for department_id, figures in got.departments.items():
            assert _more(figures) == by_department[department_id], department_id
    # The world's hand-worked totals, for the record: 5 of 7 automated, 5 touches.
    assert independent_more(Q1, "1")[1][:3] == (7, 5, 5)
