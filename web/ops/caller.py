"""``POST /ops/intake/caller`` (``phone``, ``lon``, ``lat`` in a JSON or form body):
the intake desk's lookup of a caller.

A POST, not a GET, so callers' phone numbers stay out of URLs and so out of access
logs and browser history (a GET answers 405); the answer is ``no-store``. The desk's
page (``static/web/js/ops-intake.js``) asks it when the operator has typed
the caller's phone and when a place is chosen: the reports that phone filed or
follows (``routing.intake.desk.caller_reports``) and the open reports near the place
(``open_reports_near``). JSON for the operations centre only (callers' phones and
reports): anonymous 401, other roles 403, a bad phone 400, each with both messages.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from geo.coords import LonLat, parse_lon_lat
from geo.errors import BilingualError, Forbidden, GeoInputError
from routing.intake.desk import caller_reports, open_reports_near
from routing.intake.inputs import phone_normalise
from routing.models import Report
from routing.reports.access import may_take_calls
from web import labels
from web.i18n import page_in_english, vietnamese_first


def department_name(report: Report) -> str:
    """The report's department in the page's language."""
    department = report.department
    return department.name_en if page_in_english() else department.name_vi


def report_row(report: Report, **extra: Any) -> dict[str, Any]:
    """A report as the desk lists it (staff only: the description is shown)."""
    return {
        "code": report.tracking_code,
        "url": reverse("web:ops-report", kwargs={"code": report.tracking_code}),
        "status": report.status,
        "status_label": str(labels.status_label(report.status)),
        "category": report.category.name_en
        if page_in_english()
        else report.category.name_vi,
        "unit": report.unit.name if report.unit_id else "",
        "reported_at": timezone.localtime(report.reported_at).isoformat(),
        "reported_at_shown": timezone.localtime(report.reported_at).strftime(
            "%d/%m/%Y %H:%M"
        ),
        "description": report.description[:160],
        "open": report.is_open,
        **extra,
    }


def _json_error(error: BilingualError, status: int) -> JsonResponse:
    return JsonResponse(
        {
            "code": error.code,
            "detail": error.en,
            "messages": {"vi": error.vi, "en": error.en},
            "field": error.field,
        },
        status=status,
    )


def _body(request: HttpRequest) -> dict[str, str]:
    """The lookup's fields from a JSON object or a form body (strings, cut short)."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
    else:
        data = request.POST
    return {
        name: str(data.get(name) or "")[:40]
        for name in ("phone", "lon", "lat")
        if isinstance(data.get(name) or "", str | int | float)
    }


def _place(body: dict[str, str]) -> LonLat | None:
    """The place chosen, when the body has a valid one (it may have none yet)."""
    try:
        return parse_lon_lat(body.get("lon"), body.get("lat"))
    except GeoInputError:
        return None


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@vietnamese_first
def caller_view(request: HttpRequest) -> JsonResponse:
    """``POST /ops/intake/caller``: the caller's earlier reports (by phone, filed or
    followed) and the open reports near the place (any category). Operations
    centre only: it answers with callers' reports."""
    return _no_store(_caller(request))


def _caller(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _json_error(
            Forbidden(
                "not_authenticated",
                "Hãy đăng nhập.",
                "Sign in first.",
            ),
            401,
        )
    if not may_take_calls(request.user):
        return _json_error(
            Forbidden(
                "not_allowed",
                "Chỉ trung tâm điều hành được tra cứu người gọi.",
                "Only the operations centre may look callers up.",
            ),
            403,
        )
    body = _body(request)
    try:
        phone = phone_normalise(body.get("phone", ""))
    except BilingualError as error:
        return _json_error(error, 400)
    place = _place(body)
    nearby = (
        [
            report_row(n.report, distance_m=n.distance_m)
            for n in open_reports_near(lon=place.lon, lat=place.lat)
        ]
        if place is not None
        else []
    )
    return JsonResponse(
        {
            "phone": phone,
            "reports": [
                report_row(c.report, relation=c.relation) for c in caller_reports(phone)
            ],
            "nearby": nearby,
        }
    )
