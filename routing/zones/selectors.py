"""Reads of zones for the API and the pages (no HTTP here)."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from django.utils import timezone

from geo.coords import BBox
from routing.models import Category, Department, ResponsibilityZone


def zones_select(
    *,
    zone_status: str | None,
    at: dt.datetime | None,
    category: Category | None,
    department: Department | None,
    bbox: BBox | None,
) -> QuerySet[ResponsibilityZone]:
    """Zones for the list: drafts, those in force at ``at``, or (neither given) the
    zones in force now plus every draft."""
    zones = ResponsibilityZone.objects.select_related("department").prefetch_related(
        "categories"
    )
    if zone_status == ResponsibilityZone.Status.DRAFT:
        zones = zones.drafts()
    elif zone_status == ResponsibilityZone.Status.PUBLISHED or at is not None:
        zones = zones.valid_at(at or timezone.now())
    else:
        zones = zones.valid_at(timezone.now()) | zones.drafts()
    if category is not None:
        zones = zones.filter(categories=category)
    if department is not None:
        zones = zones.filter(department=department)
    if bbox is not None:
        zones = zones.filter(geom__intersects=Polygon.from_bbox(bbox.as_tuple()))
    # One category and one department per filter: the joins add no duplicate rows.
    return zones
