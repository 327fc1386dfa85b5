"""``GET /api/v1/public/scorecards``: anonymous, the figures of the reports, bilingual
400s, throttled, in the OpenAPI schema, and kept in the shared public cache (hit,
304, POST untouched, a cache outage still answered)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client

from tests.scorecard_world import expected, world_make

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/scorecards"


def _fresh(query: str) -> str:
    """``query`` with a parameter the view ignores, so that the shared test Redis
    holds no answer from an earlier run under the same key."""
    return f"{URL}?{query}&nonce={uuid.uuid4().hex}"


def test_anonymous_answer_matches_the_reports():
    world = world_make()
    response = Client().get(URL, {"from": "2026-01", "to": "2026-03"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2026-01", "to": "2026-03", "months": 3}
    assert body["level"] == "unit"
    assert body["min_count"] == 5
    rows = {row["id"]: row for row in body["rows"]}
    want = expected("unit", dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert {k: r["received"] for k, r in rows.items()} == {
        k: w["received"] for k, w in want.items()
    }
    assert rows[world.unit_a]["on_time"]["rate"] == 0.6667
    assert "Set-Cookie" not in response.headers
    text = response.content.decode()
    for personal in ("reporter", "phone", "email", "username"):
        assert personal not in text
    department = Client().get(
        URL, {"from": "2026-01", "to": "2026-03", "level": "department"}
    )
    assert {r["id"] for r in department.json()["rows"]} == {world.dept_1, world.dept_2}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"from": "2026-1-01"}, "invalid_month"),
        ({"to": "13/2026"}, "invalid_month"),
        ({"from": "2026-06", "to": "2026-01"}, "invalid_period"),
        ({"from": "2001-01", "to": "2026-01"}, "period_too_long"),
        ({"level": "province"}, "invalid_level"),
        ({"from": "\x00"}, "invalid_month"),
    ],
)
def test_bad_input_is_a_bilingual_400(query, code):
    response = Client().get(URL, query, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert body["messages"]["vi"] != body["messages"]["en"]


def test_throttled_per_address(settings):
    settings.SCORECARD_RATE_PER_IP_MINUTE = 2
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    codes = [
        Client(REMOTE_ADDR=address).get(_fresh("level=unit")).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_in_the_openapi_schema():
    schema = Client().get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/public/scorecards"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"from", "to", "level"} <= names
    assert operation.get("security") in ([], [{}], None)


def test_cached_hit_etag_304_and_post(settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    world_make()
    url = _fresh("from=2026-01&to=2026-03")
    first = Client().get(url)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert first["Cache-Control"] == "public, max-age=60"
    second = Client().get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    again = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    posted = Client().post(url)
    assert posted.status_code == 405
    assert "X-Cache" not in posted
    bad = Client().get(_fresh("level=x"))
    assert bad.status_code == 400
    assert "X-Cache" not in bad


def test_cache_outage_still_answers(settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = Client().get(_fresh("level=department"))
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert "rows" in response.json()
