"""The public view of a report: what anyone holding the tracking code may read.

Never who reported it: no name, phone or e-mail, no internal event, the place
rounded to about ten metres. The citizen's words and photos only as the publication
rule allows (``routing.reports.publication``): the approved public text (else an
empty ``description``), the photos chosen for the public, no note the citizen
wrote. The tracking API and the citizen's tracking page both show this, so it
lives below them.
Photo addresses are made absolute by the caller's ``absolute`` (an HTTP request's
``build_absolute_uri``); without one they stay as the storage gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

from django.utils import timezone

from routing.citizens.follow import supporters
from routing.intake.duplicates import PUBLIC_DECIMALS
from routing.models import Report, ReportPhoto
from routing.reports.photo_urls import media_path
from routing.reports.publication import (
    description_public,
    event_note_public,
    photos_public,
    result_note_public,
)

if TYPE_CHECKING:
    from routing.reports.selectors import PublicReport

UrlBuilder = Callable[[str], str]


def public_point(lon: float, lat: float) -> tuple[float, float]:
    """A place as the public sees it: rounded to ``PUBLIC_DECIMALS`` (about ten
    metres), on every public surface (a report's page and JSON, the portal's list,
    the map's single reports)."""
    return round(lon, PUBLIC_DECIMALS), round(lat, PUBLIC_DECIMALS)


def _location(report: Report) -> dict[str, float]:
    lon, lat = public_point(report.location.x, report.location.y)
    return {"lon": lon, "lat": lat}


def _as_is(path: str) -> str:
    return path


@overload
def local_iso(moment: dt.datetime) -> str: ...
@overload
def local_iso(moment: dt.datetime | None) -> str | None: ...
def local_iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in local time (+07:00), whatever the active time zone."""
    return timezone.localtime(moment).isoformat() if moment else None


def photo_public_json(photo: ReportPhoto, *, absolute: UrlBuilder = _as_is) -> dict:
    """A photo as the public sees it: the EXIF-free copy and its thumbnail."""
    return {
        "url": absolute(media_path(photo.image)),
        "thumbnail_url": absolute(media_path(photo.thumbnail)),
        "width": photo.width,
        "height": photo.height,
        "of_resolution": photo.of_resolution,
    }


def report_category_json(report: Report) -> dict[str, str]:
    category = report.category
    return {
        "code": category.code,
        "name_vi": category.name_vi,
        "name_en": category.name_en,
    }


def report_unit_json(report: Report) -> dict[str, str]:
    return {"code": report.unit.code, "name": report.unit.name}


def report_public_json(
    report: PublicReport, *, absolute: UrlBuilder = _as_is
) -> dict[str, Any]:
    """A report with its public events prefetched (``report_public_get``), as
    anyone holding its tracking code may read it."""
    department = report.department
    return {
        "tracking_code": report.tracking_code,
        "status": {
            "code": report.status,
            "name": Report.Status(report.status).label,
        },
        "category": report_category_json(report),
        "unit": report_unit_json(report),
        "department": {"name_vi": department.name_vi, "name_en": department.name_en},
        "location": _location(report),
        "urgent": report.urgent,
        # "Me too": citizens who follow it (routing.citizens.follow), as support.
        "supporters": supporters(report),
        "description": description_public(report),
        "result_note": result_note_public(report),
        "reported_at": local_iso(report.reported_at),
        "due_at": local_iso(report.due_at),
        "resolved_at": local_iso(report.resolved_at),
        "closed_at": local_iso(report.closed_at),
        "events": [
            {
                "kind": e.kind,
                "status": e.to_status,
                "note": event_note_public(e),
                "at": local_iso(e.at),
            }
            for e in report.public_events
        ],
        "photos": [
            photo_public_json(photo, absolute=absolute)
            for photo in photos_public(report)
        ],
    }


def report_listed_json(report: Report) -> dict[str, Any]:
    """A report as a row of the public portal's list and JSON (one of
    ``Report.objects.publicly_listed()``, names selected): no events, no photos,
    no supporters count (a query each), the rest as ``report_public_json``; the
    result note once it is resolved or closed."""
    department = report.department
    return {
        "tracking_code": report.tracking_code,
        "status": {"code": report.status, "name": Report.Status(report.status).label},
        "category": report_category_json(report),
        "unit": report_unit_json(report),
        "department": {"name_vi": department.name_vi, "name_en": department.name_en},
        "location": _location(report),
        "description": description_public(report),
        "result_note": result_note_public(report),
        "rating": report.rating or None,
        "reported_at": local_iso(report.reported_at),
        "resolved_at": local_iso(report.resolved_at),
        "closed_at": local_iso(report.closed_at),
    }
