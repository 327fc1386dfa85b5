"""``/api/v1/public/reports`` and ``/clusters``: only what the portal lists, the
filters and paging of the list page, bilingual 400s for bad input, nothing personal,
places rounded, and the shared cache (hit, 304)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from routing.intake.duplicates import PUBLIC_DECIMALS
from routing.models import Report
from tests.portal_world import (
    PUBLIC_WORDS,
    RESULT,
    assert_nothing_personal,
    world_build,
)

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/public/reports"
CLUSTERS = "/api/v1/public/clusters"
CITY = "bbox=106.55,17.40,106.70,17.55"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    return world_build()


def codes(body: dict) -> set[str]:
    return {row["tracking_code"] for row in body["results"]}


def test_lists_the_listed_reports_only_newest_first_without_personal_data(
    client, world
):
    response = client.get(REPORTS)
    assert response.status_code == 200
    body = response.json()
    assert codes(body) == {r.tracking_code for r in world.listed}
    assert body["count"] == 3
    times = [row["reported_at"] for row in body["results"]]
    assert times == sorted(times, reverse=True)
    assert_nothing_personal(response.content.decode(), world)
    rows = {row["tracking_code"]: row for row in body["results"]}
    assert rows[world.published.tracking_code]["description"] == PUBLIC_WORDS
    assert rows[world.published.tracking_code]["result_note"] == ""
    assert rows[world.resolved.tracking_code]["description"] == ""
    assert rows[world.resolved.tracking_code]["result_note"] == RESULT
    assert rows[world.closed.tracking_code]["rating"] == "satisfied"
    for row in body["results"]:
        for value in row["location"].values():
            assert round(value, PUBLIC_DECIMALS) == value


def test_filters(client, world):
    def listed(query: str) -> set[str]:
        response = client.get(f"{REPORTS}?{query}")
        assert response.status_code == 200, response.json()
        return codes(response.json())

    assert listed("category=HTGT") == {world.published.tracking_code}
    assert listed("status=resolved") == {world.resolved.tracking_code}
    assert listed("status=closed") == {world.closed.tracking_code}
    assert listed("status=open") == {world.published.tracking_code}
    unit = world.published.unit.code
    assert world.published.tracking_code in listed(f"unit={unit}")
    local = timezone.localtime(world.published.reported_at).date()
    day = local.strftime("%d/%m/%Y")
    assert listed(f"from={day}&to={day}") == {world.published.tracking_code}
    assert world.closed.tracking_code not in listed(f"from={day}")


def test_paging(client, world):
    first = client.get(f"{REPORTS}?page_size=2").json()
    second = client.get(f"{REPORTS}?page_size=2&page=2").json()
    assert first["pages"] == 2
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert codes(first) | codes(second) == {r.tracking_code for r in world.listed}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=31/02/2025", "from"),
        ("from=2025-13-01", "from"),
        ("to=01/01/1990", "to"),
        ("from=01/01/9999", "from"),
        ("from=02/01/2025&to=01/01/2025", "from"),
        ("unit=99999999", "unit"),
        ("category=NOPE", "category"),
        ("category=ANTT", "category"),  # sensitive: unknown here, as everywhere public
        ("status=rejected", "status"),
        ("page=0", "page"),
        ("page=101&page_size=100", "page"),  # beyond 10,000 rows: filter instead
        ("page=99999999999", "page"),
        ("page=abc", "page"),
        ("page=%C2%B2", "page"),  # '²': a digit to str.isdigit, not to int
        ("page_size=%C2%B9", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_input_is_a_bilingual_400(client, query, field):
    response = client.get(f"{REPORTS}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    assert body["messages"]["vi"]
    assert body["messages"]["en"]


def test_clusters_count_only_listed_reports(client, world):
    response = client.get(f"{CLUSTERS}?{CITY}&zoom=12")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["total"] == 3
    text = response.content.decode()
    assert_nothing_personal(text, world)
    assert body["mode"] == "points"  # few reports: one by one
    assert {f["properties"]["tracking_code"] for f in body["features"]} == {
        r.tracking_code for r in world.listed
    }
    for feature in body["features"]:
        assert "id" not in feature["properties"]
        for value in feature["geometry"]["coordinates"]:
            assert round(value, PUBLIC_DECIMALS) == value
    resolved = client.get(f"{CLUSTERS}?{CITY}&zoom=12&status=resolved").json()
    assert resolved["total"] == 1


def test_clusters_group_many_reports(client, world, settings):
    """Above the few-points threshold the answer is clusters with status counts,
    from the aggregates; hidden reports never count."""
    import analytics.clusters as clusters

    original = clusters.FEW_POINTS
    clusters.FEW_POINTS = 2
    try:
        body = client.get(f"{CLUSTERS}?{CITY}&zoom=11").json()
    finally:
        clusters.FEW_POINTS = original
    assert body["mode"] == "clusters"
    assert sum(f["properties"]["count"] for f in body["features"]) == 3
    statuses: dict[str, int] = {}
    for feature in body["features"]:
        for status, n in feature["properties"]["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    assert Report.Status.REJECTED not in statuses
    assert Report.Status.DUPLICATE not in statuses
    assert "ANTT" not in {
        c for f in body["features"] for c in f["properties"]["categories"]
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "bbox"),
        ("bbox=105.80,21.00,105.90,21.10", "bbox"),  # Hà Nội: outside the province
        ("bbox=1,2,3", "bbox"),
        (f"{CITY}&zoom=40", "zoom"),
        (f"{CITY}&from=1/1/99999", "from"),
        (f"{CITY}&category=ANTT", "category"),
    ],
)
def test_clusters_bad_input_is_a_bilingual_400(client, query, field):
    response = client.get(f"{CLUSTERS}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    assert body["messages"]["vi"]
    assert body["messages"]["en"]


@pytest.mark.parametrize("url", [REPORTS, f"{CLUSTERS}?{CITY}&zoom=13"])
def test_answers_are_cached_and_conditional(
    client, world, settings, url, django_assert_num_queries
):
    settings.PUBLIC_CACHE_SECONDS = 30
    first = client.get(url, HTTP_X_TEST="1")
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):  # a spike reaches Redis, not the database
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not first.cookies
    assert not second.cookies


def test_in_the_openapi_schema(client):
    schema = client.get(
        "/api/v1/schema", HTTP_ACCEPT="application/json"
    ).content.decode()
    assert "/api/v1/public/reports" in schema
    assert "/api/v1/public/clusters" in schema


def test_a_panned_map_and_noise_hit_the_same_entry(client, world, settings):
    """The box snaps outward to the zoom's grid and the zoom to a whole level, on
    the server as in the map; an unknown parameter is not a new entry."""
    settings.PUBLIC_CACHE_SECONDS = 30
    filters = "&status=resolved"
    first = client.get(
        f"{CLUSTERS}?bbox=106.5512,17.4011,106.6987,17.5488&zoom=13{filters}"
    )
    assert first["X-Cache"] == "miss"
    for query in (
        "bbox=106.5533,17.4023,106.6979,17.5471&zoom=13",
        "bbox=106.5512,17.4011,106.6987,17.5488&zoom=12.8",
        "bbox=106.5512,17.4011,106.6987,17.5488&zoom=13&x=nonce",
    ):
        again = client.get(f"{CLUSTERS}?{query}{filters}")
        assert again["X-Cache"] == "hit", query
        assert again.content == first.content
    assert client.get(f"{CLUSTERS}?{CITY}&zoom=11{filters}")["X-Cache"] == "miss"


def test_misses_are_throttled_per_address(client, world, settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    settings.PUBLIC_RATE_PER_IP_MINUTE = 2
    address = {"REMOTE_ADDR": "10.77.1.9"}
    assert client.get(f"{REPORTS}?page=1", **address).status_code == 200
    assert client.get(f"{REPORTS}?page=1", **address)["X-Cache"] == "hit"
    assert client.get(f"{REPORTS}?page=2", **address).status_code in (200, 404)
    refused = client.get(f"{REPORTS}?page=3", **address)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert set(refused.json()["messages"]) == {"vi", "en"}


@pytest.mark.parametrize("query", ["unit=%00", "category=%00", "status=%00", "to=%00"])
def test_control_characters_are_cleaned_not_a_500(client, world, query):
    assert client.get(f"{REPORTS}?{query}").status_code == 200
    assert client.get(f"{CLUSTERS}?{CITY}&{query}").status_code == 200
