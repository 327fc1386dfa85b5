"""The zone list's query parameters: ``status`` and ``at`` choose which zones
(``ZoneQuerySet.in_state``), the others narrow them with ``ZoneQuerySet``
predicates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.errors import ApiError
from api.filtering import BBOX_HELP, ApiFilterSet, ParsedFilter
from api.params import parse_moment
from api.routing.serializers import category_get, department_by_code
from geo.coords import parse_bbox
from routing.models import Category, Department, ResponsibilityZone
from routing.models.zones import ZoneQuerySet

AT_HELP = (
    "ISO datetime (2026-01-15T09:30+07:00) or date (2026-01-15, 15/01/2026: 00:00 "
    "Asia/Ho_Chi_Minh); default now."
)


def zone_status_parse(raw: str | None) -> str | None:
    if raw is not None and raw not in ResponsibilityZone.Status.values:
        raise ApiError(
            "bad_status",
            f"Trạng thái '{raw[:20]}' không hợp lệ: dùng draft hoặc published.",
            f"Unknown status '{raw[:20]}': use draft or published.",
            field="status",
        )
    return raw


def department_parse(raw: str | None) -> Department | None:
    return department_by_code(raw) if raw is not None else None


def moment_parse(raw: str | None) -> dt.datetime | None:
    """A moment when given; None (not now) when absent, so the default list can
    add the drafts."""
    return parse_moment(raw) if raw is not None else None


def category_parse(raw: str | None) -> Category | None:
    return category_get(raw) if raw is not None else None


class ZoneFilter(ApiFilterSet):
    """Filters of ``GET /api/v1/zones/``, checked in this order (the first bad value
    is the error)."""

    status = ParsedFilter(
        parse=zone_status_parse,
        predicate=None,  # with ``at``, in filter_queryset
        help_text="draft, or published (in force at 'at'); default: the zones in "
        "force now and every draft.",
        enum=ResponsibilityZone.Status.values,
    )
    department = ParsedFilter(
        parse=department_parse,
        predicate=ZoneQuerySet.of_department,
        help_text="e.g. qb-moitruong",
    )
    at = ParsedFilter(parse=moment_parse, predicate=None, help_text=AT_HELP)
    category = ParsedFilter(
        parse=category_parse, predicate=ZoneQuerySet.for_category, help_text="e.g. VSMT"
    )
    bbox = ParsedFilter(
        parse=parse_bbox, predicate=ZoneQuerySet.in_bbox, help_text=BBOX_HELP
    )

    class Meta:
        model = ResponsibilityZone
        fields: tuple[str, ...] = ()

    def filter_queryset(self, queryset: Any) -> ZoneQuerySet:
        """The zones ``status`` and ``at`` choose, narrowed by the other filters."""
        data = self.form.cleaned_data
        return super().filter_queryset(queryset.in_state(data["status"], data["at"]))
