"""``reports_generate``: realistic, routed, unique, and aggregated on insert."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from analytics.rebuild import cellday_check
from routing.models import Assignment, Report

pytestmark = pytest.mark.django_db


def one(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def test_generated_reports_are_routed_and_unique(synthetic):
    assert Report.objects.count() == synthetic
    codes = one(
        "SELECT count(DISTINCT tracking_code), bool_and(tracking_code ~ '^SY-[2-9A-Z]{4}-[2-9A-Z]{4}$') "
        "FROM routing_report"
    )
    assert codes == (synthetic, True)
    # Each report's unit belongs to the boundary set in force on its local day.
    wrong_set = one(
        """
        SELECT count(*) FROM routing_report r
        JOIN boundaries_adminunit u ON u.id = r.unit_id
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        WHERE (r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < s.valid_from
           OR (r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > s.valid_to
           OR NOT ST_Covers(u.geom, r.location)
        """
    )[0]
    assert wrong_set == 0
    assert Assignment.objects.filter(is_current=True).count() == synthetic
    assert cellday_check().ok


def test_flood_season_and_weekday_rhythm(synthetic):
    """CTN reports peak in September–November; Sundays are quieter than Mondays."""
    ctn_season, ctn_rest = one(
        """
        SELECT count(*) FILTER (WHERE m IN (9, 10, 11)) / 3.0,
               count(*) FILTER (WHERE m NOT IN (9, 10, 11)) / 9.0
        FROM (SELECT extract(month FROM r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh') m
              FROM routing_report r JOIN routing_category c ON c.id = r.category_id
              WHERE c.code = 'CTN') t
        """
    )
    assert ctn_season > 2 * ctn_rest
    monday, sunday = one(
        """
        SELECT count(*) FILTER (WHERE d = 1), count(*) FILTER (WHERE d = 7)
        FROM (SELECT extract(isodow FROM reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh') d
              FROM routing_report) t
        """
    )
    assert sunday < monday


def test_outcomes_are_plausible(synthetic):
    rows = one(
        """
        SELECT count(*) FILTER (WHERE status IN ('resolved', 'closed') AND resolved_at IS NULL),
               count(*) FILTER (WHERE resolved_at < reported_at),
               count(*) FILTER (WHERE rating <> '' AND status <> 'closed'),
               count(*) FILTER (WHERE status = 'closed')
        FROM routing_report
        """
    )
    assert rows[:3] == (0, 0, 0)
    assert rows[3] > synthetic / 3
    # Every resolved or closed report says what was done (its public result
    # note), in Vietnamese, as the workflow requires; open ones say nothing yet.
    notes = one(
        """
        SELECT count(*) FILTER (WHERE status IN ('resolved', 'closed')
                                  AND result_note NOT LIKE 'Đã %'
                                  AND result_note NOT LIKE '% đã %'),
               count(*) FILTER (WHERE status IN ('received', 'assigned', 'in_progress')
                                  AND result_note <> '')
        FROM routing_report
        """
    )
    assert notes == (0, 0)


def test_command_is_reproducible_by_seed():
    end = "--years=1"
    call_command("reports_generate", "300", "--seed=5", end, stdout=StringIO())
    first = one("SELECT sum(ST_X(location)), min(reported_at) FROM routing_report")
    Report.objects.all().delete()
    call_command("reports_generate", "300", "--seed=5", end, stdout=StringIO())
    second = one("SELECT sum(ST_X(location)), min(reported_at) FROM routing_report")
    assert first[0] == pytest.approx(second[0])
    assert abs(first[1] - second[1]) < dt.timedelta(seconds=5)


def test_unchecked_generation_still_aggregates():
    """Without the commit-time foreign-key checks (and so without triggers), the
    generator adds its own aggregates: they equal a fresh count."""
    call_command("reports_generate", "400", "--unchecked", stdout=StringIO())
    assert Report.objects.count() == 400
    assert cellday_check().ok
    orphans = one(
        "SELECT count(*) FROM routing_report r LEFT JOIN routing_department d "
        "ON d.id = r.department_id WHERE d.id IS NULL"
    )[0]
    assert orphans == 0


def test_bulk_load_rebuilds_every_index():
    """``--reindex`` drops the secondary indexes for the load and builds the same
    ones again; the aggregates (cell × day, roll-up, outcomes) still equal a fresh
    count, and the unique tracking codes are still enforced."""

    def indexes() -> list[tuple[str, ...]]:
        # Names, columns, uniqueness and whether partial (a rebuilt predicate is
        # printed with other casts, so not its text).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, x.indkey::text, x.indisunique, x.indpred IS NULL "
                "FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                "WHERE x.indrelid IN ('routing_report'::regclass, "
                "'routing_assignment'::regclass) ORDER BY c.relname"
            )
            return cursor.fetchall()

    before = indexes()
    call_command(
        "reports_generate", "500", "--unchecked", "--reindex", stdout=StringIO()
    )
    assert indexes() == before
    assert Report.objects.count() == 500
    assert Assignment.objects.filter(is_current=True).count() == 500
    assert cellday_check().ok
    assert one("SELECT count(DISTINCT tracking_code) FROM routing_report")[0] == 500
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Ordered by the deadline, so the plan that reads the partial index in order
        # wins over the other indexes on status whatever the rows' widths.
        cursor.execute(
            "EXPLAIN SELECT id FROM routing_report r WHERE r.status IN "
            "('received', 'assigned', 'in_progress', 'reopened') AND r.due_at < now() "
            "ORDER BY r.due_at LIMIT 10"
        )
        assert "analytics_report_open_due" in str(cursor.fetchall())
