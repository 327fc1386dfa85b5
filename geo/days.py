"""Local days: the service's time zone, a day's first moment, and the dates a
filter may name.

Dates are accepted from ``EARLIEST`` to ``AHEAD`` past today: nothing this service
holds lies outside, and a year 9999 or 0001 would overflow the date arithmetic a
filter does (a range's exclusive end, local midnights) before any query runs. The
public portal's filters (``routing.reports.listing``) and the API's parameters
(``api.params``) both read them here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from geo.errors import InvalidInput

TIME_ZONE = "Asia/Ho_Chi_Minh"
LOCAL = ZoneInfo(TIME_ZONE)
EARLIEST = dt.date(2000, 1, 1)
AHEAD = dt.timedelta(days=366)


def local_today() -> dt.date:
    """Today in the service's time zone."""
    return dt.datetime.now(LOCAL).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the service's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL)


def date_range() -> tuple[dt.date, dt.date]:
    """The first and last day a date parameter may name (local days)."""
    return EARLIEST, local_today() + AHEAD


def day_parse(text: str, field: str = "date") -> dt.date:
    """A date as people write it here, ISO (2025-07-01) or Vietnamese (01/07/2025);
    a bilingual InvalidInput otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise InvalidInput(
        "bad_date",
        f"Ngày '{text[:40]}' không hợp lệ: dùng dd/mm/yyyy hoặc yyyy-mm-dd.",
        f"'{text[:40]}' is not a date: use yyyy-mm-dd or dd/mm/yyyy.",
        field,
    )
