"""Citizen pages: report a problem on the map (``/``) and follow it (``/r/<code>``).

The pages hold no rules of their own. The report form posts to the reports API from
the browser (``static/web/js/report.js``) and shows its bilingual errors; the tracking
page reads the report through the same selector and public view
(``routing.reports.public``) as the tracking API, and its rating and
add-information forms post to the citizen endpoints with the reporter's receipt
secret, which the page reads from its address's fragment (``#k=…``, never sent to
the server with the page) or from a field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from routing.citizens.follow import follows
from routing.citizens.identity import citizen_of
from routing.intake.inputs import MAX_DESCRIPTION
from routing.intake.photos import FORMATS
from routing.models import Category, Report
from routing.reports.public import report_public_json
from routing.reports.publication import event_note_public
from routing.reports.selectors import report_public_get
from web import labels
from web.i18n import page_in_english, vietnamese_first
from web.maps import map_config
from web.throttle import citizen_throttled

if TYPE_CHECKING:
    from routing.reports.selectors import PublicReport

TRACK_PLACEHOLDER = "HT-CODE"


def category_choices(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    """Categories for a picker or a filter, grouped as in ``labels.GROUP_STYLE`` and
    alphabetical within a group, in the page's language: the active ones, or every
    one with ``include_inactive`` (old reports keep retired categories)."""
    order = {group: index for index, group in enumerate(labels.GROUP_STYLE)}
    english = page_in_english()
    choices: list[dict[str, Any]] = []
    categories = Category.objects.all()
    if not include_inactive:
        categories = categories.filter(active=True)
    for category in categories:
        colour, icon = labels.category_style(group=category.group, icon=category.icon)
        choices.append(
            {
                "code": category.code,
                "name": category.name_en if english else category.name_vi,
                "hint": category.description_en if english else category.description_vi,
                "group": category.group or "other",
                "sensitive": category.sensitive,
                "colour": colour,
                "icon": icon,
            }
        )
    choices.sort(key=lambda c: (order.get(c["group"], len(order)), c["name"]))
    return choices


def track_url(code: str) -> str:
    return reverse("web:track", kwargs={"code": code})


def _follow_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    """The "me too" button: for a verified citizen on an open report not theirs."""
    citizen = citizen_of(request)
    if citizen is None:
        return {"can_follow": False, "citizen_signed_out": True}
    return {
        "can_follow": report.is_open and not report.filed_by(citizen.phone),
        "following": follows(report, citizen.phone),
        "citizen_signed_out": False,
    }


@method_decorator(vietnamese_first, name="dispatch")
class ReportFormView(TemplateView):
    """``/``: drop a pin, pick a category, see who will handle it, send."""

    template_name = "web/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        categories = category_choices()
        context["categories"] = categories
        context["max_description"] = MAX_DESCRIPTION
        context["max_photos"] = settings.REPORT_MAX_PHOTOS
        context["max_photo_mb"] = settings.REPORT_MAX_PHOTO_BYTES // (1024 * 1024)
        context["photo_types"] = ",".join(FORMATS.values())
        context["page_config"] = {
            "map": map_config(),
            "limits": {
                "description": MAX_DESCRIPTION,
                "photos": settings.REPORT_MAX_PHOTOS,
                "photo_bytes": settings.REPORT_MAX_PHOTO_BYTES,
                "photo_types": list(FORMATS.values()),
            },
            "urls": {
                "submit": reverse("reports"),
                "explain": reverse("routing-explain"),
                "nearby": reverse("reports-nearby"),
                "lookup": reverse("boundary-lookup"),
                "places": reverse("places-search"),
                "reverse": reverse("places-reverse"),
                "track": track_url(TRACK_PLACEHOLDER),
                "track_placeholder": TRACK_PLACEHOLDER,
            },
            "statuses": labels.status_labels(),
        }
        return context


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(citizen_throttled, name="dispatch")
class TrackLookupView(TemplateView):
    """``/r/``: type a tracking code; ``?code=`` goes to its page when it exists."""

    template_name = "web/track_lookup.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = request.GET.get("code", "").strip()
        if code:
            report = report_public_get(code=code)
            if report is not None:
                return HttpResponseRedirect(track_url(report.tracking_code))
            return self.render_to_response(
                self.get_context_data(code=code, not_found=True), status=404
            )
        return super().get(request, *args, **kwargs)


@method_decorator(vietnamese_first, name="dispatch")
@method_decorator(citizen_throttled, name="dispatch")
class TrackView(TemplateView):
    """``/r/<code>``: status, timeline, deadline, map, photos; the form to add
    information while the report is open and the rating form once it is resolved
    (both for the reporter, with the receipt secret)."""

    template_name = "web/track.html"

    def get(
        self, request: HttpRequest, *args: Any, code: str, **kwargs: Any
    ) -> HttpResponse:
        report = report_public_get(code=code)
        if report is None:
            lookup = TrackLookupView()
            lookup.setup(request)
            context = lookup.get_context_data(code=code, not_found=True)
            return lookup.render_to_response(context, status=404)
        if report.tracking_code != code:  # typed in another shape: one URL per report
            return HttpResponseRedirect(track_url(report.tracking_code))
        return self.render_to_response(self.get_context_data(report=report))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report: PublicReport = context["report"]
        english = page_in_english()
        track = report_public_json(report, absolute=self.request.build_absolute_uri)
        colour, icon = labels.category_style(
            group=report.category.group, icon=report.category.icon
        )
        context.update(
            {
                "track": track,
                "category_name": report.category.name_en
                if english
                else report.category.name_vi,
                "category_colour": colour,
                "category_icon": icon,
                "department_name": report.department.name_en
                if english
                else report.department.name_vi,
                "status_label": labels.status_label(report.status),
                "events": [
                    {
                        "title": labels.event_label(event.kind, event.to_status),
                        "status": event.to_status,
                        "note": event_note_public(event),
                        "at": event.at,
                    }
                    for event in report.public_events
                ],
                "overdue": bool(
                    report.due_at and report.is_open and report.due_at < timezone.now()
                ),
                "can_rate": report.status == Report.Status.RESOLVED,
                **_follow_context(self.request, report),
                "can_add_info": report.is_open,
                "ratings": list(labels.RATING.items()),
                "rating_label": labels.RATING.get(report.rating, ""),
                "page_config": {
                    "map": map_config(
                        # The outlines in force when it was reported: the unit it
                        # was routed to, even after a boundary reform.
                        day=timezone.localdate(report.reported_at),
                        center=(track["location"]["lat"], track["location"]["lon"]),
                        # Street level over a basemap; without one, the ward around.
                        zoom=16 if settings.MAP_TILES_URL else 14,
                        pin=[track["location"]["lat"], track["location"]["lon"]],
                    ),
                    "code": report.tracking_code,
                    "urls": {
                        "rating": reverse(
                            "report-rating", kwargs={"code": report.tracking_code}
                        ),
                        "info": reverse(
                            "report-info", kwargs={"code": report.tracking_code}
                        ),
                    },
                },
            }
        )
        return context
