"""``/ket-qua/xep-hang``: the public scorecards of units (wards, communes) or
departments for whole months: a ranking table (sortable in the browser, rates shown
as "—" under ``MIN_COUNT`` resolved or rated reports) and a choropleth of today's
units by on-time rate (``static/web/js/portal-scores.js``, outlines from the
boundaries API).

The page is the same for every visitor in a language: it extends the portal's base
template (no user name, no CSRF token; the language switch posts to the portal's
token-free ``/ket-qua/ngon-ngu``), and is kept in the shared public cache
(``config.public_cache``) per language: the language is chosen first
(``vietnamese_first``), then the cache is asked. A computed page (a miss) counts
in the scorecards' per-address bucket, as the JSON does
(``SCORECARD_RATE_PER_IP_MINUTE``, through ``public_cached``). Figures: ``analytics.scorecards``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from analytics.scorecards import (
    MIN_COUNT,
    Period,
    level_parse,
    period_parse,
    scorecards,
)
from config.public_cache import public_cached
from geo.errors import InvalidInput
from web.i18n import page_in_english, vietnamese_first
from web.maps import map_config

TEMPLATE = "web/portal_scores/scores.html"
# The whole province on one screen.
ZOOM = 10


def _decimal(text: str) -> str:
    """A number's text with the page language's decimal mark."""
    return text if page_in_english() else text.replace(".", ",")


def _percent(rate: float | None) -> str:
    return "—" if rate is None else _decimal(f"{rate * 100:.1f} %")


def _hours(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours >= 48:
        return _("%(n)s days") % {"n": _decimal(f"{hours / 24:.1f}")}
    return _("%(n)s hours") % {"n": _decimal(f"{hours:.1f}")}


def _row(card: dict[str, Any]) -> dict[str, Any]:
    """A scorecard as the table shows it: texts, and the values it sorts by."""
    on_time, satisfaction, reopen = (
        card["on_time"],
        card["satisfaction"],
        card["reopen"],
    )
    name = (
        card["name"] if not page_in_english() else card.get("name_en") or card["name"]
    )
    return {
        "card": card,
        "name": name,
        "on_time": _percent(on_time["rate"]),
        "median": _hours(card["median_hours"]),
        "satisfied": _percent(satisfaction["satisfied"]),
        "reopen": _percent(reopen["rate"]),
    }


def _context(period: Period, level: str) -> dict[str, Any]:
    data = scorecards(period=period, level=level)
    return {
        "rows": [_row(card) for card in data["rows"]],
        "total": _row({**data["total"], "name": _("All"), "name_en": _("All")}),
        "level": level,
        "period": period,
        "first_day": period.first,
        "last_day": period.after - dt.timedelta(days=1),
        "min_count": MIN_COUNT,
        "error_percent": _decimal(f"{data['max_relative_error'] * 100:.2f}"),
        "page_config": {
            "map": map_config(zoom=ZOOM),
            "level": level,
            "min_count": MIN_COUNT,
            "units_url": reverse("boundary-units"),
            "rows": [
                {
                    "code": c["code"],
                    "current": c.get("current", False),
                    "name": c["name"],
                    "received": c["received"],
                    "rejected": c["rejected"],
                    "resolved": c["resolved"],
                    "on_time": c["on_time"],
                    "median_hours": c["median_hours"],
                    "satisfaction": c["satisfaction"],
                    "reopen": c["reopen"],
                }
                for c in data["rows"]
            ],
        },
    }


@require_safe
@vietnamese_first
@public_cached(
    params=("from", "to", "level"),
    throttle=("public-scorecards", "SCORECARD_RATE_PER_IP_MINUTE"),
    page=True,
)
def scorecards_page(request: HttpRequest) -> HttpResponse:
    """The page in the visitor's language (by the language cookie), from the shared
    cache when it holds it; a computed page counts in the scorecards' bucket per
    address, as the JSON does."""
    query = request.GET
    try:
        period = period_parse(query.get("from"), query.get("to"))
        level = level_parse(query.get("level"))
    except InvalidInput as error:
        context = {
            "error": error,
            "english": page_in_english(),
            "level": "unit",
        }
        return TemplateResponse(request, TEMPLATE, context, status=400)
    return TemplateResponse(request, TEMPLATE, _context(period, level))
