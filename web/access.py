"""Who may open the staff pages, and the links the header shows them.

The pages ask the same questions as the API they call: the queue and report pages
need a role that sees reports (``routing.reports.roles``), the zone editor a routing officer,
the planners' map an analytics reader. Anonymous visitors go to the sign-in page;
signed-in users without the role get a 403 page that says why, in their language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from api.analytics.permissions import READERS
from api.routing.permissions import is_routing_officer
from routing.reports import lifecycle
from routing.reports.roles import role_of

QUEUE_ROLES = frozenset(
    {
        lifecycle.ADMIN,
        lifecycle.IOC_OPERATOR,
        lifecycle.DEPARTMENT_OFFICER,
        lifecycle.UNIT_OFFICER,
    }
)


def may_work_queue(user) -> bool:
    return role_of(user) in QUEUE_ROLES


def may_edit_zones(user) -> bool:
    return is_routing_officer(user)


def may_plan(user) -> bool:
    return role_of(user) in READERS


def staff_page(allowed: Callable[..., bool], refusal: str) -> Callable:
    """Decorate a page view: sign-in first, then ``allowed(user)`` or a 403 page
    showing ``refusal`` (a lazily translated sentence)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("web:login"))
            if not allowed(request.user):
                return render(
                    request,
                    "web/forbidden.html",
                    {"refusal": refusal},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def staff_links(user) -> list[dict[str, str]]:
    """The staff pages this user may open, for the header: name and URL."""
    links = []
    if may_work_queue(user):
        links.append({"name": _("Queue"), "url": reverse("web:ops-queue")})
    if may_edit_zones(user):
        links.append({"name": _("Zones"), "url": reverse("web:zones")})
    if may_plan(user):
        links.append({"name": _("Planning"), "url": reverse("web:plan")})
    return links
