"""Parse query parameters into typed values, with bilingual errors."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import dateparse, timezone

from api.errors import ApiError
from geo.coords import parse_number


def parse_day(raw: str | None, field: str = "date") -> dt.date:
    """ISO (2025-07-01) or Vietnamese (01/07/2025) date; today in Asia/Ho_Chi_Minh when absent."""
    if raw is None or raw.strip() == "":
        return timezone.localdate()
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ApiError(
        "bad_date",
        f"Ngày '{text[:40]}' không hợp lệ: dùng dd/mm/yyyy hoặc yyyy-mm-dd.",
        f"'{text[:40]}' is not a date: use yyyy-mm-dd or dd/mm/yyyy.",
        field=field,
    )


def parse_bounded(
    raw: str | None,
    field: str,
    *,
    low: float,
    high: float,
    default: float | None = None,
) -> float | None:
    """An optional number within [low, high]."""
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


def parse_moment(raw: str | None, field: str = "at") -> dt.datetime:
    """An aware datetime from ISO text or a date (local midnight); now when absent."""
    if raw is None or raw.strip() == "":
        return timezone.now()
    text = _SPACE_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        moment = dateparse.parse_datetime(text)
        day = None if moment else dateparse.parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        try:
            day = dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
        except ValueError:
            raise ApiError(
                "bad_datetime",
                f"Thời điểm '{text[:40]}' không hợp lệ: dùng yyyy-mm-ddThh:mm(+07:00) "
                "hoặc một ngày.",
                f"'{text[:40]}' is not a moment: use yyyy-mm-ddThh:mm(+07:00) or a date.",
                field=field,
            ) from None
    if moment is None:
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
