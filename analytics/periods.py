"""The whole calendar months and years inside a range of local days.

The aggregates count by local day, month and year; a time range is read at the
coarsest grain that fits: whole years from the year tables, the other whole months
from the month tables, the days at the ends from the day table. These spans say
which is which, and write the SQL predicates that keep a column inside or outside
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """The whole local months (or years) of a day range: ``first`` (the first
    one's first day) to ``after`` (the first day after the last one), either
    unbounded (None). Days of the range outside it are its partial edges."""

    first: dt.date | None
    after: dt.date | None

    def within(self, column: str, name: str) -> list[str]:
        """Predicates keeping ``column`` inside the span, whose bounds are the
        parameters ``{name}_first`` and ``{name}_after``."""
        parts = []
        if self.first is not None:
            parts.append(f"{column} >= %({name}_first)s")
        if self.after is not None:
            parts.append(f"{column} < %({name}_after)s")
        return parts

    def outside(self, column: str, name: str) -> str | None:
        """A predicate keeping ``column`` outside the span (parameters as in
        ``within``), or None when nothing is outside it."""
        edges = []
        if self.first is not None:
            edges.append(f"{column} < %({name}_first)s")
        if self.after is not None:
            edges.append(f"{column} >= %({name}_after)s")
        return f"({' OR '.join(edges)})" if edges else None


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def _next_year(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1)


def _whole(
    day_from: dt.date | None,
    day_to: dt.date | None,
    start: Callable[[dt.date], dt.date],
    following: Callable[[dt.date], dt.date],
) -> Span | None:
    """The whole periods inside [``day_from``, ``day_to``]: ``start`` gives a day's
    period's first day, ``following`` the next period's."""
    first = None
    if day_from is not None:
        first = day_from if start(day_from) == day_from else following(day_from)
    after = None
    if day_to is not None:
        next_day = day_to + dt.timedelta(days=1)
        after = next_day if start(next_day) == next_day else start(day_to)
    if first is not None and after is not None and first >= after:
        return None
    return Span(first, after)


def whole_months(day_from: dt.date | None, day_to: dt.date | None) -> Span | None:
    """The whole months inside [``day_from``, ``day_to``], or None if there are
    none (a range within one month, or across a month's end without a whole one)."""
    return _whole(day_from, day_to, _month_start, _next_month)


def whole_years(day_from: dt.date | None, day_to: dt.date | None) -> Span | None:
    """The whole local years inside [``day_from``, ``day_to``], or None."""
    return _whole(day_from, day_to, _year_start, _next_year)
