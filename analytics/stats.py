"""Dashboard figures for a selection of reports.

Counts (by unit, category, status, month, and month × category) come from the
pre-aggregates at their coarsest exact grain (``ReportFilter.coarse_sql``: the block
× month roll-up, with the partial months and the box's edges from finer rows), in
one scan with GROUPING SETS. Each unit also carries the deadline figures the
selection has (open, overdue, resolved with a deadline, late), read the same way and
grouped by unit, so that the selection's are the sums of its units' and a dashboard
needs one request for a map of rates. Times to resolve, late resolutions and ratings
come from the monthly outcomes (``analytics_outcomemonth``: whole months, no box) plus
the reports of the partial months (or of the box), under the same filters. Both paths
give the same total, which the response carries twice (``total``,
``total_from_reports``) so that a client and the tests can see they agree.

Why a histogram. The exact median and p90 need every resolution time of the
selection sorted: at ten million reports the raw read took 22 s for the unfiltered
dashboard and 2.1 s for one year of two categories, where the whole answer from the
aggregates took 0.87 s and 0.46 s (``bench/analytics/``, 2 shared cores). The
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from analytics.grid import BUCKET_ERROR, bucket_middle, local_midnight
from analytics.periods import whole_months
from analytics.selection import ReportFilter
from boundaries.models import AdminUnit
from routing.models import Category, Report
from routing.reads import lag_ok_connection, lag_ok_db

_COUNTS = """
    SELECT GROUPING(s.unit_id, s.category_id, s.status, s.month),
           s.unit_id, s.category_id, s.status, s.month, sum(s.n)::bigint
    FROM ({cells}) s
    GROUP BY GROUPING SETS ((s.unit_id), (s.category_id), (s.status), (s.month),
                            (s.unit_id, s.status), (s.month, s.category_id), ())
"""
# GROUPING's bits, highest first: unit, category, status, month (1 = rolled up).
_BY_UNIT, _BY_CATEGORY, _BY_STATUS, _BY_MONTH = 0b0111, 0b1011, 0b1101, 0b1110
_BY_UNIT_STATUS, _BY_MONTH_CATEGORY = 0b0101, 0b1010

# Outcomes from ``{rows}`` (rows of unit, bucket, n, late, with_due, satisfied,
# acceptable, dissatisfied), per time-to-resolve bucket (GROUPING 1: the unit
# rolled up) and per unit (GROUPING 0: for the unit's late resolutions).
_OUTCOMES = """
    SELECT GROUPING(o.unit_id), o.unit_id, o.bucket, sum(o.n)::bigint,
           sum(o.late)::bigint, sum(o.with_due)::bigint, sum(o.satisfied)::bigint,
           sum(o.acceptable)::bigint, sum(o.dissatisfied)::bigint
    FROM ({rows}) o GROUP BY GROUPING SETS ((o.bucket), (o.unit_id))
"""

_OUTCOMES_KEPT = """
    SELECT o.unit_id, o.bucket, o.n, o.late, o.with_due, o.satisfied, o.acceptable,
           o.dissatisfied
    FROM analytics_outcomemonth o WHERE {where}
"""

_OUTCOMES_RAW = """
    SELECT r.unit_id, analytics_hours_bucket(r.reported_at, r.resolved_at) AS bucket,
           1 AS n,
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
    SELECT r.unit_id, count(*) FROM routing_report r
    WHERE r.status IN {OPEN_SQL} AND r.due_at < %(now)s AND {{where}}
    GROUP BY r.unit_id
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


@dataclass
class _Counts:
    """The grouped counts of a selection, one dictionary per grouping set."""

    total: int = 0
    by_unit: dict[int, int] = field(default_factory=dict)
    by_category: dict[int, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_month: dict[dt.date, int] = field(default_factory=dict)
    open_by_unit: dict[int, int] = field(default_factory=dict)
    by_month_category: dict[tuple[dt.date, int], int] = field(default_factory=dict)


def _counts_fold(grouped: list[tuple[Any, ...]]) -> _Counts:
    """``_COUNTS``'s rows sorted into their grouping sets (by GROUPING's bits)."""
    counts = _Counts()
    for grouping, unit_id, category_id, status, month, n in grouped:
        if grouping == _BY_UNIT:
            counts.by_unit[unit_id] = n
        elif grouping == _BY_CATEGORY:
            counts.by_category[category_id] = n
        elif grouping == _BY_STATUS:
            counts.by_status[status] = n
        elif grouping == _BY_MONTH:
            counts.by_month[month] = n
        elif grouping == _BY_UNIT_STATUS:
            if status in Report.OPEN_STATUSES:
                counts.open_by_unit[unit_id] = counts.open_by_unit.get(unit_id, 0) + n
        elif grouping == _BY_MONTH_CATEGORY:
            counts.by_month_category[(month, category_id)] = n
        else:
            counts.total = n or 0
    return counts


@dataclass(frozen=True)
class _Outcomes:
    """The outcomes of a selection: the histogram of times to resolve (bucket,
    count; resolved reports only), the sums over every report, and each unit's
    (late, with deadline)."""

    histogram: list[tuple[int, int]]
    total: int
    late: int
    with_due: int
    satisfied: int
    acceptable: int
    dissatisfied: int
    late_by_unit: dict[int, tuple[int, int]]


def _outcomes_fold(rows: list[tuple[Any, ...]]) -> _Outcomes:
    """``_OUTCOMES``'s rows: per bucket (GROUPING 1) and per unit (GROUPING 0)."""
    buckets = sorted((row[2:] for row in rows if row[0] == 1), key=lambda row: row[0])
    late_by_unit = {row[1]: (int(row[4]), int(row[5])) for row in rows if row[0] == 0}
    late, with_due, satisfied, acceptable, dissatisfied = (
        int(sum(row[i] for row in buckets)) for i in range(2, 7)
    )
    return _Outcomes(
        histogram=[(b, int(n)) for b, n, *_ in buckets if b >= 0 and n],
        total=sum(row[1] for row in buckets),
        late=late,
        with_due=with_due,
        satisfied=satisfied,
        acceptable=acceptable,
        dissatisfied=dissatisfied,
        late_by_unit=late_by_unit,
    )


def _rows_read(
    selection: ReportFilter, now: dt.datetime
) -> tuple[_Counts, _Outcomes, dict[int, int]]:
    """The three reads of a dashboard: grouped counts, outcomes, and the open
    reports past their deadline by unit."""
    params = selection.params()
    cells, extra = selection.coarse_sql()
    outcomes, outcome_extra = _outcome_rows(selection)
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(_COUNTS.format(cells=cells), {**params, **extra})
        grouped = cursor.fetchall()
        cursor.execute(_OUTCOMES.format(rows=outcomes), {**params, **outcome_extra})
        outcome_rows = cursor.fetchall()
        cursor.execute(
            _OVERDUE.format(where=selection.raw_where()), {**params, "now": now}
        )
        overdue_by_unit = {unit_id: int(n) for unit_id, n in cursor.fetchall()}
    return _counts_fold(grouped), _outcomes_fold(outcome_rows), overdue_by_unit


def stats_select(
    *, selection: ReportFilter, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Counts, resolution times, overdue rates and satisfaction for ``selection``,
    with counts by month and category, and the deadline figures of each unit (the
    selection's are their sums)."""
    counts, outcomes, overdue_by_unit = _rows_read(selection, now or timezone.now())
    by_status, by_month, histogram = (
        counts.by_status,
        counts.by_month,
        outcomes.histogram,
    )
    resolved = sum(n for _, n in histogram)
    rated = outcomes.satisfied + outcomes.acceptable + outcomes.dissatisfied
    open_ = sum(by_status.get(status, 0) for status in Report.OPEN_STATUSES)
    finished = by_status.get("resolved", 0) + by_status.get("closed", 0)
    categories = _categories(counts.by_category)  # (id, row), largest first
    units = _units(
        counts.by_unit, counts.open_by_unit, overdue_by_unit, outcomes.late_by_unit
    )
    return {
        "total": int(counts.total),
        "total_from_reports": int(outcomes.total),
        "by_unit": units,
        "by_category": [row for _, row in categories],
        "by_status": [{"status": s, "count": by_status[s]} for s in sorted(by_status)],
        "by_month": [
            {"month": m.strftime("%Y-%m"), "count": by_month[m]}
            for m in sorted(by_month)
        ],
        "by_month_category": _month_categories(counts.by_month_category, categories),
        "resolution_hours": {
            "resolved": int(resolved),
            "median": _hours(percentile(histogram, 0.5)),
            "p90": _hours(percentile(histogram, 0.9)),
            "max_relative_error": round(BUCKET_ERROR, 4),
        },
        "overdue": _deadlines(
            open_, sum(overdue_by_unit.values()), outcomes.with_due, outcomes.late
        ),
        "satisfaction": {
            "rated": int(rated),
            "rated_share_of_finished": _share(rated, finished),
            "satisfied": _share(outcomes.satisfied, rated),
            "acceptable": _share(outcomes.acceptable, rated),
            "dissatisfied": _share(outcomes.dissatisfied, rated),
        },
    }


def _deadlines(
    open_: int, open_overdue: int, resolved_with_due: int, resolved_late: int
) -> dict[str, Any]:
    """The deadline figures of a selection or of one unit."""
    return {
        "open": int(open_),
        "open_overdue": int(open_overdue),
        "open_overdue_rate": _share(open_overdue, open_),
        "resolved_with_deadline": int(resolved_with_due),
        "resolved_late": int(resolved_late),
        "resolved_late_rate": _share(resolved_late, resolved_with_due),
    }


def _units(
    counts: dict[int, int],
    open_: dict[int, int],
    overdue: dict[int, int],
    late: dict[int, tuple[int, int]],
) -> list[dict[str, Any]]:
    """One row per unit: its count and deadline figures (``late``: unit → (late,
    with deadline))."""
    units: dict[int, Mapping[str, Any]] = {
        u["id"]: u
        for u in AdminUnit.objects.using(lag_ok_db())
        .filter(pk__in=counts)
        .values("id", "code", "name", "boundary_set__slug")
    }
    rows = [
        {
            "unit_id": unit_id,
            "code": units.get(unit_id, {}).get("code"),
            "name": units.get(unit_id, {}).get("name"),
            "boundary_set": units.get(unit_id, {}).get("boundary_set__slug"),
            "count": n,
            **_deadlines(
                open_.get(unit_id, 0),
                overdue.get(unit_id, 0),
                late.get(unit_id, (0, 0))[1],
                late.get(unit_id, (0, 0))[0],
            ),
        }
        for unit_id, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["code"] or ""))


def _month_categories(
    counts: dict[tuple[dt.date, int], int],
    categories: list[tuple[int, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Counts by month and category code: by month, then as ``by_category``."""
    order = {pk: i for i, (pk, _) in enumerate(categories)}
    codes = {pk: row["code"] for pk, row in categories}
    labels = {month: month.strftime("%Y-%m") for month, _ in counts}
    rows = sorted(counts.items(), key=lambda item: (item[0][0], order[item[0][1]]))
    return [
        {"month": labels[month], "category": codes[pk], "count": n}
        for (month, pk), n in rows
    ]


def _categories(counts: dict[int, int]) -> list[tuple[int, dict[str, Any]]]:
    names: dict[int, Mapping[str, Any]] = {
        c["id"]: c
        for c in Category.objects.using(lag_ok_db())
        .filter(pk__in=counts)
        .values("id", "code", "name_vi", "name_en")
    }
    rows = [
        (
            pk,
            {
                "code": names.get(pk, {}).get("code"),
                "name_vi": names.get(pk, {}).get("name_vi"),
                "name_en": names.get(pk, {}).get("name_en"),
                "count": n,
            },
        )
        for pk, n in counts.items()
    ]
    return sorted(rows, key=lambda item: (-item[1]["count"], item[1]["code"] or ""))
