"""Shared caching of the public portal's answers (pages and JSON), so that a
news-driven spike of visitors reaches Redis, not the database.

A public answer is the same for every visitor who asks in the same language: it
carries no personal data, no CSRF token and no session. ``public_cached`` keeps a
200 answer in the default cache for ``PUBLIC_CACHE_SECONDS`` under its path, query
and language, gives it a strong ETag and ``Cache-Control: public, max-age``, and
answers ``If-None-Match`` with 304 whether the body came from the cache or was just
made. ``X-Cache: hit|miss`` says which (the bench and the tests read it).

When Redis is down the view is simply run (fail open: a public page is never worth
an error). ``PUBLIC_CACHE_SECONDS = 0`` turns the cache off, which is the bench's
"uncached path"; the conditional headers stay.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

log = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _key(request: HttpRequest) -> str:
    """One entry per path, query (as sent) and language."""
    raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{get_language()}"
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


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
    request: HttpRequest, response: HttpResponse, etag: str, state: str, seconds: int
) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["X-Cache"] = state
    patch_vary_headers(response, ("Accept-Language",))
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional if conditional is not None else response


def public_cached(view: View) -> View:
    """Cache a public GET view's 200 answers (see the module docstring). Other
    methods and other statuses pass through untouched."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        seconds = int(settings.PUBLIC_CACHE_SECONDS)
        key = _key(request)
        if seconds > 0:
            kept = _cache_get(key)
            if kept is not None:
                status, content, content_type = kept
                response = HttpResponse(
                    content, status=status, content_type=content_type
                )
                return _finish(request, response, _etag(content), "hit", seconds)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        content = response.content
        if seconds > 0:
            _cache_set(key, (200, content, response["Content-Type"]), seconds)
        # A cached body is shared: it must not carry anybody's cookies.
        response.cookies.clear()
        return _finish(request, response, _etag(content), "miss", max(seconds, 0))

    return wrapper
