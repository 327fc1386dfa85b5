"""What the planners' filters offer: the months that hold reports, the units and
departments that reports were routed to, and the boundary sets to draw.

The units and departments are read from the reports' own indexes with a loose index
scan (one index probe per distinct value), so the lists stay instant with a million
reports and never offer a choice that selects nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from boundaries.models import AdminUnit, BoundarySet
from routing.models import Department, Report

# Each distinct value of an indexed column, one index probe per value. Raw SQL
# because PostgreSQL has no skip scan: a DISTINCT reads an entry per report (a
# million), this recursive query one per distinct value (tens).
_DISTINCT = """
    WITH RECURSIVE seen(id) AS (
        (SELECT {column} FROM routing_report ORDER BY {column} LIMIT 1)
        UNION ALL
        SELECT (SELECT r.{column} FROM routing_report r
                WHERE r.{column} > seen.id ORDER BY r.{column} LIMIT 1)
        FROM seen WHERE seen.id IS NOT NULL
    )
    SELECT id FROM seen WHERE id IS NOT NULL
"""


def _distinct(column: str) -> list[int]:
    assert column in {"unit_id", "department_id"}
    with connection.cursor() as cursor:
        cursor.execute(_DISTINCT.format(column=column))
        return [row[0] for row in cursor.fetchall()]


def report_months() -> list[str]:
    """Every month (``yyyy-mm``, local time) from the first report's to the last's;
    empty when there is no report."""
    span = Report.objects.aggregate(first=Min("reported_at"), last=Max("reported_at"))
    if span["first"] is None:
        return []
    first = timezone.localtime(span["first"]).date().replace(day=1)
    last = timezone.localtime(span["last"]).date().replace(day=1)
    months = []
    month = first
    while month <= last:
        months.append(month.strftime("%Y-%m"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def unit_choices() -> list[dict[str, Any]]:
    """The units reports were routed to, grouped by boundary set (newest set first,
    names in alphabetical order). The API matches a unit code in every set, so a
    code shows once, under the newest set that has it."""
    units = (
        AdminUnit.objects.filter(pk__in=_distinct("unit_id"))
        .order_by("-boundary_set__valid_from", "name")
        # Codes and names only: a unit's geometry is tens of kilobytes.
        .values(
            "code",
            "name",
            "boundary_set_id",
            "boundary_set__slug",
            "boundary_set__name",
            "boundary_set__valid_from",
            "boundary_set__valid_to",
        )
    )
    groups: dict[int, dict[str, Any]] = {}
    seen: set[str] = set()
    for unit in units:
        if unit["code"] in seen:
            continue
        seen.add(unit["code"])
        group = groups.setdefault(
            unit["boundary_set_id"],
            {
                "slug": unit["boundary_set__slug"],
                "name": unit["boundary_set__name"],
                "valid_from": unit["boundary_set__valid_from"],
                "valid_to": unit["boundary_set__valid_to"],
                "units": [],
            },
        )
        group["units"].append({"code": unit["code"], "name": unit["name"]})
    return list(groups.values())


def department_choices(*, english: bool) -> list[dict[str, str]]:
    """The departments reports were routed to, by name in the page's language."""
    departments = Department.objects.filter(pk__in=_distinct("department_id"))
    choices = [
        {"code": d.code, "name": d.name_en if english else d.name_vi}
        for d in departments
    ]
    return sorted(choices, key=lambda choice: choice["name"])


def boundary_set_choices() -> list[BoundarySet]:
    """The active boundary sets, newest first: the choropleth draws the units of
    one of them."""
    return list(BoundarySet.objects.active().order_by("-valid_from"))
