"""Who may open the staff pages, and the links the header shows them.

The pages ask the policy the same questions as the API they call
(``routing.reports.access``): the queue and report pages need a role that sees
reports, the moderation queue and the intake desk the operations centre, the zone editor a routing officer,
the planners' map an analytics reader.
Anonymous visitors go to the sign-in page; signed-in users without the role get a
403 page that says why, in their language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from routing.reports.access import (
    may_edit_zones,
    may_read_analytics,
    may_review_publication,
    may_take_calls,
    may_work_queue,
)
from routing.reports.moderation import moderation_count

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def staff_page(
    allowed: Callable[..., bool], refusal: StrOrPromise
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a page view: sign-in first, then ``allowed(user)`` or a 403 page
    showing ``refusal`` (a lazily translated sentence)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


def staff_links(user: Any) -> list[dict[str, str]]:
    """The staff pages this user may open, for the header: name and URL."""
    links = []
    if may_work_queue(user):
        links.append({"name": _("Queue"), "url": reverse("web:ops-queue")})
    if may_review_publication(user):
        # With the number of reports waiting (routing.reports.moderation).
        links.append(
            {
                "name": _("Moderation (%(count)s)") % {"count": moderation_count(user)},
                "url": reverse("web:ops-moderation"),
            }
        )
    if may_take_calls(user):
        links.append({"name": _("Intake desk"), "url": reverse("web:ops-intake")})
    if may_edit_zones(user):
        links.append({"name": _("Zones"), "url": reverse("web:zones")})
    if may_read_analytics(user):
        links.append({"name": _("Planning"), "url": reverse("web:plan")})
    return links
