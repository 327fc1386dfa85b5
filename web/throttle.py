"""The citizen pages count against the same per-address limits as the citizen API.

``/r/`` and ``/r/<code>`` answer anyone who holds or guesses a tracking code, so
they are throttled like the tracking API (``routing.reports.throttle``): signed-in
staff are not counted; beyond the limit a short bilingual page with ``Retry-After``
(HTTP 429) instead of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from config.client_ip import client_ip
from routing.reports.throttle import CitizenRateLimited, citizen_throttle

View = Callable[..., HttpResponse]


def citizen_throttled(view: View) -> View:
    """``view`` counted against the client address's citizen limits."""

    @wraps(view)
    def counted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            citizen_throttle(user=request.user, client_ip=client_ip(request))
        except CitizenRateLimited as limited:
            return _too_many(request, limited)
        return view(request, *args, **kwargs)

    return counted


def _too_many(request: HttpRequest, limited: CitizenRateLimited) -> HttpResponse:
    page = render_to_string(
        "web/too_many.html",
        {"vi": limited.vi, "en": limited.en, "path": request.path},
        request=request,
    )
    response = HttpResponse(page, status=429)
    response["Retry-After"] = str(limited.extra.get("retry_after", 60))
    return response
