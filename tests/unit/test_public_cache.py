"""``config.public_cache.public_cached`` on a view of its own: kept per path, query
and language; ETag, Cache-Control and Vary; 304 on a matching If-None-Match, from
the cache and fresh; only GET/HEAD 200s kept; no cookie carried; fail open when the
cache is down; ``PUBLIC_CACHE_SECONDS = 0`` runs the view every time."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory
from django.utils import translation

from config.public_cache import public_cached

calls: list[str] = []


@public_cached
def view(request: HttpRequest) -> HttpResponse:
    calls.append(request.method or "")
    if request.GET.get("fail"):
        return JsonResponse({"error": "bad"}, status=400)
    response = JsonResponse({"lang": translation.get_language()})
    response.set_cookie("sessionid", "secret")
    return response


@pytest.fixture
def path() -> str:
    """A path of this test's own, so the shared test Redis holds nothing for it."""
    calls.clear()
    return f"/public-cache-test/{uuid.uuid4().hex}"


def test_kept_then_hit_with_the_same_etag(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    first = view(factory.get(path))
    second = view(factory.get(path))
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert len(calls) == 1
    assert first["ETag"] == second["ETag"]
    assert first["ETag"].startswith('"')
    assert first["Cache-Control"] == "public, max-age=30"
    assert "Accept-Language" in first["Vary"]
    assert not first.cookies
    assert not second.cookies
    other_query = view(factory.get(path, {"q": "1"}))
    assert other_query["X-Cache"] == "miss"
    assert len(calls) == 2
    with translation.override("en"):
        english = view(factory.get(path))
    assert english["X-Cache"] == "miss"
    assert b'"en"' in english.content


def test_if_none_match_304_from_cache_and_fresh(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    etag = view(factory.get(path))["ETag"]
    cached = view(factory.get(path, HTTP_IF_NONE_MATCH=etag))
    assert cached.status_code == 304
    assert cached["ETag"] == etag
    assert len(calls) == 1  # answered from the cache
    settings.PUBLIC_CACHE_SECONDS = 0
    fresh = view(factory.get(path + "x"))
    assert fresh["X-Cache"] == "miss"
    assert fresh["Cache-Control"] == "public, max-age=0"
    again = view(factory.get(path + "x", HTTP_IF_NONE_MATCH=fresh["ETag"]))
    assert again.status_code == 304
    assert len(calls) == 3
    stale = view(factory.get(path, HTTP_IF_NONE_MATCH='"other"'))
    assert stale.status_code == 200


def test_other_methods_and_statuses_pass_through(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    posted = view(factory.post(path))
    assert "X-Cache" not in posted
    assert posted.cookies
    for _ in range(2):
        refused = view(factory.get(path, {"fail": "1"}))
        assert refused.status_code == 400
        assert "X-Cache" not in refused
    assert calls == ["POST", "GET", "GET"]


def test_cache_down_fails_open(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    factory = RequestFactory()
    for _ in range(2):
        response = view(factory.get(path))
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"
    assert len(calls) == 2
