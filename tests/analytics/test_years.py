"""The year tables (cell × year, block × year): rebuilt and checked with the day and
month tables. That the triggers keep them equal to the reports through every kind
of write, and that the maps read from them the same counts and centres as from the
day table, is checked with the roll-up (``test_rollup``)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from analytics.periods import whole_years
from analytics.rebuild import cellday_check, cellday_rebuild
from tests.analytics.year_tables import fresh, kept

pytestmark = pytest.mark.django_db


def test_rebuild_and_check_cover_the_year_tables(synthetic):
    """A rebuild gives the triggers' rows; --check finds a lost cell-year and a
    wrong block-year centre sum, and the rebuild repairs them."""
    incremental = kept()
    cellday_rebuild()
    assert kept() == incremental == fresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM analytics_cellyear WHERE ctid IN "
            "(SELECT ctid FROM analytics_cellyear LIMIT 1)"
        )
        cursor.execute(
            "UPDATE analytics_blockyear SET sx = sx + 3 WHERE ctid IN "
            "(SELECT ctid FROM analytics_blockyear LIMIT 1)"
        )
    drift = cellday_check()
    assert (drift.missing, drift.rollup_missing, drift.outcome_missing) == (0, 0, 0)
    assert (drift.years_missing, drift.years_surplus) == (2, 1)
    assert not drift.ok
    with pytest.raises(CommandError, match="years 2 missing"):
        call_command("analytics_rebuild", "--check", stdout=StringIO())
    call_command("analytics_rebuild", stdout=StringIO())
    assert kept() == fresh()
    assert cellday_check().ok


@pytest.mark.parametrize(
    ("day_from", "day_to", "expected"),
    [
        (None, None, (None, None)),
        ("2024-01-01", "2024-12-31", ("2024-01-01", "2025-01-01")),
        ("2023-05-10", "2025-11-09", ("2024-01-01", "2025-01-01")),
        ("2023-01-02", "2025-12-31", ("2024-01-01", "2026-01-01")),
        (None, "2025-03-31", (None, "2025-01-01")),
        ("2024-02-29", None, ("2025-01-01", None)),
        ("2024-03-01", "2025-02-28", None),  # twelve months, no whole year
        ("2024-06-01", "2024-12-31", None),
    ],
)
def test_whole_years(day_from, day_to, expected):
    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    years = whole_years(day(day_from), day(day_to))
    if expected is None:
        assert years is None
    else:
        assert (years.first, years.after) == (day(expected[0]), day(expected[1]))
