"""Place search by name: as people type it, over old and new boundary sets."""

import pytest

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/places/search"


def _names(body: dict) -> list[str]:
    return [f["properties"]["name"] for f in body["features"]]


@pytest.mark.parametrize(
    "typed", ["dong hai", "Đồng Hải", "DONG  HAI", "phuong dong hai"]
)
def test_a_ward_is_found_whatever_the_accents_and_case(api, typed):
    body = api.get(SEARCH, {"q": typed}).json()
    first = body["features"][0]["properties"]
    assert first["name"] == "Phường Đồng Hải"
    # A ward of the 2020 set, merged in 2025: today's ward is named beside it.
    assert first["current"] is False
    assert first["today"]["level"] == "ward"
    assert first["today"]["name"] != "Phường Đồng Hải"
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    assert 106.5 < lon < 106.8
    assert 17.3 < lat < 17.6


def test_a_current_ward_is_its_own_today(api):
    first = api.get(SEARCH, {"q": "dong hoi"}).json()["features"][0]["properties"]
    assert first["name"] == "Phường Đồng Hới"
    assert first["current"] is True
    assert first["today"]["name"] == "Phường Đồng Hới"


def test_a_typo_still_finds_it(api):
    assert "Phường Đồng Hải" in _names(api.get(SEARCH, {"q": "dong hia"}).json())


def test_a_merged_ward_is_found_with_the_ward_that_covers_it_today(api):
    """Đồng Phú (2020 set) was merged into Phường Đồng Hới in the 2025 reform."""
    body = api.get(SEARCH, {"q": "dong phu"}).json()
    old = next(
        f["properties"]
        for f in body["features"]
        if f["properties"]["name"] == "Phường Đồng Phú"
    )
    assert old["current"] is False
    assert old["today"]["name"] == "Phường Đồng Hới"


def test_limit_and_unrelated_names(api):
    assert len(api.get(SEARCH, {"q": "xa", "limit": 3}).json()["features"]) <= 3
    assert api.get(SEARCH, {"q": "zzzzqqqq"}).json()["features"] == []


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "   "}, {"q": "dong", "limit": "0"}, {"q": "dong", "limit": "x"}],
)
def test_bad_queries_are_bilingual_400s(api, params):
    response = api.get(SEARCH, params)
    assert response.status_code == 400
    assert response.json()["messages"]["vi"]
    assert response.json()["messages"]["en"]


def test_a_nul_byte_or_a_huge_query_is_no_500(api):
    assert api.get(SEARCH, {"q": "dong\x00hai"}).status_code in (200, 400)
    assert api.get(SEARCH, {"q": "dong hai " * 5000}).status_code == 200
