"""Staff sign-in and sign-out (Django's own views, in the pages' look and language),
and ``/ops/home``, where a fresh sign-in lands: the first staff page the user may open.

The sign-in form calls ``authenticate(request, …)`` with the request, which is what
lets django-axes count failures per user name and address and refuse sign-ins
during a lockout (``web.lockout``, the same for ``/admin/login``)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.decorators import method_decorator

from web.access import staff_links
from web.i18n import vietnamese_first


@method_decorator(vietnamese_first, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "web:report"


def staff_home(request: HttpRequest) -> HttpResponse:
    links = staff_links(request.user) if request.user.is_authenticated else []
    return HttpResponseRedirect(links[0]["url"] if links else "/")
