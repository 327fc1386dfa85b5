"""Deadlines in Vietnamese working time.

State offices work a 40-hour, five-day week (QĐ 188/1999/QĐ-TTg). A working day here
is Monday to Friday, minus the public holidays of the Labour Code (Tết, Giỗ Tổ,
30/4, 1/5, 2/9 …) and the announced swapped days off, plus the announced make-up
Saturdays — all as the ``holidays`` package knows them — and then the province's own
overrides (an editable calendar: extra days off for a storm, extra working days).

- N working **hours** run through the office periods (default 07:00–11:30 and
  13:30–17:00) of working days.
- N working **days** end at the close of the N-th working day after the day the report
  arrived (the day of receipt is not counted, as the regulations count deadlines).

All times are aware datetimes; office hours are in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 0), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)


@cache
def vietnam_holidays() -> holidays.HolidayBase:
    """The law's holidays and swapped days, built once per process (~8 ms)."""
    return holidays.country_holidays("VN", years=range(2010, 2041))


@dataclass
class WorkingCalendar:
    """Which days are working days; ``days_off``/``working_days`` override the law."""

    days_off: set[dt.date] = field(default_factory=set)
    working_days: set[dt.date] = field(default_factory=set)
    periods: tuple[tuple[dt.time, dt.time], ...] = OFFICE_PERIODS

    @property
    def _law(self) -> holidays.HolidayBase:
        return vietnam_holidays()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.days_off:
            return False
        if day in self.working_days:
            return True
        return bool(self._law.is_working_day(day))

    def holiday_name(self, day: dt.date) -> str | None:
        return self._law.get(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def _close(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.periods[-1][1], tzinfo=VN_TZ)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Close of the ``days``-th working day after the day of ``start``."""
        day = start.astimezone(VN_TZ).date()
        for _ in range(days):
            day = self.next_working_day(day)
        if days == 0 and not self.is_working_day(day):
            day = self.next_working_day(day)
        return self._close(day)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment ``hours`` of office time after ``start``."""
        remaining = dt.timedelta(hours=hours)
        moment = start.astimezone(VN_TZ)
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for opens, closes in self.periods:
                    begin = max(moment, dt.datetime.combine(day, opens, tzinfo=VN_TZ))
                    end = dt.datetime.combine(day, closes, tzinfo=VN_TZ)
                    if begin >= end:
                        continue
                    if begin + remaining <= end:
                        return begin + remaining
                    remaining -= end - begin
            day += dt.timedelta(days=1)
            moment = dt.datetime.combine(day, dt.time(0), tzinfo=VN_TZ)

    def due(self, start: dt.datetime, value: int, unit: str) -> dt.datetime:
        if unit == "hours":
            return self.add_working_hours(start, value)
        return self.add_working_days(start, value)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar_with(overrides: Iterable[tuple[dt.date, bool]]) -> WorkingCalendar:
    """A calendar from (date, is_working_day) overrides."""
    calendar = WorkingCalendar()
    for day, working in overrides:
        (calendar.working_days if working else calendar.days_off).add(day)
    return calendar
