"""The public portal's counts from the pre-aggregates, so that a spike of visitors
does not count the reports table: what the portal lists
(``Report.objects.publicly_listed``: the listed statuses, non-sensitive
categories) under its filters (``routing.reports.listing.PublicFilter``) is one
``ReportFilter`` over the aggregates' own dimensions (day, category, status, unit),
so the sums are exact. The list's pages still read their twenty rows from the
reports, newest first, through the ``reported_at`` index.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone

from analytics.selection import ReportFilter
from boundaries.models import AdminUnit
from geo.coords import BBox
from geo.days import local_midnight
from routing.models import Report
from routing.models.reports import public_category_ids
from routing.reads import lag_ok_connection, lag_ok_db
from routing.reports.listing import (
    RECENT_DAYS,
    PublicFilter,
    public_reports_select,
)


def public_report_filter(
    selection: PublicFilter, box: BBox | None = None
) -> ReportFilter:
    """The analytics selection of what the portal lists under ``selection`` (in
    ``box``): the listed statuses of the chosen group, non-sensitive categories (or
    the chosen one), the unit's versions in every boundary set, the period."""
    db = lag_ok_db()
    categories: tuple[int, ...]
    if selection.category is not None:
        categories = (selection.category.pk,)
    else:
        categories = public_category_ids(db)
    units = None
    if selection.unit_code:
        units = tuple(
            AdminUnit.objects.using(db)
            .filter(code=selection.unit_code)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return ReportFilter(
        bbox=box.as_tuple() if box is not None else None,
        day_from=selection.day_from,
        day_to=selection.day_to,
        category_ids=categories,
        statuses=tuple(selection.statuses),
        unit_ids=units,
    )


def public_count(selection: PublicFilter) -> int:
    """How many reports the portal lists under ``selection``, from the year,
    month and day aggregates."""
    report_filter = public_report_filter(selection)
    cells, extra = report_filter.coarse_sql(years=True)
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(s.n), 0)::bigint FROM ({cells}) s",
            {**report_filter.params(), **extra},
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class _CountedPaginator(Paginator):
    """A paginator told its count (the aggregates'), not counting the rows."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def public_page(selection: PublicFilter, number: int, size: int) -> Page:
    """Page ``number`` (the last one if beyond) of ``size`` listed reports, newest
    first; its paginator's count from the aggregates."""
    paginator = _CountedPaginator(
        public_reports_select(selection), size, public_count(selection)
    )
    return paginator.get_page(number)


def headline_counts(*, days: int = RECENT_DAYS) -> dict[str, int]:
    """Listed reports received, and listed reports resolved, in the last ``days``
    local days (today included, from local midnight): received from the
    aggregates, resolved through the resolution-time index (routing/0018)."""
    first = timezone.localdate() - dt.timedelta(days=days - 1)
    received = public_count(PublicFilter(day_from=first))
    resolved = (
        Report.objects.using(lag_ok_db())
        .publicly_listed()
        .filter(resolved_at__gte=local_midnight(first))
        .count()
    )
    return {"days": days, "received": received, "resolved": resolved}
