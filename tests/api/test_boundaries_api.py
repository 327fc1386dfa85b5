"""The boundaries API: lookup, sets, units as GeoJSON, and its errors."""

import pytest

from tests.points import DONG_PHU, OFFSHORE

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/boundaries/lookup"


def lookup(api, **params):
    return api.get(LOOKUP, params)


def test_lookup_in_2022_returns_the_old_chain_with_codes(api):
    """A 2022 date (dd/mm/yyyy) answers ward → district → province of the 2020 set."""
    response = lookup(api, lon=DONG_PHU[0], lat=DONG_PHU[1], date="01/05/2022")
    assert response.status_code == 200
    body = response.json()
    assert body["boundary_set"]["slug"] == "qb-2020"
    assert body["codes"] == {"commune": "18856", "district": "450", "province": "44"}
    assert [u["level"] for u in body["chain"]] == ["ward", "district", "province"]
    assert body["date"] == "2022-05-01"
    assert body["matched"] == "covers"


def test_lookup_in_2025_returns_the_new_ward(api):
    """A date after 1 July 2025 (ISO) answers Phường Đồng Hới in Quảng Trị."""
    body = lookup(api, lon=DONG_PHU[0], lat=DONG_PHU[1], date="2025-07-01").json()
    assert body["boundary_set"]["slug"] == "qt-2025"
    assert body["unit"] == {
        "code": "18880",
        "name": "Phường Đồng Hới",
        "name_ascii": "Phuong Dong Hoi",
        "level": "ward",
    }
    assert body["codes"] == {"commune": "18880", "province": "44"}


def test_lookup_without_a_date_uses_today(api):
    """No date means today in Asia/Ho_Chi_Minh, which is after the reform."""
    body = lookup(api, lon=DONG_PHU[0], lat=DONG_PHU[1]).json()
    assert body["boundary_set"]["slug"] == "qt-2025"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"lat": "17.46"}, 400, "missing"),
        ({"lon": "x", "lat": "17.46"}, 400, "not_a_number"),
        ({"lon": "NaN", "lat": "17.46"}, 400, "not_finite"),
        ({"lon": "106.6", "lat": "-95"}, 400, "out_of_range"),
        ({"lon": "17.4689", "lat": "106.6155"}, 400, "swapped"),
        ({"lon": "106.6", "lat": "17.46", "date": "31/02/2022"}, 400, "bad_date"),
        (
            {"lon": "106.6", "lat": "17.46", "date": "2005-01-01"},
            404,
            "no_boundary_set",
        ),
        ({"lon": OFFSHORE[0], "lat": OFFSHORE[1]}, 404, "outside_all_units"),
        (
            {"lon": "106.6", "lat": "17.46", "nearest_within_m": "-1"},
            400,
            "out_of_range",
        ),
    ],
)
def test_bad_lookups_get_a_clear_4xx(api, params, status, code):
    """Bad input is a 4xx with a code and Vietnamese and English messages, never a 500."""
    response = api.get(LOOKUP, params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert body["detail"] == body["messages"]["vi"]


def test_error_detail_follows_the_requested_language(api):
    """Accept-Language: en gives the English message as detail."""
    response = api.get(LOOKUP, {"lon": "x", "lat": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == response.json()["messages"]["en"]


def test_outside_error_names_the_nearest_unit(api):
    """A point at sea gets 404 naming the nearest unit and its distance in metres."""
    body = lookup(api, lon=OFFSHORE[0], lat=OFFSHORE[1], date="2024-01-01").json()
    assert body["nearest"]["code"] == "18889"
    assert 4000 < body["distance_m"] < 6000


def test_sets_list_every_set_with_dates_and_unit_counts(api):
    """The three real sets are listed with their validity, status and unit count."""
    sets = {s["slug"]: s for s in api.get("/api/v1/boundaries/sets").json()}
    assert sets["qb-2020"]["valid_to"] == "2025-06-30"
    assert sets["qt-2025"]["valid_from"] == "2025-07-01"
    assert sets["qt-2025"]["units"] == 79  # 78 units and the province
    assert sets["qb-2020"]["units"] == 24  # 15 Đồng Hới units, 8 districts, province
    assert all(s["status"] == "active" for s in sets.values())


def test_units_are_geojson_filtered_by_level_and_set(api):
    """units?set=qb-2020&level=ward,commune is a FeatureCollection of Đồng Hới's 15."""
    body = api.get(
        "/api/v1/boundaries/units", {"set": "qb-2020", "level": "ward,commune"}
    ).json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 15
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["parent_code"] == "450"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 106 < lon < 107  # GeoJSON order is (lon, lat)
    assert 17 < lat < 18


def test_units_filter_by_parent_and_bbox(api):
    """parent= keeps a district's children; bbox= keeps units that touch the box."""
    by_parent = api.get(
        "/api/v1/boundaries/units", {"date": "2022-01-01", "parent": "450"}
    ).json()
    assert {f["properties"]["parent_code"] for f in by_parent["features"]} == {"450"}
    assert len(by_parent["features"]) == 15
    box = f"{DONG_PHU[0] - 0.001},{DONG_PHU[1] - 0.001},{DONG_PHU[0] + 0.001},{DONG_PHU[1] + 0.001}"
    in_box = api.get(
        "/api/v1/boundaries/units", {"date": "2022-01-01", "level": "ward", "bbox": box}
    ).json()
    assert [f["properties"]["code"] for f in in_box["features"]] == ["18856"]


def test_simplify_for_a_zoom_shrinks_the_payload(api):
    """simplify=10 returns fewer vertices than the full geometry, still valid GeoJSON."""
    full = api.get("/api/v1/boundaries/units", {"level": "commune,ward,special_zone"})
    small = api.get(
        "/api/v1/boundaries/units",
        {"level": "commune,ward,special_zone", "simplify": "10"},
    )
    assert small.status_code == 200
    assert len(small.content) < 0.6 * len(full.content)
    assert len(small.json()["features"]) == len(full.json()["features"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"level": "village"}, "unknown_level"),
        ({"bbox": "1,2,3"}, "bad_bbox"),
        ({"simplify": "40"}, "out_of_range"),
        ({"set": "nope"}, "unknown_set"),
    ],
)
def test_bad_unit_filters_get_a_clear_error(api, params, code):
    """Unknown levels, broken bboxes, absurd zooms and unknown sets are refused."""
    response = api.get("/api/v1/boundaries/units", params)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        # The first bad value in the order level, bbox, simplify, date; then set.
        ({"simplify": "40", "bbox": "1", "level": "village"}, "unknown_level", "level"),
        ({"date": "x", "simplify": "40", "bbox": "1"}, "bad_bbox", "bbox"),
        ({"set": "nope", "date": "x", "simplify": "40"}, "out_of_range", "simplify"),
        ({"set": "nope", "date": "31/02/2022"}, "bad_date", "date"),
        ({"set": "nope", "date": "2022-01-01"}, "unknown_set", "set"),
    ],
)
def test_the_first_bad_unit_parameter_answers(api, params, code, field):
    """Several bad values: the one checked first is the error, with its field."""
    response = api.get("/api/v1/boundaries/units", params)
    assert 400 <= response.status_code < 500
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert set(body["messages"]) == {"vi", "en"}


def test_set_overrides_date_and_blank_levels_are_dropped(api):
    """set= wins over date=; empty items of the level list are ignored."""
    body = api.get(
        "/api/v1/boundaries/units",
        {"set": "qb-2020", "date": "2026-06-01", "level": ",province,"},
    ).json()
    assert [f["properties"]["code"] for f in body["features"]] == ["44"]
    assert body["features"][0]["properties"]["boundary_set"] == "qb-2020"


def test_unit_detail_links_old_and_new_units(api):
    """Hải Thành (2022) names Phường Đồng Hới as successor; Đồng Hới lists 8 predecessors."""
    old = api.get("/api/v1/boundaries/units/18853", {"set": "qb-2020"}).json()
    assert old["properties"]["name"] == "Phường Hải Thành"
    assert [s["to_code"] for s in old["properties"]["successors"]] == ["18880"]
    new = api.get("/api/v1/boundaries/units/18880", {"date": "2026-01-01"}).json()
    predecessors = {p["from_code"] for p in new["properties"]["predecessors"]}
    assert predecessors == {
        "18853",
        "18856",
        "18865",
        "18868",
        "18874",
        "18880",
        "18889",
        "18898",
    }


def test_unit_detail_of_an_unknown_code_is_404(api):
    """An unknown code in the chosen set is a 404 with a message."""
    response = api.get("/api/v1/boundaries/units/00000")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_unit"


def test_openapi_schema_and_docs_are_served_offline(api):
    """The schema lists the lookup; the docs page loads its assets locally."""
    schema = api.get("/api/v1/schema")
    assert schema.status_code == 200
    assert b"/api/v1/boundaries/lookup" in schema.content
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
