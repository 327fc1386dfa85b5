"""Django's last answer to an exception no view answered (``handler500``).

A lost database connection (``api.outage``) is a 503 with Retry-After: the API's
JSON error body under the API's paths (an outage met outside a DRF view, in a
middleware), a bilingual page everywhere else. The page needs no database (no
session, no user, no context processors), since there is none. Anything else is
Django's own 500.
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

from api.errors import ApiError
from api.outage import database_outage

API_PREFIXES = ("/api/", "/open311/", "/tiles/")


def server_error(request: HttpRequest) -> HttpResponse:
    """Called by Django inside its ``except`` block: ``sys.exc_info`` is the error."""
    outage = database_outage(sys.exc_info()[1])
    if outage is None:
        return django_server_error(request)
    response: HttpResponse
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse(ApiError.from_error(outage).payload(), status=503)
    else:
        page = render_to_string(
            "web/unavailable.html",
            {"vi": outage.vi, "en": outage.en, "path": request.get_full_path()},
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(outage.extra["retry_after"])
    return response
