"""Place search by name: as people type it, over old and new boundary sets."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boundaries.bulk import valid_set_ids
from boundaries.models import AdminUnit
from boundaries.search import _successor_key

pytestmark = pytest.mark.django_db

REVERSE = "/api/v1/places/reverse"
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


# Places (the shipped OpenStreetMap points of interest) beside the units -----------


def _props(body: dict) -> list[dict]:
    return [f["properties"] for f in body["features"]]


def test_a_place_is_found_with_its_unit_today_and_the_attribution(api):
    body = api.get(SEARCH, {"q": "cho dong hoi"}).json()
    first = body["features"][0]
    assert first["properties"]["name"] == "Chợ Đồng Hới"
    assert first["properties"]["group"] == "place"
    assert first["properties"]["kind"] == "market"
    assert first["properties"]["today"]["name"] == "Phường Đồng Hới"
    assert first["geometry"]["coordinates"] == pytest.approx([106.6275579, 17.4645798])
    assert body["attribution"] == "© OpenStreetMap contributors"
    assert "ODbL" in body["licence"]


def test_units_and_places_are_ranked_together_by_score(api):
    """Ranked by score, a unit before a place at equal scores; "dong hai" still
    finds the ward first although places contain those words too."""
    props = _props(api.get(SEARCH, {"q": "dong hoi", "limit": 20}).json())
    scores = [p["score"] for p in props]
    assert scores == sorted(scores, reverse=True)
    assert {p["group"] for p in props} == {"unit", "place"}
    assert props[0]["kind"] == "unit"
    first = _props(api.get(SEARCH, {"q": "dong hai"}).json())[0]
    assert (first["name"], first["kind"]) == ("Phường Đồng Hải", "unit")


def test_alternative_names_are_searched(api):
    """ "Morning Fish Market" is Chợ Đồng Hới's name:en."""
    first = _props(api.get(SEARCH, {"q": "morning fish market"}).json())[0]
    assert first["name"] == "Chợ Đồng Hới"
    assert first["name_en"] == "Morning Fish Market"


def test_a_typo_and_no_accents_find_a_place(api):
    assert "Bảo tàng tổng hợp tỉnh Quảng Trị" in _names(
        api.get(SEARCH, {"q": "bao tang tong hop quang tri"}).json()
    )
    assert "Tượng đài Mẹ Suốt" in _names(
        api.get(SEARCH, {"q": "tuong dai me suot"}).json()
    )
    assert "Tượng đài Mẹ Suốt" in _names(
        api.get(SEARCH, {"q": "tuong dai me sout"}).json()
    )


def test_a_merged_ward_says_it_is_now_part_of_another(api):
    body = api.get(SEARCH, {"q": "Đồng Phú"}).json()
    first = body["features"][0]["properties"]
    assert first["name"] == "Phường Đồng Phú"
    assert first["note"]["vi"] == "Phường Đồng Phú nay thuộc Phường Đồng Hới."
    assert "now part of Phường Đồng Hới" in first["note"]["en"]
    assert [u["name"] for u in first["successors"]] == ["Phường Đồng Hới"]


def test_an_abolished_district_names_every_unit_holding_its_area_today(api):
    """Thành phố Đồng Hới (a district until 2025, in two older sets with the same
    code and name) is answered once, with the three wards that share its area."""
    features = api.get(SEARCH, {"q": "thanh pho dong hoi"}).json()["features"]
    districts = [f["properties"] for f in features if f["properties"]["kind"] == "unit"]
    assert [d["name"] for d in districts].count("Thành phố Đồng Hới") == 1
    district = districts[0]
    assert district["level"] == "district"
    assert not district["current"]
    assert {u["name"] for u in district["successors"]} == {
        "Phường Đồng Hới",
        "Phường Đồng Sơn",
        "Phường Đồng Thuận",
    }
    assert district["note"]["vi"].startswith("Địa bàn Thành phố Đồng Hới nay thuộc")
    assert " và Phường " in district["note"]["vi"]


def test_near_puts_the_nearer_of_equal_names_first(api):
    """Two Vietcombank branches: each is first when searched from beside it."""
    branches = [
        f
        for f in api.get(SEARCH, {"q": "vietcombank"}).json()["features"]
        if f["properties"]["name"] == "Vietcombank"
    ]
    assert len(branches) == 2
    for branch in branches:
        lon, lat = branch["geometry"]["coordinates"]
        body = api.get(SEARCH, {"q": "vietcombank", "near": f"{lon},{lat}"}).json()
        first = body["features"][0]
        assert first["properties"]["source_id"] == branch["properties"]["source_id"]
        assert first["properties"]["distance_m"] < 1


def test_an_answer_showing_no_place_has_no_attribution(api):
    body = api.get(SEARCH, {"q": "dong hai", "limit": 1}).json()
    assert [p["group"] for p in _props(body)] == ["unit"]
    assert body["attribution"] is None
    assert body["licence"] is None


@pytest.mark.parametrize("near", ["106.6", "x,y", "200,17", "106.6,17.4,1"])
def test_a_bad_near_is_a_bilingual_400(api, near):
    response = api.get(SEARCH, {"q": "cho", "near": near})
    assert response.status_code == 400
    assert response.json()["messages"]["vi"]


def test_the_place_filter_uses_the_trigram_index():
    """With sequential scans priced out, the plan of the places query reads the
    GIN index (the ``%>`` operator), not every row."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boundaries.search import places_search

    with CaptureQueriesContext(connection) as queries:
        places_search("cho dong hoi", limit=5, day=dt.date(2026, 1, 1))
    sql = next(q["sql"] for q in queries if "boundaries_place" in q["sql"])
    assert "%>" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "place_search_trigram" in plan, plan


def test_search_is_throttled_per_address_in_its_own_bucket(api, settings):
    settings.PLACE_SEARCH_RATE_PER_IP_MINUTE = 2
    settings.PLACE_REVERSE_RATE_PER_IP_MINUTE = 1
    settings.CITIZEN_RATE_PER_IP_MINUTE = 1
    ip = "203.0.113.41"
    query = {"q": "dong hai"}
    assert api.get(SEARCH, query, REMOTE_ADDR=ip).status_code == 200
    assert api.get(SEARCH, query, REMOTE_ADDR=ip).status_code == 200
    refused = api.get(SEARCH, query, REMOTE_ADDR=ip)
    assert refused.status_code == 429
    body = refused.json()
    assert body["messages"]["vi"] != body["messages"]["en"]
    assert api.get(SEARCH, query, REMOTE_ADDR="203.0.113.42").status_code == 200
    # Typing used up search's bucket, not reverse's nor the citizen endpoints'.
    point = {"lon": 106.6275579, "lat": 17.4645798}
    assert api.get(REVERSE, point, REMOTE_ADDR=ip).status_code == 200
    nearby = point | {"category": "VSMT"}
    assert api.get("/api/v1/reports/nearby", nearby, REMOTE_ADDR=ip).status_code == 200


def test_the_successors_of_an_old_unit_are_cached_per_set(api):
    """The intersection with today's units runs once per old unit and set of
    today's sets; a new set would be other keys."""
    sets = valid_set_ids(timezone.localdate())
    olds = AdminUnit.objects.filter(name="Phường Đồng Phú").exclude(
        boundary_set_id__in=sets
    )
    cache.delete_many([_successor_key(o.pk, sets) for o in olds])  # not clear():
    # the tests' Redis database is shared with other runs.
    with CaptureQueriesContext(connection) as first:
        body = api.get(SEARCH, {"q": "Đồng Phú"}).json()
    assert any("ST_Intersection" in q["sql"] for q in first.captured_queries)
    shown = body["features"][0]["properties"]
    old = olds.get(code=shown["code"], boundary_set__slug=shown["boundary_set"])
    refs = cache.get(_successor_key(old.pk, sets))
    assert [r.name for r in refs] == ["Phường Đồng Hới"]
    assert _successor_key(old.pk, sets) != _successor_key(old.pk, [*sets, 10**9])
    with CaptureQueriesContext(connection) as again:
        repeated = api.get(SEARCH, {"q": "Đồng Phú"}).json()
    assert not any("ST_Intersection" in q["sql"] for q in again.captured_queries)
    assert repeated["features"] == body["features"]
