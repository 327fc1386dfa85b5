"""TEST-ONLY URLs: a public cached page that (wrongly) asks for a CSRF token, so the
CSRF middleware would set its cookie on an answer kept for everybody
(tests/web/test_portal_pages.py, ``PublicCookieGuard``)."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from config.public_cache import public_cached


@public_cached(page=True)
def token_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{len(get_token(request))}</p>")


urlpatterns = [path("token-page", token_page)]
