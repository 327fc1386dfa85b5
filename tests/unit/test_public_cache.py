"""``config.public_cache.public_cached`` on a view of its own: kept per path, query
and language; ETag, Cache-Control and Vary; 304 on a matching If-None-Match, from
the cache and fresh; only GET/HEAD 200s kept; no cookie carried; fail open when the
cache is down; ``PUBLIC_CACHE_SECONDS = 0`` runs the view every time."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory
from django.utils import translation

import config.public_cache
from config.public_cache import PUBLIC_MARK, PublicCookieGuard, public_cached

calls: list[str] = []


@public_cached(params=("q", "fail"))
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


@public_cached(
    params=("q",), throttle=("test-bucket", "PUBLIC_PAGE_RATE_PER_IP_MINUTE"), page=True
)
def page_view(request: HttpRequest) -> HttpResponse:
    calls.append(request.GET.get("q", ""))
    return HttpResponse(f"<p>{translation.get_language()}</p>")


def test_unknown_parameters_and_their_order_are_not_new_entries(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    assert view(factory.get(f"{path}?q=1&fail=")).get("X-Cache") == "miss"
    for query in ("fail=&q=1", f"q=1&fail=&x={uuid.uuid4().hex}", "utm=a&q=1&fail="):
        assert view(factory.get(f"{path}?{query}"))["X-Cache"] == "hit"
    assert len(calls) == 1


def test_the_etag_is_kept_with_the_body(settings, path, monkeypatch):
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    first = view(factory.get(path))

    def no_hash(content: bytes) -> str:
        raise AssertionError("the ETag is recomputed on a hit")

    monkeypatch.setattr(config.public_cache, "_etag", no_hash)
    second = view(factory.get(path))
    assert second["X-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]


def test_a_page_varies_by_cookie_and_is_private(settings, path):
    """A page's language comes from the cookie: browsers keep their own copy
    (private, Vary: Cookie); the server keeps one per language."""
    settings.PUBLIC_CACHE_SECONDS = 30
    factory = RequestFactory()
    first = page_view(factory.get(path))
    assert first["Cache-Control"] == "private, max-age=30"
    assert "Cookie" in first["Vary"]
    assert "Accept-Language" not in first["Vary"]
    assert getattr(first, PUBLIC_MARK) == "page"
    json_answer = view(factory.get(path + "j"))
    assert json_answer["Cache-Control"] == "public, max-age=30"
    assert "Accept-Language" in json_answer["Vary"]
    with translation.override("en"):
        english = page_view(factory.get(path))
    assert english["X-Cache"] == "miss"
    assert english.content == b"<p>en</p>"
    assert page_view(factory.get(path))["X-Cache"] == "hit"


def test_misses_count_in_the_bucket_hits_do_not(settings, path):
    settings.PUBLIC_CACHE_SECONDS = 30
    settings.PUBLIC_PAGE_RATE_PER_IP_MINUTE = 2
    factory = RequestFactory(REMOTE_ADDR=f"10.9.{uuid.uuid4().int % 250}.7")
    assert page_view(factory.get(path, {"q": "a"})).status_code == 200
    for _ in range(3):
        assert page_view(factory.get(path, {"q": "a"}))["X-Cache"] == "hit"
    assert page_view(factory.get(path, {"q": "b"})).status_code == 200
    refused = page_view(factory.get(path, {"q": "c"}))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    text = refused.content.decode()
    assert "Quá nhiều yêu cầu" in text
    assert "Too many requests" in text
    assert calls == ["a", "b"]


def _marked(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("shared")
    response.set_cookie("csrftoken", "t")
    setattr(response, PUBLIC_MARK, "page")
    return response


def test_the_guard_refuses_or_drops_cookies_on_public_answers(settings, caplog):
    request = RequestFactory().get("/ket-qua/")
    settings.PUBLIC_COOKIES_RAISE = True
    with pytest.raises(ImproperlyConfigured):
        PublicCookieGuard(_marked)(request)
    settings.PUBLIC_COOKIES_RAISE = False
    response = PublicCookieGuard(_marked)(request)
    assert not response.cookies
    assert "dropped cookies" in caplog.text
    plain = HttpResponse("mine")
    plain.set_cookie("sessionid", "s")
    assert PublicCookieGuard(lambda r: plain)(request).cookies
