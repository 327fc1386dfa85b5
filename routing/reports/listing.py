"""What the public portal lists, and its filters: one parser and one queryset for
the pages (``web.portal``), the Atom feed and the public JSON (``api.public``).

Which reports are listed at all is ``Report.objects.publicly_listed()`` (not
rejected, not a duplicate, not of a sensitive category); their words and photos
follow ``routing.reports.publication``. The filters are the unit (a GSO code,
matched in every boundary set, as the staff list does), the category (its code),
a status group (open, resolved, closed) and a period of local days, from and to
inclusive, written dd/mm/yyyy (yyyy-mm-dd accepted too). Bad input is an
``InvalidInput`` with both languages; HTTP is the caller's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from boundaries.models import AdminUnit
from geo.days import date_range, local_midnight
from geo.errors import InvalidInput
from geo.text import controls_strip
from routing.models import Category, Report
from routing.models.reports import ReportQuerySet, public_category_q

S = Report.Status
# Status groups the public filters by, and the colours the map gives them.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": Report.OPEN_STATUSES,
    "resolved": (S.RESOLVED,),
    "closed": (S.CLOSED,),
}
RECENT_DAYS = 30
# The query parameters of the filters (what the public caches key on).
FILTER_PARAMS = ("unit", "category", "status", "from", "to")
# Rows a visitor may page back through (the list page and the public JSON): a
# deeper page is an offset the database walks row by row; the filters (period,
# unit, category) narrow instead. A page number has at most MAX_DIGITS digits.
MAX_ROWS = 10_000
MAX_DIGITS = 6


@dataclass(frozen=True)
class PublicFilter:
    """The public filters; None (or empty) leaves one unfiltered."""

    unit_code: str = ""
    category: Category | None = None
    group: str = ""
    day_from: dt.date | None = None
    day_to: dt.date | None = None

    @property
    def statuses(self) -> tuple[str, ...]:
        return STATUS_GROUPS[self.group] if self.group else Report.PUBLIC_STATUSES


def _bad(code: str, field: str, vi: str, en: str) -> InvalidInput:
    return InvalidInput(code, vi, en, field=field)


def public_text(raw: str | None) -> str:
    """A query value as the filters read it: trimmed, without control characters
    (a NUL cannot even be sent to the database)."""
    return controls_strip(raw or "").strip()


def whole_number(raw: str | None, field: str, *, high: int, default: int) -> int:
    """A whole number from 1 to ``high`` written in ASCII digits (``²`` is a digit
    to ``str.isdigit``, not to ``int``); ``default`` when absent."""
    text = public_text(raw)
    if not text:
        return default
    if not (len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()) or not (
        1 <= int(text) <= high
    ):
        raise _bad(
            "out_of_range",
            field,
            f"'{field}' phải là số nguyên từ 1 đến {high}; để xem phản ánh cũ hơn, "
            "hãy lọc theo thời gian.",
            f"'{field}' must be a whole number from 1 to {high}; for older reports, "
            "filter by period.",
        )
    return int(text)


def public_day(raw: str | None, field: str) -> dt.date | None:
    """A local day written dd/mm/yyyy (or yyyy-mm-dd), within the accepted range."""
    text = public_text(raw)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
        # Dates a filter may name (geo.days: the same bounds as api.params).
        first, last = date_range()
        if not first <= day <= last:
            raise _bad(
                "date_out_of_range",
                field,
                f"Ngày {day:%d/%m/%Y} ở '{field}' nằm ngoài khoảng cho phép, từ "
                f"{first:%d/%m/%Y} đến {last:%d/%m/%Y}.",
                f"The date {day:%d/%m/%Y} in '{field}' is outside the accepted "
                f"range, {first:%d/%m/%Y} to {last:%d/%m/%Y}.",
            )
        return day
    raise _bad(
        "bad_date",
        field,
        f"Ngày '{text[:40]}' ở '{field}' không hợp lệ: dùng dd/mm/yyyy.",
        f"'{text[:40]}' in '{field}' is not a date: use dd/mm/yyyy.",
    )


def public_category(raw: str | None, field: str = "category") -> Category | None:
    """The category with this code, or None when absent; a sensitive category is
    unknown here, as it is nowhere public."""
    code = public_text(raw)
    if not code:
        return None
    found = Category.objects.filter(public_category_q(), code=code).first()
    if found is None:
        raise _bad(
            "unknown_category",
            field,
            f"Không có lĩnh vực mã '{code[:40]}'.",
            f"There is no category with the code '{code[:40]}'.",
        )
    return found


def public_unit_code(raw: str | None, field: str = "unit") -> str:
    """A unit's GSO code known in some boundary set, or "" when absent."""
    code = public_text(raw)
    if code and not AdminUnit.objects.filter(code=code).exists():
        raise _bad(
            "unknown_unit",
            field,
            f"Không có đơn vị hành chính mã '{code[:40]}'.",
            f"There is no administrative unit with the code '{code[:40]}'.",
        )
    return code


def public_filter_parse(query: Mapping[str, str]) -> PublicFilter:
    """The filters of a query string (``unit``, ``category``, ``status``, ``from``,
    ``to``); an absent or empty parameter is no filter."""
    group = public_text(query.get("status"))
    if group and group not in STATUS_GROUPS:
        raise _bad(
            "unknown_status",
            "status",
            f"Nhóm trạng thái '{group[:40]}' không hợp lệ: dùng open, resolved "
            "hoặc closed.",
            f"Unknown status group '{group[:40]}': use open, resolved or closed.",
        )
    day_from = public_day(query.get("from"), "from")
    day_to = public_day(query.get("to"), "to")
    if day_from and day_to and day_from > day_to:
        raise _bad(
            "bad_period",
            "from",
            "Ngày bắt đầu ('from') phải trước hoặc bằng ngày kết thúc ('to').",
            "'from' must not be after 'to'.",
        )
    return PublicFilter(
        unit_code=public_unit_code(query.get("unit")),
        category=public_category(query.get("category")),
        group=group,
        day_from=day_from,
        day_to=day_to,
    )


def public_reports_select(selection: PublicFilter) -> ReportQuerySet:
    """The listed reports the filters select, newest first, with their names."""
    reports = Report.objects.publicly_listed().with_statuses(selection.statuses)
    if selection.unit_code:
        reports = reports.in_unit_code(selection.unit_code)
    if selection.category is not None:
        reports = reports.with_categories([selection.category.pk])
    if selection.day_from is not None:
        reports = reports.reported_from(local_midnight(selection.day_from))
    if selection.day_to is not None:
        end = selection.day_to + dt.timedelta(days=1)
        reports = reports.reported_before(local_midnight(end))
    return (
        reports.select_related("category", "unit", "department")
        .defer("unit__geom")
        .order_by("-reported_at", "-id")
    )


def resolved_select(selection: PublicFilter | None = None) -> ReportQuerySet:
    """Listed reports resolved (or closed after it), the latest resolution first:
    the landing page's latest results and the Atom feed."""
    reports = public_reports_select(selection or PublicFilter())
    return reports.filter(
        status__in=(S.RESOLVED, S.CLOSED), resolved_at__isnull=False
    ).order_by("-resolved_at", "-id")
