"""Public scorecards: how each unit (ward or commune) or each department handled the
reports of a period, read from the monthly outcomes alone (``analytics_outcomemonth``,
never ``routing_report``), so that the public portal's busiest page costs one grouped
scan of a small table.

The definitions (received, resolved, on-time rate, satisfaction, reopen rate, today's
unit) are those of ``analytics.definitions``, shared with the planners' evaluation
(``analytics.evaluation``, which counts the same from the reports themselves). Here:

- Period: whole local months (Asia/Ho_Chi_Minh) of ``reported_at``, ``from``–``to``
  inclusive, by default the last 12 whole months.
- median time to resolve (hours): of the resolved ones, read from the outcome
  time buckets (four per doubling, ``analytics.stats.percentile``): within
  ``max_relative_error`` (2^(1/8) − 1 ≈ 9.05 %) of the exact median.
- A rate whose denominator is below ``MIN_COUNT`` (5) is given as null, with its
  counts, so a small unit is not over-read.
- Each row also gives ``rejected``: the received reports that were rejected.
- Sensitive categories (public security, never public) are left out: with them, a
  unit's total minus the portal's own counts would reveal the hidden reports. The
  planners' evaluation, which is not public, counts them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from analytics import definitions as d
from analytics.grid import BUCKET_ERROR
from analytics.stats import percentile
from geo.days import EARLIEST
from geo.errors import InvalidInput
from routing.models import Department
from routing.models.reports import public_category_ids

MIN_COUNT = 5
DEFAULT_MONTHS = 12
MAX_MONTHS = 60
LEVELS = ("unit", "department")

_KEY = {
    "unit": d.today_unit_sql("o.unit_id", "s"),
    "department": "o.department_id",
}
_RESOLVED = f"{d.resolved_status_sql('o')} AND o.bucket >= 0"
_SCORES = f"""
    SELECT {{key}} AS key, o.bucket,
           sum(o.n)::bigint,
           coalesce(sum(o.n) FILTER (WHERE {_RESOLVED}), 0)::bigint,
           coalesce(sum(o.late) FILTER (WHERE {_RESOLVED}), 0)::bigint,
           coalesce(sum(o.with_due) FILTER (WHERE {_RESOLVED}), 0)::bigint,
           sum(o.satisfied)::bigint, sum(o.acceptable)::bigint,
           sum(o.dissatisfied)::bigint, sum(o.reopened)::bigint,
           (coalesce(sum(o.n) FILTER (WHERE o.bucket >= 0), 0)
            + coalesce(sum(o.reopened) FILTER (WHERE o.bucket < 0), 0))::bigint,
           coalesce(sum(o.n) FILTER (WHERE o.status = '{d.REJECTED}'), 0)::bigint
    FROM analytics_outcomemonth o
    LEFT JOIN ({d.SUCCESSOR_SQL}) s ON s.from_unit_id = o.unit_id
    WHERE o.month >= %(first)s AND o.month < %(after)s
      AND {d.received_sql("o")} AND o.category_id = ANY(%(categories)s)
    GROUP BY 1, 2
"""
_FIELDS = (
    "received",
    "resolved",
    "late",
    "with_due",
    "satisfied",
    "acceptable",
    "dissatisfied",
    "reopened",
    "resolved_once",
    "rejected",
)


@dataclass(frozen=True)
class Period:
    """Whole local months: ``first`` and ``last`` are first days of months."""

    first: dt.date
    last: dt.date

    @property
    def after(self) -> dt.date:
        return _month_add(self.last, 1)

    @property
    def months(self) -> int:
        return (
            (self.last.year - self.first.year) * 12
            + self.last.month
            - self.first.month
            + 1
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": f"{self.first:%Y-%m}",
            "to": f"{self.last:%Y-%m}",
            "months": self.months,
        }


def _month_add(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_parse(value: str, name: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    try:
        if match is None:
            raise ValueError(value)
        parsed = dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidInput(
            "invalid_month",
            f"'{name}' phải là một tháng dạng YYYY-MM (ví dụ 2026-01).",
            f"'{name}' must be a month as YYYY-MM (for example 2026-01).",
            name,
        ) from None
    latest = d.today().year + 1
    if not EARLIEST.year <= parsed.year <= latest:
        raise InvalidInput(
            "invalid_month",
            f"'{name}' phải trong khoảng năm {EARLIEST.year} đến {latest}.",
            f"'{name}' must be between {EARLIEST.year} and {latest}.",
            name,
        )
    return parsed


def period_parse(
    start: str | None, end: str | None, *, today: dt.date | None = None
) -> Period:
    """The period asked (``YYYY-MM`` months, both optional): by default the last
    ``DEFAULT_MONTHS`` whole months before the current local month."""
    today = today or d.today()
    this_month = today.replace(day=1)
    last = _month_parse(end, "to") if end else _month_add(this_month, -1)
    first = (
        _month_parse(start, "from") if start else _month_add(last, 1 - DEFAULT_MONTHS)
    )
    if first > last:
        raise InvalidInput(
            "invalid_period",
            "'from' phải không muộn hơn 'to'.",
            "'from' must not be after 'to'.",
            "from",
        )
    period = Period(first, last)
    if period.months > MAX_MONTHS:
        raise InvalidInput(
            "period_too_long",
            f"Khoảng thời gian tối đa {MAX_MONTHS} tháng.",
            f"The period is at most {MAX_MONTHS} months.",
            "from",
        )
    return period


def level_parse(value: str | None) -> str:
    level = (value or "unit").strip()
    if level not in LEVELS:
        raise InvalidInput(
            "invalid_level",
            "'level' phải là 'unit' (phường, xã) hoặc 'department' (cơ quan).",
            "'level' must be 'unit' (ward, commune) or 'department'.",
            "level",
        )
    return level


def _round(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def _rate(part: int, whole: int) -> float | None:
    return _round(d.share(part, whole, MIN_COUNT))


def _card(counts: dict[str, int], histogram: list[tuple[int, int]]) -> dict[str, Any]:
    rated = counts["satisfied"] + counts["acceptable"] + counts["dissatisfied"]
    median = (
        percentile(sorted(histogram), 0.5) if counts["resolved"] >= MIN_COUNT else None
    )
    on_time = counts["with_due"] - counts["late"]
    return {
        "received": counts["received"],
        "rejected": counts["rejected"],
        "resolved": counts["resolved"],
        "resolved_share": _rate(counts["resolved"], counts["received"]),
        "on_time": {
            "rate": _round(
                d.on_time_rate(counts["late"], counts["with_due"], MIN_COUNT)
            ),
            "on_time": on_time,
            "late": counts["late"],
            "with_deadline": counts["with_due"],
        },
        "median_hours": None if median is None else round(median, 2),
        "satisfaction": {
            "rated": rated,
            "satisfied": _round(d.satisfaction(counts["satisfied"], rated, MIN_COUNT)),
            "acceptable": _rate(counts["acceptable"], rated),
            "dissatisfied": _rate(counts["dissatisfied"], rated),
        },
        "reopen": {
            "rate": _round(
                d.reopen_rate(counts["reopened"], counts["resolved_once"], MIN_COUNT)
            ),
            "reopened": counts["reopened"],
            "resolved_once": counts["resolved_once"],
        },
    }


def _fold(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[int, dict[str, int]], dict[int, list[tuple[int, int]]]]:
    """Sum the (key, bucket) rows per key; the resolved ones' time histogram."""
    counts: dict[int, dict[str, int]] = {}
    histograms: dict[int, list[tuple[int, int]]] = {}
    for key, bucket, *values in rows:
        mine = counts.setdefault(key, dict.fromkeys(_FIELDS, 0))
        for name, value in zip(_FIELDS, values, strict=True):
            mine[name] += int(value)
        if bucket >= 0 and values[1]:
            histograms.setdefault(key, []).append((bucket, int(values[1])))
    return counts, histograms


def _names(level: str, keys: list[int]) -> dict[int, dict[str, Any]]:
    if level == "department":
        return {
            dep.pk: {"code": dep.code, "name": dep.name_vi, "name_en": dep.name_en}
            for dep in Department.objects.filter(pk__in=keys)
        }
    return {
        pk: {
            "code": code,
            "name": name,
            "name_en": name,  # a place keeps its Vietnamese name in English
            "level": level,
            "current": current,
        }
        for pk, (code, name, level, current) in d.units_current(keys).items()
    }


def scorecards(*, period: Period, level: str) -> dict[str, Any]:
    """The scorecards of ``level`` (``unit`` or ``department``) for ``period``:
    one row per unit or department with reports, ranked by on-time rate (then by
    reports resolved), and the whole province's row."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SCORES.format(key=_KEY[level]),
            {
                "first": period.first,
                "after": period.after,
                "today": d.today(),
                # Public figures: sensitive categories (public security) are never
                # counted, or a unit's total minus the portal's would reveal them.
                "categories": list(public_category_ids()),
            },
        )
        rows = cursor.fetchall()
    counts, histograms = _fold(rows)
    names = _names(level, list(counts))
    cards = [
        {
            "id": key,
            **names.get(key, {"code": "", "name": "", "name_en": ""}),
            **_card(mine, histograms.get(key, [])),
        }
        for key, mine in counts.items()
    ]
    cards.sort(
        key=lambda c: (
            c["on_time"]["rate"] is None,
            -(c["on_time"]["rate"] or 0),
            -c["resolved"],
            c["name"],
        )
    )
    for rank, card in enumerate(cards, start=1):
        card["rank"] = rank if card["on_time"]["rate"] is not None else None
    whole = dict.fromkeys(_FIELDS, 0)
    merged: dict[int, int] = {}
    for mine in counts.values():
        for name in _FIELDS:
            whole[name] += mine[name]
    for histogram in histograms.values():
        for bucket, n in histogram:
            merged[bucket] = merged.get(bucket, 0) + n
    return {
        "period": period.as_dict(),
        "level": level,
        "min_count": MIN_COUNT,
        "max_relative_error": round(BUCKET_ERROR, 4),
        "rows": cards,
        "total": _card(whole, sorted(merged.items())),
    }
