"""Our categories, attributes, reports and events in GeoReport v2 fields.

Each function returns plain dicts and lists in the order the spec lists the fields;
the renderers make JSON or XML of them. What is published is chosen here, field by
field: never the reporter's name, phone, e-mail, device or account, and the point is
rounded like public tracking (``routing.intake.duplicates.PUBLIC_DECIMALS``, about 11 m).
The citizen's words and photo follow the publication rule
(``routing.reports.publication``): ``description`` is the text the operations
centre approved for the public (none otherwise, and none for a rejected report: it
may be abusive, or a complaint or denunciation that the law keeps confidential),
``media_url`` a photo chosen for the public, and a note the citizen wrote (a
rating's comment) is never an update's description.

Status: the spec knows ``open`` and ``closed`` (closed: it has been resolved); our
own status goes along as ``detailed_status``. Service request updates (mySociety's
extension) use the extended statuses FixMyStreet understands. Datetimes are W3C
ISO 8601 in Asia/Ho_Chi_Minh, whole seconds, with the +07:00 offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from api.models import ServiceAttribute
from boundaries.models import AdminUnit
from routing.intake.duplicates import PUBLIC_DECIMALS
from routing.models import Category, Report
from routing.reports.publication import (
    description_public,
    event_note_public,
    note_public,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
# The discovery changeset before any service definition was edited.
EPOCH = dt.datetime(2025, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))

GROUPS = {
    "urban": ("Đô thị", "Urban order"),
    "environment": ("Môi trường", "Environment"),
    "infrastructure": ("Hạ tầng", "Infrastructure"),
    "utilities": ("Điện, nước", "Utilities"),
    "security": ("An ninh, an toàn", "Safety and security"),
    "administration": ("Hành chính", "Administration"),
    "social": ("Xã hội", "Social services"),
    "economy": ("Kinh tế", "Economy"),
    "other": ("Khác", "Other"),
}

STATUS_NAMES = {
    "received": ("Đã tiếp nhận", "Received"),
    "assigned": ("Đã chuyển cơ quan xử lý", "Sent to the responsible agency"),
    "in_progress": ("Đang xử lý", "In progress"),
    "resolved": ("Đã xử lý xong", "Resolved"),
    "closed": ("Đã đóng", "Closed"),
    "rejected": ("Không tiếp nhận", "Not accepted"),
    "duplicate": ("Trùng với một phản ánh khác", "Duplicate of another report"),
    "reopened": ("Đã mở lại", "Reopened"),
}

# Our status → the extended statuses of FixMyStreet's Open311 updates.
UPDATE_STATUSES = {
    "received": "open",
    "assigned": "open",
    "reopened": "open",
    "in_progress": "in_progress",
    "resolved": "fixed",
    "closed": "closed",
    "duplicate": "duplicate",
}


def w3c(moment: dt.datetime | None) -> str | None:
    """2025-07-12T09:30:00+07:00, or None."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _pick(lang: str, vi: str, en: str) -> str:
    return (en or vi) if lang == "en" else vi


def open_or_closed(status: str) -> str:
    return "open" if status in Report.OPEN_STATUSES else "closed"


def update_status(status: str, rejection_reason: str = "") -> str:
    if status == Report.Status.REJECTED:
        if rejection_reason == Report.RejectionReason.OUT_OF_SCOPE:
            return "not_councils_responsibility"
        return "no_further_action"
    return UPDATE_STATUSES.get(status, open_or_closed(status))


# Services --------------------------------------------------------------------------


def _group_names(category: Category) -> tuple[str, str]:
    return GROUPS.get(category.group, (category.group, category.group))


def service_json(category: Category, *, has_attributes: bool, lang: str) -> dict:
    group_vi, group_en = _group_names(category)
    keywords: list[str] = []
    for word in (category.code, category.name_vi, category.name_en, group_vi, group_en):
        if word and word not in keywords:
            keywords.append(word)
    return {
        "service_code": category.code,
        "service_name": _pick(lang, category.name_vi, category.name_en),
        "description": _pick(lang, category.description_vi, category.description_en),
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": _pick(lang, group_vi, group_en) or None,
    }


def attribute_json(attribute: ServiceAttribute, *, lang: str) -> dict:
    names = attribute.value_names(lang)
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": _pick(
            lang, attribute.datatype_description, attribute.datatype_description_en
        )
        or None,
        "order": attribute.order,
        "description": _pick(lang, attribute.description, attribute.description_en),
        "values": [{"key": key, "name": name} for key, name in names.items()],
    }


def definition_json(
    category: Category, attributes: list[ServiceAttribute], *, lang: str
) -> dict:
    return {
        "service_code": category.code,
        "attributes": [attribute_json(a, lang=lang) for a in attributes],
    }


# Requests --------------------------------------------------------------------------


def address(report: Report) -> str:
    """The unit and the units above it, most specific first: "Phường Đồng Hới,
    Tỉnh Quảng Trị"."""
    names: list[str] = []
    unit: AdminUnit | None = report.unit
    depth = 0
    while unit is not None and depth < 3:  # the levels the selector joins
        names.append(unit.name)
        unit, depth = unit.parent, depth + 1
    return ", ".join(names)


def _due(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else ""


def service_notice(report: Report, *, lang: str) -> str:
    """What will happen: who handles it and by when, or how it ended."""
    agency = _pick(lang, report.department.name_vi, report.department.name_en)
    if report.status in Report.OPEN_STATUSES:
        due = _due(report.due_at)
        if lang == "en":
            return f"{agency} is handling this request" + (
                f"; expected by {due}." if due else "."
            )
        return f"{agency} đang xử lý phản ánh này" + (
            f"; hạn xử lý {due}." if due else "."
        )
    vi, en = STATUS_NAMES.get(report.status, (report.status, report.status))
    return _pick(lang, vi, en) + "."


def request_json(
    report: Report, *, lang: str, media_url: Callable[[str], str]
) -> dict[str, Any]:
    """One service request as anyone may read it.

    ``report`` comes from ``api.open311.selectors`` with ``public_note`` (the latest
    public note) and ``first_photo`` (the first public photo's file name) annotated.
    """
    photo = getattr(report, "first_photo", None)
    return {
        "service_request_id": report.tracking_code,
        "status": open_or_closed(report.status),
        "detailed_status": report.status,
        "status_notes": note_public(getattr(report, "public_note", None) or "") or None,
        "service_name": _pick(lang, report.category.name_vi, report.category.name_en),
        "service_code": report.category.code,
        "description": description_public(report) or None,
        "agency_responsible": _pick(
            lang, report.department.name_vi, report.department.name_en
        ),
        "service_notice": service_notice(report, lang=lang),
        "requested_datetime": w3c(report.reported_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.due_at),
        "address": address(report),
        "address_id": None,
        "zipcode": None,
        "lat": round(report.location.y, PUBLIC_DECIMALS),
        "long": round(report.location.x, PUBLIC_DECIMALS),
        "media_url": media_url(photo) if photo else None,
    }


def created_json(report: Report, *, lang: str) -> dict[str, Any]:
    """The answer to a POST: the id at once (we are a realtime service)."""
    notice = service_notice(report, lang=lang)
    track = (
        f" Track it with the code {report.tracking_code}."
        if lang == "en"
        else f" Theo dõi bằng mã {report.tracking_code}."
    )
    return {
        "service_request_id": report.tracking_code,
        "service_notice": notice + track,
        "account_id": None,
    }


def token_json(report: Report) -> dict[str, str]:
    return {"service_request_id": report.tracking_code, "token": report.tracking_code}


def update_json(event: Any) -> dict[str, Any]:
    """One public event as a mySociety service request update.

    ``event`` carries ``tracking_code``, ``status_then`` (the report's status after
    the event) and ``rejection_reason`` (annotated by the selector).
    """
    return {
        "update_id": str(event.pk),
        "service_request_id": event.tracking_code,
        "status": update_status(event.status_then or "", event.rejection_reason),
        "updated_datetime": w3c(event.at),
        "description": event_note_public(event),
    }
