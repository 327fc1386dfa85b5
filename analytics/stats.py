"""Dashboard figures for a selection of reports.

Counts (by unit, category, status and month) come from the pre-aggregates at their
coarsest exact grain (``ReportFilter.coarse_sql``: the block × month roll-up, with
the partial months and the box's edges from finer rows), in one scan with GROUPING
SETS. Times to resolve, late resolutions and ratings come from the monthly outcomes
(``analytics_outcomemonth``: whole months, no box) plus the reports of the partial
months (or of the box), under the same filters. Both paths give the same total,
which the response carries twice (``total``, ``total_from_reports``) so that a
client and the tests can see they agree.

Why a histogram. The exact median and p90 need every resolution time of the
selection sorted: at ten million reports the raw read took 22 s for the unfiltered
dashboard and 2.1 s for one year of two categories, where the whole answer from the
aggregates took 0.87 s and 0.46 s (``bench/analytics.py``, 2 shared cores). The
outcomes keep counts per time bucket (four per doubling), so a percentile is read
from at most a few hundred bucket totals, interpolated like ``percentile_cont``
between bucket middles: within 2^(1/8) − 1 ≈ 9.05 % of the exact value (the bound is
``max_relative_error`` in the answer; a test holds it against ``percentile_cont``).
Counts and rates stay exact. The overdue count depends on the clock, so it reads the
open reports alone, through a partial index.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import connection
from django.utils import timezone

from analytics.grid import BUCKET_ERROR, bucket_middle, local_midnight
from analytics.selection import ReportFilter, whole_months
from boundaries.models import AdminUnit
from routing.models import Category, Report

_COUNTS = """
    SELECT GROUPING(s.unit_id, s.category_id, s.status, s.month),
           s.unit_id, s.category_id, s.status, s.month, sum(s.n)::bigint
    FROM ({cells}) s
    GROUP BY GROUPING SETS ((s.unit_id), (s.category_id), (s.status), (s.month), ())
"""

# Outcomes per time-to-resolve bucket, from ``{rows}``: rows of (bucket, n, late,
# with_due, satisfied, acceptable, dissatisfied).
_OUTCOMES = """
    SELECT o.bucket, sum(o.n)::bigint, sum(o.late)::bigint, sum(o.with_due)::bigint,
           sum(o.satisfied)::bigint, sum(o.acceptable)::bigint,
           sum(o.dissatisfied)::bigint
    FROM ({rows}) o GROUP BY o.bucket ORDER BY o.bucket
"""

_OUTCOMES_KEPT = """
    SELECT o.bucket, o.n, o.late, o.with_due, o.satisfied, o.acceptable,
           o.dissatisfied
    FROM analytics_outcomemonth o WHERE {where}
"""

_OUTCOMES_RAW = """
    SELECT analytics_hours_bucket(r.reported_at, r.resolved_at) AS bucket, 1 AS n,
           coalesce((r.resolved_at > r.due_at)::integer, 0) AS late,
           (r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL)::integer AS with_due,
           (r.rating = 'satisfied')::integer AS satisfied,
           (r.rating = 'acceptable')::integer AS acceptable,
           (r.rating = 'dissatisfied')::integer AS dissatisfied
    FROM routing_report r WHERE {where}
"""

# Open reports past their deadline: the one figure that moves with the clock. The
# status list is written as in the partial index ``analytics_report_open_due``
# (migration 0006), so that the planner can use it.
OPEN_SQL = "('received', 'assigned', 'in_progress', 'reopened')"
_OVERDUE = f"""
    SELECT count(*) FROM routing_report r
    WHERE r.status IN {OPEN_SQL} AND r.due_at < %(now)s AND {{where}}
"""


def _outcome_rows(selection: ReportFilter) -> tuple[str, dict[str, Any]]:
    """The outcome rows of ``selection``: whole months from the monthly outcomes
    (without a box), the rest (partial months, or everything in a box) from the
    reports."""
    months = whole_months(selection.day_from, selection.day_to)
    if selection.bbox is not None or months is None:
        return _OUTCOMES_RAW.format(where=selection.raw_where()), {}
    extra: dict[str, Any] = {}
    kept = selection.list_where("o")
    edges = []
    if months.first is not None:
        kept.append("o.month >= %(o_first)s")
        edges.append("r.reported_at < %(o_first_at)s")
        extra.update(o_first=months.first, o_first_at=local_midnight(months.first))
    if months.after is not None:
        kept.append("o.month < %(o_after)s")
        edges.append("r.reported_at >= %(o_after_at)s")
        extra.update(o_after=months.after, o_after_at=local_midnight(months.after))
    parts = [_OUTCOMES_KEPT.format(where=" AND ".join(kept) or "true")]
    if edges:
        where = f"{selection.raw_where()} AND ({' OR '.join(edges)})"
        parts.append(_OUTCOMES_RAW.format(where=where))
    return " UNION ALL ".join(parts), extra


def percentile(histogram: list[tuple[int, int]], p: float) -> float | None:
    """The ``p`` percentile (0–1, as ``percentile_cont``: interpolated between the
    order statistics around ``p · (N − 1)``) of the times counted in ``histogram``
    (bucket, count; buckets ascending, none negative), each time read as its
    bucket's geometric middle: within ``BUCKET_ERROR`` of the exact value."""
    total = sum(n for _, n in histogram)
    if total == 0:
        return None
    position = p * (total - 1)
    lower, upper = math.floor(position), math.ceil(position)

    def at(rank: int) -> float:
        seen = 0
        for bucket, n in histogram:
            seen += n
            if rank < seen:
                return bucket_middle(bucket)
        return bucket_middle(histogram[-1][0])

    low = at(lower)
    return low + (position - lower) * (at(upper) - low)


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
    cells, extra = selection.coarse_sql()
    outcomes, outcome_extra = _outcome_rows(selection)
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.format(cells=cells), {**params, **extra})
        grouped = cursor.fetchall()
        cursor.execute(_OUTCOMES.format(rows=outcomes), {**params, **outcome_extra})
        buckets = cursor.fetchall()
        cursor.execute(
            _OVERDUE.format(where=selection.raw_where()), {**params, "now": now}
        )
        overdue_open = cursor.fetchone()[0]
    histogram = [(b, int(n)) for b, n, *_ in buckets if b >= 0 and n]
    raw_total = sum(row[1] for row in buckets)
    resolved = sum(n for _, n in histogram)
    resolved_late, resolved_with_due, satisfied, acceptable, dissatisfied = (
        int(sum(row[i] for row in buckets)) for i in range(2, 7)
    )
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
    open_ = sum(by_status.get(status, 0) for status in Report.OPEN_STATUSES)
    finished = by_status.get("resolved", 0) + by_status.get("closed", 0)
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
            "median": _hours(percentile(histogram, 0.5)),
            "p90": _hours(percentile(histogram, 0.9)),
            "max_relative_error": round(BUCKET_ERROR, 4),
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
