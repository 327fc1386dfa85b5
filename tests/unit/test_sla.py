"""Deadlines in Vietnamese working time, across holidays and make-up days."""

import datetime as dt

import pytest

from routing.workflow.calendar import VN_TZ, WorkingCalendar, calendar_with


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


def test_three_working_days_skip_the_weekend(calendar):
    """Received Thursday 27/11/2025: 3 working days end Tuesday 02/12 at 17:00."""
    assert calendar.due(at("2025-11-27 09:15"), 3, "days") == at("2025-12-02 17:00")


def test_working_days_cross_tet_2026(calendar):
    """Received Friday 13/02/2026, before Tết (16–20/02 off): 3 days end Wed 25/02."""
    assert calendar.due(at("2026-02-13 10:00"), 3, "days") == at("2026-02-25 17:00")


def test_make_up_saturday_counts_as_a_working_day(calendar):
    """Saturday 26/04/2025 was worked (for the 02/05 day off): it counts."""
    assert calendar.is_working_day(dt.date(2025, 4, 26))
    assert not calendar.is_working_day(dt.date(2025, 5, 2))
    # Friday 25/04 + 1 working day = Saturday 26/04.
    assert calendar.due(at("2025-04-25 08:00"), 1, "days") == at("2025-04-26 17:00")


def test_vietnam_cultural_day_2026_is_a_day_off(calendar):
    """24/11/2026 (Ngày Văn hóa Việt Nam) is not a working day."""
    assert not calendar.is_working_day(dt.date(2026, 11, 24))
    assert calendar.holiday_name(dt.date(2026, 11, 24))


def test_working_hours_run_through_office_periods(calendar):
    """4 working hours from Friday 16:00 end Monday 10:00 (1 h Fri + 3 h Mon)."""
    assert calendar.due(at("2025-11-28 16:00"), 4, "hours") == at("2025-12-01 10:00")


def test_working_hours_skip_lunch(calendar):
    """4 working hours from 10:30 end 16:30 (1 h before lunch, 3 h after)."""
    assert calendar.due(at("2025-11-27 10:30"), 4, "hours") == at("2025-11-27 16:30")


def test_report_at_night_starts_counting_next_morning(calendar):
    """A report at 22:00 on Monday with 4 working hours is due Tuesday 11:00."""
    assert calendar.due(at("2025-12-01 22:00"), 4, "hours") == at("2025-12-02 11:00")


def test_overrides_add_days_off_and_working_days():
    """A storm day off pushes the deadline; an extra working Saturday pulls it."""
    storm = calendar_with([(dt.date(2025, 12, 1), False)])
    assert storm.due(at("2025-11-28 09:00"), 1, "days") == at("2025-12-02 17:00")
    saturday = calendar_with([(dt.date(2025, 11, 29), True)])
    assert saturday.due(at("2025-11-28 09:00"), 1, "days") == at("2025-11-29 17:00")


def test_utc_input_is_read_in_vietnam_time(calendar):
    """23:30 UTC on Sunday is Monday 06:30 in Vietnam: 1 working hour ends 08:00."""
    start = dt.datetime(2025, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert calendar.due(start, 1, "hours") == at("2025-12-01 08:00")


def test_working_days_between_counts_after_start_up_to_end(calendar):
    """From Friday 13/02/2026 to Wednesday 25/02/2026 there are 3 working days."""
    assert (
        calendar.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 25)) == 3
    )
