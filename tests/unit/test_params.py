"""Dates and moments in query parameters."""

import datetime as dt

import pytest

from api.errors import ApiError
from api.params import parse_bound, parse_moment
from routing.workflow.calendar import VN_TZ


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


@pytest.mark.parametrize("text", ["2025-07-01", "01/07/2025"])
def test_a_date_as_the_end_covers_the_whole_day(text):
    """to=2025-07-01 and to=01/07/2025 both end at the next local midnight."""
    assert parse_bound(text, "to", end=True) == local(2025, 7, 2)
    assert parse_bound(text, "from", end=False) == local(2025, 7, 1)


def test_a_moment_as_the_end_is_inclusive():
    """A datetime end keeps that instant in the range (one microsecond is added)."""
    end = parse_bound("2025-07-01T09:30:00+07:00", "to", end=True)
    assert end == local(2025, 7, 1, 9, 30) + dt.timedelta(microseconds=1)


def test_an_unencoded_plus_in_the_offset_is_read_back():
    """'…09:30 07:00' (a '+' turned into a space by the query string) is +07:00."""
    assert parse_moment("2025-07-01T09:30 07:00") == local(2025, 7, 1, 9, 30)


@pytest.mark.parametrize("text", ["soon", "2025-02-30", "31/02/2025"])
def test_impossible_dates_are_refused(text):
    """A word or an impossible date is a bilingual 400 naming the field."""
    with pytest.raises(ApiError) as caught:
        parse_moment(text, "at")
    assert caught.value.field == "at"
