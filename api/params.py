"""Parse query parameters into typed values, with bilingual errors.

Dates and moments are accepted within ``geo.days.date_range`` (``date_in_range``):
nothing this service holds lies outside, and a year 9999 or 0001 would overflow the
date arithmetic a filter does (a range's exclusive end, local midnights) before any
query runs.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import overload

from django.utils import dateparse, timezone

from api.errors import ApiError
from geo.coords import parse_number
from geo.days import date_range, day_parse
from geo.errors import BilingualError


def date_in_range(day: dt.date, field: str) -> dt.date:
    """``day``, or a bilingual 400 when it is outside ``date_range()``."""
    first, last = date_range()
    if first <= day <= last:
        return day
    raise ApiError(
        "date_out_of_range",
        f"Ngày {day.day:02d}/{day.month:02d}/{day.year:04d} ở '{field}' nằm ngoài "
        f"khoảng cho phép, từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}.",
        f"The date {day.isoformat()} in '{field}' is outside the accepted range, "
        f"{first.isoformat()} to {last.isoformat()}.",
        field=field,
    )


def parse_day(raw: str | None, field: str = "date") -> dt.date:
    """ISO (2025-07-01) or Vietnamese (01/07/2025) date; today in Asia/Ho_Chi_Minh when absent."""
    if raw is None or raw.strip() == "":
        return timezone.localdate()
    try:
        day = day_parse(raw, field)
    except BilingualError as exc:
        raise ApiError.from_error(exc) from exc
    return date_in_range(day, field)


@overload
def parse_bounded(
    raw: str | None, field: str, *, low: float, high: float, default: float
) -> float: ...


@overload
def parse_bounded(
    raw: str | None, field: str, *, low: float, high: float, default: None = None
) -> float | None: ...


def parse_bounded(
    raw: str | None,
    field: str,
    *,
    low: float,
    high: float,
    default: float | None = None,
) -> float | None:
    """An optional number within [low, high]; ``default`` when absent."""
    if raw is None or raw.strip() == "":
        return default
    value = parse_number(raw, field)
    if not low <= value <= high:
        raise ApiError(
            "out_of_range",
            f"'{field}' phải nằm trong khoảng {low:g} đến {high:g} (nhận được {value:g}).",
            f"'{field}' must be between {low:g} and {high:g} (got {value:g}).",
            field=field,
        )
    return value


# A "+07:00" offset sent unencoded in a query string arrives as " 07:00".
_SPACE_OFFSET = re.compile(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _read_moment(raw: str, field: str) -> tuple[dt.datetime, bool]:
    """(aware datetime, whether only a date was given) from ISO datetime, ISO date or
    dd/mm/yyyy text; a date means its local midnight."""
    text = _SPACE_OFFSET.sub(r"\1+\2", raw.strip())
    day: dt.date | None = None
    moment: dt.datetime | None = None
    try:
        # Python 3.11 reads a bare ISO date as a datetime: look for it first.
        if _ISO_DATE.fullmatch(text):
            day = dt.date.fromisoformat(text)
        else:
            moment = dateparse.parse_datetime(text)
    except ValueError:
        pass
    if moment is None and day is None:
        try:
            day = dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
        except ValueError:
            raise ApiError(
                "bad_datetime",
                f"Thời điểm '{text[:40]}' không hợp lệ: dùng dd/mm/yyyy, yyyy-mm-dd "
                "hoặc yyyy-mm-ddThh:mm+07:00.",
                f"'{text[:40]}' is not a date or moment: use dd/mm/yyyy, yyyy-mm-dd "
                "or yyyy-mm-ddThh:mm+07:00.",
                field=field,
            ) from None
    if moment is None:
        assert day is not None
        date_in_range(day, field)
        return timezone.make_aware(dt.datetime.combine(day, dt.time())), True
    date_in_range(moment.date(), field)  # before any arithmetic that could overflow
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, False


def parse_moment(raw: str | None, field: str = "at") -> dt.datetime:
    """An aware datetime from ISO text or a date (local midnight); now when absent."""
    if raw is None or raw.strip() == "":
        return timezone.now()
    return _read_moment(raw, field)[0]


def parse_bound(raw: str | None, field: str, *, end: bool) -> dt.datetime | None:
    """A range bound; None when absent. The end is exclusive: a date as the end means
    the next day's local midnight (so from=01/07/2025&to=01/07/2025 is that day), a
    datetime as the end is inclusive (one microsecond is added)."""
    if raw is None or raw.strip() == "":
        return None
    moment, is_date = _read_moment(raw, field)
    if not end:
        return moment
    if is_date:
        return timezone.make_aware(
            dt.datetime.combine(
                timezone.localtime(moment).date() + dt.timedelta(days=1), dt.time()
            )
        )
    return moment + dt.timedelta(microseconds=1)
