"""Read what Open311 publishes: categories with attributes, requests and updates.

Only reports of our jurisdiction are served. The latest public note (never one the
citizen wrote) and the first photo the public may see
(``routing.reports.publication``) come as subqueries, so a page of a thousand requests is one query (no
prefetch of every event); unit geometries are deferred, only names are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import F, OuterRef, Subquery

from api.models import ServiceAttribute
from geo.coords import BBox
from routing.models import Category, Report, ReportEvent, ReportPhoto
from routing.models.reports import ReportQuerySet
from routing.reports.publication import photo_public_q, public_notes_q

JURISDICTION_CODE = "44"  # Quảng Trị since 1/7/2025, Quảng Bình's reports included
MAX_RESULTS = 1000


def services_select() -> list[tuple[Category, bool]]:
    """Active categories, each with whether it has attributes (``metadata``)."""
    with_attributes = set(
        ServiceAttribute.objects.values_list("category_id", flat=True).distinct()
    )
    return [
        (category, category.pk in with_attributes)
        for category in Category.objects.filter(active=True).order_by("code")
    ]


def service_get(code: str) -> Category | None:
    """The active category with ``code`` (exact, as listed; a lower-case code from a
    client that changed case is accepted too)."""
    found = Category.objects.filter(active=True, code=code).first()
    return found or Category.objects.filter(active=True, code__iexact=code).first()


def attributes_of(category: Category) -> list[ServiceAttribute]:
    return list(category.open311_attributes.order_by("order", "id"))


def changeset() -> dt.datetime | None:
    """When a service definition last changed."""
    latest = ServiceAttribute.objects.order_by("-updated_at").first()
    return latest.updated_at if latest else None


def _published() -> ReportQuerySet:
    note = (
        ReportEvent.objects.filter(public_notes_q(), report=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    photo = ReportPhoto.objects.filter(
        photo_public_q(), report=OuterRef("pk")
    ).order_by("id")
    return (
        Report.objects.filter(jurisdiction_code=JURISDICTION_CODE)
        .select_related("category", "department", "unit__parent__parent")
        .defer("unit__geom", "unit__parent__geom", "unit__parent__parent__geom")
        .annotate(
            public_note=Subquery(note),
            first_photo=Subquery(photo.values("image")[:1]),
        )
    )


def requests_by_code(codes: Iterable[str]) -> list[Report]:
    """The requests with these tracking codes (normalised), newest first."""
    return list(
        _published()
        .filter(tracking_code__in=list(codes))
        .order_by("-reported_at", "-id")[:MAX_RESULTS]
    )


def requests_select(
    *,
    category_ids: Sequence[int] = (),
    start: dt.datetime,
    end: dt.datetime | None,
    statuses: Sequence[str] = (),
    bbox: BBox | None = None,
    offset: int = 0,
    limit: int = MAX_RESULTS,
) -> list[Report]:
    """Requests made in [start, end) (no end: up to now), newest first.

    ``statuses`` holds "open" and/or "closed"; ``bbox`` keeps the points inside or
    on the box.
    """
    reports = _published().reported_from(start)
    if end is not None:
        reports = reports.reported_before(end)
    if category_ids:
        reports = reports.with_categories(category_ids)
    wanted = set(statuses)
    if wanted == {"open"}:
        reports = reports.filter(status__in=Report.OPEN_STATUSES)
    elif wanted == {"closed"}:
        reports = reports.exclude(status__in=Report.OPEN_STATUSES)
    if bbox is not None:
        reports = reports.in_bbox(bbox)
    return list(reports.order_by("-reported_at", "-id")[offset : offset + limit])


def updates_select(*, start: dt.datetime, end: dt.datetime | None) -> list[ReportEvent]:
    """Public events in [start, end), oldest first, each with its report's tracking
    code and the report's status just after it."""
    status_then = (
        ReportEvent.objects.filter(report=OuterRef("report"), at__lte=OuterRef("at"))
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    events = ReportEvent.objects.filter(
        public=True,
        at__gte=start,
        report__jurisdiction_code=JURISDICTION_CODE,
    )
    if end is not None:
        events = events.filter(at__lt=end)
    return list(
        events.annotate(
            tracking_code=F("report__tracking_code"),
            rejection_reason=F("report__rejection_reason"),
            status_then=Subquery(status_then),
        ).order_by("at", "id")[:MAX_RESULTS]
    )
