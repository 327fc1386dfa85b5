"""Shared caching of the public portal's answers (pages and JSON), so that a
news-driven spike of visitors reaches Redis, not the database.

A public answer is the same for every visitor who asks in the same language: it
carries no personal data, no CSRF token and no session. ``public_cached`` keeps a
200 answer (its body, type and strong ETag) in the default cache for
``PUBLIC_CACHE_SECONDS`` under its path, the view's KNOWN parameters in a fixed
order (``params``; any other parameter is ignored, so ``?x=<random>`` is the same
entry, not a forced miss) or a ``key`` function of the view's own (the map's
snapped box), and the language. It answers ``If-None-Match`` with 304 whether the
body came from the cache or was just made. ``X-Cache: hit|miss`` says which (the
bench and the tests read it).

Who else may keep a copy (``page``):

- JSON (``page=False``): the language comes from ``Accept-Language``, so the answer
  is ``Cache-Control: public, max-age`` with ``Vary: Accept-Language``; browsers and
  proxies may share it.
- HTML pages (``page=True``): the language comes from the language cookie only
  (``web.i18n``), so the answer is ``Vary: Cookie`` and ``Cache-Control: private,
  max-age``: a Cookie header differs from one visitor to the next, so a proxy could
  not share it usefully, and a browser must not show the old language after the
  switch. The server's cache (Redis) still keeps one copy per language and serves
  everybody from it.

Every computed answer (a miss, whatever its status: an unknown code is a miss too)
counts in a per-address bucket when ``throttle`` names one (``(bucket, setting)``;
``routing.reports.throttle.minute_throttle``); beyond it, a bilingual 429 with
``Retry-After``. Hits are not counted: they cost a Redis read.

Answers are marked (``PUBLIC_MARK`` on the response) so that
:class:`PublicCookieGuard`, the outermost middleware, drops any cookie a later
middleware (CSRF, session) would add to an answer kept for everybody, and logs it
(or raises, with ``PUBLIC_COOKIES_RAISE``, as the tests do).

A publication change (a report published, hidden, resolved) shows on the portal
within ``PUBLIC_CACHE_SECONDS`` at most: the entries are not invalidated, they
expire. That delay is accepted (a minute by default).

When Redis is down the view is simply run (fail open: a public page is never worth
an error). ``PUBLIC_CACHE_SECONDS = 0`` turns the cache off, which is the bench's
"uncached path"; the conditional headers stay.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

log = logging.getLogger(__name__)

View = Callable[..., HttpResponse]
KeyFunction = Callable[[HttpRequest], str]
# The attribute marking an answer as kept for everybody ("page" or "json"), read by
# PublicCookieGuard.
PUBLIC_MARK = "public_shared"


def query_key(request: HttpRequest, params: Sequence[str]) -> str:
    """The known parameters, in the order given, as the view reads them (the last
    value of each); unknown ones left out."""
    return "&".join(f"{name}={request.GET.get(name, '')}" for name in params)


def known_only(request: HttpRequest, params: Sequence[str]) -> None:
    """Leave the view only the known parameters (the last value of each), in the
    query string too: a page that writes its own address (the language switch's
    ``next``) must not keep one visitor's extra parameters for everybody."""
    kept = QueryDict(mutable=True)
    for name in params:
        if name in request.GET:
            kept.setlist(name, [request.GET.get(name, "")])
    query = kept.urlencode()
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def _key(request: HttpRequest, query: str) -> str:
    """One entry per path, known query and language."""
    raw = f"{request.path}?{query}|{get_language()}"
    return "public:v2:" + hashlib.sha256(raw.encode()).hexdigest()


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # a cache outage must not fail a public page
        log.warning("public cache unavailable (read)", exc_info=True)
        return None


def _cache_set(key: str, value: Any, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        log.warning("public cache unavailable (write)", exc_info=True)


def _finish(
    request: HttpRequest,
    response: HttpResponse,
    etag: str,
    state: str,
    seconds: int,
    page: bool,
) -> HttpResponse:
    response["ETag"] = etag
    shared = "private" if page else "public"
    response["Cache-Control"] = f"{shared}, max-age={seconds}"
    response["X-Cache"] = state
    patch_vary_headers(response, ("Cookie",) if page else ("Accept-Language",))
    setattr(response, PUBLIC_MARK, "page" if page else "json")
    conditional = get_conditional_response(request, etag=etag, response=response)
    if conditional is not None:
        setattr(conditional, PUBLIC_MARK, "page" if page else "json")
        return conditional
    return response


def _too_many(request: HttpRequest, error: Any, page: bool) -> HttpResponse:
    """The bucket's refusal, in both languages, with ``Retry-After``."""
    if page:
        body = render_to_string(
            "web/too_many.html", {"vi": error.vi, "en": error.en, "path": request.path}
        )
        response: HttpResponse = HttpResponse(body, status=429)
    else:
        english = (get_language() or "vi").startswith("en")
        response = JsonResponse(
            {
                "code": error.code,
                "detail": error.en if english else error.vi,
                "messages": {"vi": error.vi, "en": error.en},
                "field": None,
            },
            status=429,
        )
    response["Retry-After"] = str(error.extra.get("retry_after", 60))
    return response


def _throttled(
    request: HttpRequest, throttle: tuple[str, str] | None, page: bool
) -> HttpResponse | None:
    """Count a miss in the bucket; the 429 when beyond it, else None."""
    if throttle is None:
        return None
    # Imported here: config is below every app (routing's limiter).
    from config.client_ip import client_ip
    from routing.reports.throttle import CitizenRateLimited, minute_throttle

    bucket, setting = throttle
    try:
        # Anonymous as far as the bucket knows: reading the session here would
        # make a shared answer vary by it.
        minute_throttle(
            bucket,
            int(getattr(settings, setting)),
            user=None,
            client_ip=client_ip(request),
        )
    except CitizenRateLimited as limited:
        return _too_many(request, limited, page)
    return None


def public_cached(
    *,
    params: Sequence[str] = (),
    key: KeyFunction | None = None,
    throttle: tuple[str, str] | None = None,
    page: bool = False,
) -> Callable[[View], View]:
    """Cache a public GET view's 200 answers (see the module docstring): keyed by
    ``params`` (every parameter the view reads) or ``key(request)``; misses counted
    in ``throttle`` = ``(bucket, setting name)``; ``page`` for an HTML page (its
    language from the cookie). Other methods and statuses pass through uncached."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            seconds = max(int(settings.PUBLIC_CACHE_SECONDS), 0)
            entry = _key(request, key(request) if key else query_key(request, params))
            if seconds > 0:
                kept = _cache_get(entry)
                if kept is not None:
                    content, content_type, etag = kept
                    response = HttpResponse(content, content_type=content_type)
                    return _finish(request, response, etag, "hit", seconds, page)
            refused = _throttled(request, throttle, page)
            if refused is not None:
                return refused
            if key is None:
                known_only(request, params)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            content = response.content
            etag = _etag(content)
            if seconds > 0:
                _cache_set(entry, (content, response["Content-Type"], etag), seconds)
            # A cached body is shared: it must not carry anybody's cookies.
            response.cookies.clear()
            return _finish(request, response, etag, "miss", seconds, page)

        return wrapper

    return decorate


# Cookies Django's middleware sets in answer to what a visitor sent.
_VISITOR_RENEWED = frozenset({settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME})


class PublicCookieGuard:
    """Outermost middleware: an answer ``public_cached`` marked as kept for
    everybody never sets a cookie (a CSRF or session cookie a later middleware
    added). The cookie is dropped and a warning logged; with
    ``PUBLIC_COOKIES_RAISE`` (the tests) it is an error, so a page that asks for a
    token fails loudly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        mark = getattr(response, PUBLIC_MARK, "")
        if mark == "page" and response.has_header("Vary"):
            # A page's language is the cookie's, not the browser's (LocaleMiddleware
            # adds Accept-Language to every answer).
            kept = [v.strip() for v in response["Vary"].split(",")]
            response["Vary"] = ", ".join(v for v in kept if v != "Accept-Language")
        if mark and response.cookies:
            names = sorted(response.cookies)
            response.cookies.clear()
            # A visitor's own stale cookie (a bad CSRF token renewed, a dead session
            # deleted) is answered by Django's middleware on any page: dropped
            # quietly. A cookie the visitor did not send is our bug (a page that
            # asked for a CSRF token, a session written).
            if set(names) <= _VISITOR_RENEWED & set(request.COOKIES):
                return response
            if getattr(settings, "PUBLIC_COOKIES_RAISE", False):
                raise ImproperlyConfigured(
                    f"{request.path}: a public cached answer sets cookies {names}"
                )
            log.warning("dropped cookies %s from public answer %s", names, request.path)
        return response
