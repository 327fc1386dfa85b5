"""Analytics query parameters → a ``ReportFilter`` and the other options, with
bilingual errors. Codes, not ids, name categories (TTDT), units (GSO code, matched in
every boundary set) and departments (their slug); lists are comma-separated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from analytics.selection import ReportFilter
from api.errors import ApiError
from api.params import parse_bounded, parse_day
from boundaries.extent import bbox_clamp
from boundaries.models import AdminUnit
from geo.coords import parse_bbox
from routing.models import Category, Department, Report

FILTER_PARAMETERS = [
    OpenApiParameter(
        "bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (edges in)"
    ),
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="first local day (inclusive)"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last local day (inclusive)"),
    OpenApiParameter("category", OpenApiTypes.STR, description="codes, e.g. VSMT,CTN"),
    OpenApiParameter("status", OpenApiTypes.STR, description="e.g. received,assigned"),
    OpenApiParameter("unit", OpenApiTypes.STR, description="GSO codes, e.g. 18880"),
    OpenApiParameter("department", OpenApiTypes.STR, description="department codes"),
]
ZOOM = OpenApiParameter("zoom", OpenApiTypes.NUMBER, description="map zoom 0–22")


def _codes(raw: str | None) -> list[str] | None:
    if raw is None or raw.strip() == "":
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _unknown(field: str, missing: set[str]) -> ApiError:
    shown = ", ".join(sorted(missing))[:120]
    return ApiError(
        "unknown_code",
        f"Không có mã '{shown}' cho tham số '{field}'.",
        f"Unknown code(s) for '{field}': {shown}.",
        field=field,
    )


def _ids(
    model: type[Category | Department],
    field: str,
    codes: list[str] | None,
    column: str = "code",
) -> tuple[int, ...] | None:
    if codes is None:
        return None
    found = dict(
        model.objects.filter(**{f"{column}__in": codes}).values_list(column, "id")
    )
    missing = set(codes) - set(found)
    if missing:
        raise _unknown(field, missing)
    return tuple(sorted(found.values()))


def _day(raw: str | None, field: str) -> dt.date | None:
    if raw is None or raw.strip() == "":
        return None
    return parse_day(raw, field)


def parse_filter(query: Mapping[str, str], prefix: str = "") -> ReportFilter:
    """The filters of a request. ``prefix`` reads ``compare_from``/``compare_to``
    in place of ``from``/``to`` (the other filters are shared)."""
    box = parse_bbox(query.get("bbox"))
    if box is not None:  # a world-sized box: the same reports, from the aggregates
        box = bbox_clamp(box)
    day_from = _day(query.get(f"{prefix}from"), f"{prefix}from")
    day_to = _day(query.get(f"{prefix}to"), f"{prefix}to")
    if day_from and day_to and day_from > day_to:
        raise ApiError(
            "bad_period",
            f"'{prefix}from' phải trước hoặc bằng '{prefix}to'.",
            f"'{prefix}from' must not be after '{prefix}to'.",
            field=f"{prefix}from",
        )
    statuses = _codes(query.get("status"))
    if statuses is not None:
        bad = set(statuses) - set(Report.Status.values)
        if bad:
            raise _unknown("status", bad)
    unit_codes = _codes(query.get("unit"))
    units = None
    if unit_codes is not None:
        units = tuple(
            sorted(
                AdminUnit.objects.filter(code__in=unit_codes).values_list(
                    "id", flat=True
                )
            )
        )
        missing = set(unit_codes) - set(
            AdminUnit.objects.filter(code__in=unit_codes).values_list("code", flat=True)
        )
        if missing:
            raise _unknown("unit", missing)
    return ReportFilter(
        bbox=box.as_tuple() if box else None,
        day_from=day_from,
        day_to=day_to,
        category_ids=_ids(Category, "category", _codes(query.get("category"))),
        statuses=tuple(statuses) if statuses is not None else None,
        unit_ids=units,
        department_ids=_ids(Department, "department", _codes(query.get("department"))),
    )


def parse_zoom(query: Mapping[str, str], default: float | None = None) -> float | None:
    return parse_bounded(query.get("zoom"), "zoom", low=0, high=22, default=default)


def parse_int(
    query: Mapping[str, str], field: str, *, low: int, high: int, default: int
) -> int:
    value = parse_bounded(query.get(field), field, low=low, high=high, default=default)
    assert value is not None
    if value != int(value):
        raise ApiError(
            "not_an_integer",
            f"'{field}' phải là số nguyên.",
            f"'{field}' must be a whole number.",
            field=field,
        )
    return int(value)
