"""Parse query parameters into typed values, with bilingual errors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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
