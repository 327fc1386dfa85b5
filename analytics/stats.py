"""Dashboard figures for a selection of reports.

Counts (by unit, category, status and month) come from the pre-aggregated grid, in
one scan with GROUPING SETS; times and rates need each report's timestamps, so they
come from the raw rows under the same filters (``ReportFilter.raw_where``). Both give
the same total, which the response carries twice so that a client (and the tests) can
see they agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from analytics.selection import ReportFilter
from boundaries.models import AdminUnit
from routing.models import Category, Report

_COUNTS = """
    SELECT GROUPING(s.unit_id, s.category_id, s.status, date_trunc('month', s.day)),
           s.unit_id, s.category_id, s.status,
           date_trunc('month', s.day)::date AS month, sum(s.n)::bigint
    FROM ({cells}) s
    GROUP BY GROUPING SETS ((s.unit_id), (s.category_id), (s.status),
                            (date_trunc('month', s.day)), ())
"""

_TIMES = """
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           count(h),
           count(*) FILTER (WHERE r.status = ANY(%(open)s)),
           count(*) FILTER (WHERE r.status = ANY(%(open)s) AND r.due_at < %(now)s),
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL),
           count(*) FILTER (WHERE r.resolved_at > r.due_at),
           count(*) FILTER (WHERE r.rating = 'satisfied'),
           count(*) FILTER (WHERE r.rating = 'acceptable'),
           count(*) FILTER (WHERE r.rating = 'dissatisfied'),
           count(*) FILTER (WHERE r.status IN ('resolved', 'closed'))
    FROM routing_report r
    CROSS JOIN LATERAL (
        SELECT extract(epoch FROM r.resolved_at - r.reported_at) / 3600.0 AS h
    ) d
    WHERE {where}
"""


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def stats_select(
    *, selection: ReportFilter, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Counts, resolution times, overdue rates and satisfaction for ``selection``."""
    now = now or timezone.now()
    params = selection.params()
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.format(cells=selection.cells_sql()), params)
        grouped = cursor.fetchall()
        cursor.execute(
            _TIMES.format(where=selection.raw_where()),
            {**params, "open": list(Report.OPEN_STATUSES), "now": now},
        )
        (
            raw_total,
            median_h,
            p90_h,
            resolved,
            open_,
            overdue_open,
            resolved_with_due,
            resolved_late,
            satisfied,
            acceptable,
            dissatisfied,
            finished,
        ) = cursor.fetchone()
    by_unit: dict[int, int] = {}
    by_category: dict[int, int] = {}
    by_status: dict[str, int] = {}
    by_month: dict[dt.date, int] = {}
    total = 0
    for grouping, unit_id, category_id, status, month, n in grouped:
        # GROUPING's bits, highest first: unit, category, status, month (1 = rolled up).
        if grouping == 0b0111:
            by_unit[unit_id] = n
        elif grouping == 0b1011:
            by_category[category_id] = n
        elif grouping == 0b1101:
            by_status[status] = n
        elif grouping == 0b1110:
            by_month[month] = n
        else:
            total = n or 0
    rated = satisfied + acceptable + dissatisfied
    return {
        "total": int(total),
        "total_from_reports": int(raw_total),
        "by_unit": _units(by_unit),
        "by_category": _categories(by_category),
        "by_status": [{"status": s, "count": by_status[s]} for s in sorted(by_status)],
        "by_month": [
            {"month": m.strftime("%Y-%m"), "count": by_month[m]}
            for m in sorted(by_month)
        ],
        "resolution_hours": {
            "resolved": int(resolved),
            "median": _hours(median_h),
            "p90": _hours(p90_h),
        },
        "overdue": {
            "open": int(open_),
            "open_overdue": int(overdue_open),
            "open_overdue_rate": _share(overdue_open, open_),
            "resolved_with_deadline": int(resolved_with_due),
            "resolved_late": int(resolved_late),
            "resolved_late_rate": _share(resolved_late, resolved_with_due),
        },
        "satisfaction": {
            "rated": int(rated),
            "rated_share_of_finished": _share(rated, finished),
            "satisfied": _share(satisfied, rated),
            "acceptable": _share(acceptable, rated),
            "dissatisfied": _share(dissatisfied, rated),
        },
    }


def _units(counts: dict[int, int]) -> list[dict[str, Any]]:
    units = {
        u["id"]: u
        for u in AdminUnit.objects.filter(pk__in=counts).values(
            "id", "code", "name", "boundary_set__slug"
        )
    }
    rows = [
        {
            "unit_id": unit_id,
            "code": units.get(unit_id, {}).get("code"),
            "name": units.get(unit_id, {}).get("name"),
            "boundary_set": units.get(unit_id, {}).get("boundary_set__slug"),
            "count": n,
        }
        for unit_id, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["code"] or ""))


def _categories(counts: dict[int, int]) -> list[dict[str, Any]]:
    names = {
        c["id"]: c
        for c in Category.objects.filter(pk__in=counts).values(
            "id", "code", "name_vi", "name_en"
        )
    }
    rows = [
        {
            "code": names.get(pk, {}).get("code"),
            "name_vi": names.get(pk, {}).get("name_vi"),
            "name_en": names.get(pk, {}).get("name_en"),
            "count": n,
        }
        for pk, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["code"] or ""))
