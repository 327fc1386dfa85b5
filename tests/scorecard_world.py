"""A small world with known scorecards: reports in two of today's units (one of them
also through a former unit the 2025 reform merged into it) and two departments over
January–March 2026, with on-time and late resolutions, ratings, an auto-closed
unrated report, reopened ones, a rejection, a duplicate and reports outside the
period; and the figures counted straight from ``routing_report`` in SQL written here,
independently of ``analytics.scorecards``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from routing.models import Department
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class World:
    unit_a: int  # Phường Đồng Hới (qt-2025), holds DONG_PHU
    unit_b: int  # another of today's wards
    old_unit: int  # Phường Đồng Phú (qb-2020), merged into unit_a
    dept_1: int
    dept_2: int


def _units() -> tuple[int, int, int, tuple[float, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.id FROM boundaries_adminunit u
            JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
            WHERE s.slug = %s AND ST_Covers(u.geom, ST_SetSRID(ST_Point(%s, %s), 4326))
              AND u.level IN ('ward', 'commune')
            """,
            ["qt-2025", *DONG_PHU],
        )
        unit_a = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT u.id, ST_X(ST_PointOnSurface(u.geom)), ST_Y(ST_PointOnSurface(u.geom))
            FROM boundaries_adminunit u
            JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
            WHERE s.slug = 'qt-2025' AND u.level = 'ward' AND u.id <> %s
              AND u.name LIKE '%%Đồng Thuận%%'
            """,
            [unit_a],
        )
        unit_b, lon, lat = cursor.fetchone()
        cursor.execute(
            """
            SELECT u.id FROM boundaries_adminunit u
            JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
            JOIN boundaries_unitsuccession c ON c.from_unit_id = u.id
            WHERE s.slug = 'qb-2020' AND c.to_unit_id = %s
              AND ST_Covers(u.geom, ST_SetSRID(ST_Point(%s, %s), 4326))
            """,
            [unit_a, *DONG_PHU],
        )
        old_unit = cursor.fetchone()[0]
    return unit_a, unit_b, old_unit, (lon, lat)


def local(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LOCAL)


# (where, department, reported, status, hours to resolve, late, rating, reopens)
# where: "a", "b" or "old"; department: 1 or 2.
SPECS: list[tuple[str, int, dt.datetime, str, float | None, bool, str, int]] = [
    # Unit A, January–March 2026.
    ("a", 1, local(2026, 1, 1, 0, 30), "closed", 2.0, False, "satisfied", 0),
    ("a", 1, local(2026, 1, 20), "closed", 10.0, False, "satisfied", 0),
    ("a", 1, local(2026, 2, 3), "closed", 30.0, True, "dissatisfied", 0),
    ("a", 1, local(2026, 2, 14), "resolved", 5.0, False, "acceptable", 0),
    ("a", 1, local(2026, 3, 1), "closed", 50.0, True, "", 0),  # auto-closed, unrated
    ("a", 2, local(2026, 3, 10), "closed", 1.0, False, "satisfied", 1),
    ("a", 2, local(2026, 3, 12), "reopened", None, False, "", 1),
    ("a", 2, local(2026, 1, 8), "rejected", None, False, "", 0),
    ("a", 2, local(2026, 2, 9), "duplicate", None, False, "", 0),
    ("a", 2, local(2026, 3, 31, 23, 30), "received", None, False, "", 0),
    # Unit B: too few to rate.
    ("b", 1, local(2026, 1, 15), "closed", 3.0, False, "satisfied", 0),
    ("b", 1, local(2026, 2, 15), "closed", 4.0, True, "acceptable", 0),
    ("b", 2, local(2026, 3, 15), "resolved", 6.0, False, "", 0),
    ("b", 2, local(2026, 3, 16), "in_progress", None, False, "", 0),
    # Outside January–March 2026 (local months).
    ("old", 1, local(2025, 5, 10), "closed", 2.0, False, "satisfied", 0),
    ("a", 1, local(2025, 12, 31, 23, 30), "closed", 2.0, False, "satisfied", 0),
    ("b", 2, local(2026, 4, 1, 0, 10), "closed", 2.0, True, "", 0),
]


def world_make() -> World:
    unit_a, unit_b, old_unit, point_b = _units()
    departments = list(
        Department.objects.filter(code__in=("dh-qldt", "qb-moitruong"))
        .order_by("code")
        .values_list("id", flat=True)
    )
    world = World(unit_a, unit_b, old_unit, *departments)
    units = {"a": unit_a, "b": unit_b, "old": old_unit}
    for where, dept, reported, status, hours, late, rating, reopens in SPECS:
        lon, lat = point_b if where == "b" else DONG_PHU
        report = report_create(lon=lon, lat=lat)
        resolved = None if hours is None else reported + dt.timedelta(hours=hours)
        due = reported + dt.timedelta(hours=(hours or 24) + (-0.5 if late else 1))
        report_force(
            report,
            unit_id=units[where],
            department_id=departments[dept - 1],
            reported_at=reported,
            status=status,
            resolved_at=resolved,
            due_at=due,
            rating=rating,
            reopen_count=reopens,
        )
    return world


# The figures from the reports, per key (unit: today's successor when there is
# exactly one; department), for local months [first, after).
_EXPECTED = """
    WITH r AS (
        SELECT x.*, CASE
            WHEN (SELECT count(DISTINCT c.to_unit_id) FROM boundaries_unitsuccession c
                  WHERE c.from_unit_id = x.unit_id) = 1
            THEN (SELECT min(c.to_unit_id) FROM boundaries_unitsuccession c
                  WHERE c.from_unit_id = x.unit_id)
            ELSE x.unit_id END AS today_unit,
            extract(epoch FROM x.resolved_at - x.reported_at) / 3600 AS hours,
            x.status IN ('resolved', 'closed') AND x.resolved_at IS NOT NULL AS done
        FROM routing_report x
        WHERE (x.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= %(first)s
          AND (x.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < %(after)s
          AND x.status <> 'duplicate'
    )
    SELECT {key}, count(*), count(*) FILTER (WHERE done),
           count(*) FILTER (WHERE done AND resolved_at > due_at),
           count(*) FILTER (WHERE done AND due_at IS NOT NULL),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE done),
           count(*) FILTER (WHERE rating = 'satisfied'),
           count(*) FILTER (WHERE rating = 'acceptable'),
           count(*) FILTER (WHERE rating = 'dissatisfied'),
           count(*) FILTER (WHERE reopen_count >= 1),
           count(*) FILTER (WHERE resolved_at IS NOT NULL OR reopen_count >= 1),
           count(*) FILTER (WHERE status = 'rejected')
    FROM r GROUP BY 1
"""
EXPECTED_FIELDS = (
    "received",
    "resolved",
    "late",
    "with_due",
    "median",
    "satisfied",
    "acceptable",
    "dissatisfied",
    "reopened",
    "resolved_once",
    "rejected",
)


def expected(level: str, first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    key = "today_unit" if level == "unit" else "department_id"
    with connection.cursor() as cursor:
        cursor.execute(_EXPECTED.format(key=key), {"first": first, "after": after})
        return {
            row[0]: dict(zip(EXPECTED_FIELDS, row[1:], strict=True))
            for row in cursor.fetchall()
        }
