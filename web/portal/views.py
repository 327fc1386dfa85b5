"""The public results portal's pages: the landing map, the list and a report's page.

Anyone may read them, without signing in; the pages hold nothing that differs from
one visitor to the next (no session, no CSRF token, no user name), so each answer is
shared through ``config.public_cache`` per address and language. Which reports
appear is ``Report.objects.publicly_listed()``; their words and photos follow the
publication rule (``routing.reports.publication``), their facts the public JSON
(``routing.reports.public``). The map draws the clusters of
``/api/v1/public/clusters``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from analytics.public import headline_counts, public_page
from config.public_cache import public_cached
from geo.errors import InvalidInput
from routing.models.reports import report_publicly_listed
from routing.reports.actors import role_names
from routing.reports.listing import (
    FILTER_PARAMS,
    MAX_ROWS,
    public_filter_parse,
    resolved_select,
    whole_number,
)
from routing.reports.public import report_listed_json, report_public_json
from routing.reports.publication import (
    event_note_public,
)
from routing.reports.selectors import report_public_get
from web import labels
from web.i18n import page_in_english, vietnamese_first
from web.maps import map_config
from web.plan.views import PLAN_ZOOM
from web.portal.choices import (
    GROUP_COLOURS,
    category_names,
    group_labels,
    public_categories,
    status_groups,
    today_units,
)

if TYPE_CHECKING:
    from routing.reports.selectors import PublicReport

PAGE_SIZE = 20
# Pages one may go back through (listing.MAX_ROWS).
MAX_PAGE = MAX_ROWS // PAGE_SIZE
LATEST = 6
# Computed pages (cache misses) per client address (config.public_cache).
THROTTLE = ("public-pages", "PUBLIC_PAGE_RATE_PER_IP_MINUTE")


def _bad_request(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    """The filters' refusal, in both languages."""
    return render(
        request,
        "web/portal/bad_request.html",
        {"error": error},
        status=400,
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/portal/not_found.html", status=404)


def _row(report: Any) -> dict[str, Any]:
    """A list row: the public JSON plus the names in the page's language."""
    english = page_in_english()
    row = report_listed_json(report)
    row.update(
        category_name=report.category.name_en if english else report.category.name_vi,
        status_label=labels.status_label(report.status),
        reported=report.reported_at,
        resolved=report.resolved_at,
        url=reverse("web:portal-report", kwargs={"code": report.tracking_code}),
    )
    return row


@require_safe
@vietnamese_first
@public_cached(throttle=THROTTLE, page=True)
def landing(request: HttpRequest) -> HttpResponse:
    """``/ket-qua/``: the map, the headline counts and the latest results."""
    latest = [_row(r) for r in resolved_select()[:LATEST]]
    config = {
        "map": map_config(zoom=PLAN_ZOOM),  # the whole city, as /plan/ opens
        "urls": {
            "clusters": reverse("public-clusters"),
            "list": reverse("web:portal-list"),
        },
        "statuses": labels.status_labels(),
        "groups": group_labels(),
        "colours": GROUP_COLOURS,
        "status_groups": status_groups(),
        "categories": category_names(),
    }
    return TemplateResponse(
        request,
        "web/portal/landing.html",
        {
            "counts": headline_counts(),
            "latest": latest,
            "legend": [
                {"label": label, "colour": GROUP_COLOURS[group]}
                for group, label in group_labels().items()
            ],
            "page_config": config,
        },
    )


def _page_number(request: HttpRequest) -> int:
    return whole_number(request.GET.get("page"), "page", high=MAX_PAGE, default=1)


def _filter_values(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:40] for key in FILTER_PARAMS}


@require_safe
@vietnamese_first
@public_cached(params=(*FILTER_PARAMS, "page"), throttle=THROTTLE, page=True)
def report_list(request: HttpRequest) -> HttpResponse:
    """``/ket-qua/danh-sach``: the listed reports, filtered, 20 a page."""
    try:
        selection = public_filter_parse(request.GET)
        number = _page_number(request)
    except InvalidInput as error:
        return _bad_request(request, error)
    page = public_page(selection, number, PAGE_SIZE)
    values = _filter_values(request)
    kept = {key: value for key, value in values.items() if value}
    return TemplateResponse(
        request,
        "web/portal/list.html",
        {
            "rows": [_row(r) for r in page],
            "page": page,
            "count": page.paginator.count,
            "values": values,
            "units": today_units(),
            "categories": public_categories(),
            "groups": group_labels(),
            "query": urlencode(kept),
            "feed_query": urlencode(
                {k: v for k, v in kept.items() if k in ("unit", "category")}
            ),
        },
    )


def _photos(track: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    before = [p for p in track["photos"] if not p["of_resolution"]]
    after = [p for p in track["photos"] if p["of_resolution"]]
    return before, after


def _timeline(report: PublicReport) -> list[dict[str, Any]]:
    english = page_in_english()
    shown = []
    for event in report.public_events:
        vi, en = role_names(event.actor_role)
        shown.append(
            {
                "title": labels.event_label(event.kind, event.to_status),
                "actor": en if english else vi,
                "note": event_note_public(event),
                "at": event.at,
            }
        )
    return shown


@require_safe
@vietnamese_first
@public_cached(throttle=THROTTLE, page=True)
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/ket-qua/<code>``: what was reported, what was done, the photos before
    and after; a 404 for an unknown code and for a report not listed alike."""
    report = report_public_get(code=code)
    if report is None or not report_publicly_listed(report):
        return _not_found(request)
    if report.tracking_code != code:  # typed in another shape: one URL per report
        return HttpResponseRedirect(
            reverse("web:portal-report", kwargs={"code": report.tracking_code})
        )
    english = page_in_english()
    # Photo addresses as the storage gives them (no host: the page is shared
    # through the cache whatever Host the first visitor sent).
    track = report_public_json(report)
    before, after = _photos(track)
    return TemplateResponse(
        request,
        "web/portal/report.html",
        {
            "report": report,
            "track": track,
            "category_name": report.category.name_en
            if english
            else report.category.name_vi,
            "department_name": report.department.name_en
            if english
            else report.department.name_vi,
            "status_label": labels.status_label(report.status),
            "result_note": track["result_note"],
            "rating_label": labels.RATING.get(report.rating, ""),
            "events": _timeline(report),
            "before": before,
            "after": after,
            "page_config": {
                "map": map_config(
                    day=timezone.localdate(report.reported_at),
                    center=(track["location"]["lat"], track["location"]["lon"]),
                    zoom=16,
                    pin=[track["location"]["lat"], track["location"]["lon"]],
                )
            },
        },
    )


@csrf_exempt
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The portal's language switch: Django's ``set_language`` without the CSRF
    token, which a page shared through the cache cannot carry (choosing the
    language of somebody else's pages is no harm an attacker could want)."""
    return set_language(request)
