"""Sign-in lockout: how failures are counted, and the page a locked-out person sees.

django-axes records every failed sign-in (``/ops/login`` and ``/admin/login`` both go
through ``django.contrib.auth.authenticate`` with the request) with the client's
address as ``config.client_ip`` reads it. Two bounds, both over the failures of the
last ``AXES_COOLOFF_TIME``:

- one user name from one address: ``AXES_FAILURE_LIMIT`` (5) wrong passwords lock
  that pair, so a forgetful officer locks only themself, and only on that device;
- one address, whatever the user names: ``SIGNIN_ADDRESS_FAILURE_LIMIT`` (20), which
  stops one machine guessing across many accounts.

axes compares one count with one limit, so the address's count is expressed in
units of the pair's limit (``address × pair_limit // address_limit`` reaches
``pair_limit`` exactly when the address reaches its own limit). A successful
sign-in forgets that user's failures from that address, never the address's others.
While locked out even the right password is refused, with :func:`lockout_response`.
"""

from __future__ import annotations

import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInAttemptsHandler(AxesDatabaseHandler):
    """axes's database handler with the pair bound and the looser address bound."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        recent = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        pair = _failures(recent.filter(username=username))
        pair_limit = get_failure_limit(request, credentials)
        address_limit = max(settings.SIGNIN_ADDRESS_FAILURE_LIMIT, 1)
        return max(pair, _failures(recent) * pair_limit // address_limit)

    def user_logged_in(
        self, sender: Any, request: Any, user: Any, **kwargs: Any
    ) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username=user.get_username(), ip_address=request.axes_ip_address
        ).delete()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """429 with a page in both languages saying how long to wait (``Retry-After``)."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(request, "web/lockout.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
