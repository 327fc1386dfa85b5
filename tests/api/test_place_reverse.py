"""Reverse: the nearest street or place within a radius, and the unit of the point."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.gis.geos import LineString

from boundaries.models import Place
from geo.text import ascii_fold
from tests.points import HANOI, OFFSHORE

pytestmark = pytest.mark.django_db

REVERSE = "/api/v1/places/reverse"
CHO = (106.6275579, 17.4645798)  # Chợ Đồng Hới (OSM node)
_ips = itertools.count(1)


def test_the_nearest_place_with_its_distance_phrase_unit_and_attribution(api):
    # About 30 m east of the market.
    body = api.get(REVERSE, {"lon": CHO[0] + 0.0003, "lat": CHO[1]}).json()
    place = body["place"]["properties"]
    assert place["name"] == "Chợ Đồng Hới"
    assert 25 < place["distance_m"] < 40
    assert body["street"] is None  # the shipped file has no streets
    assert body["phrase"] == {"vi": "gần Chợ Đồng Hới", "en": "near Chợ Đồng Hới"}
    assert body["unit"]["name"] == "Phường Đồng Hới"
    assert body["attribution"] == "© OpenStreetMap contributors"


def _street(name: str, coords: list[tuple[float, float]]) -> Place:
    line = LineString(coords, srid=4326)
    return Place.objects.create(
        name=name,
        name_ascii=ascii_fold(name),
        search_ascii=ascii_fold(name).lower(),
        kind="street",
        source="test",
        source_id=name,
        geom=line,
        anchor=line.interpolate_normalized(0.5),
        attribution="© OpenStreetMap contributors",
    )


def test_a_street_is_preferred_to_describe_the_point(api):
    """A street 60 m away names the point even when the market is nearer."""
    _street(
        "Quách Xuân Kỳ",
        [(CHO[0] - 0.001, CHO[1] + 0.0006), (CHO[0] + 0.001, CHO[1] + 0.0006)],
    )
    body = api.get(REVERSE, {"lon": CHO[0], "lat": CHO[1] + 0.0001}).json()
    assert body["place"]["properties"]["name"] == "Chợ Đồng Hới"
    street = body["street"]["properties"]
    assert street["name"] == "Quách Xuân Kỳ"
    assert 50 < street["distance_m"] < 60  # to the line, not to its anchor
    assert body["phrase"]["vi"] == "gần đường Quách Xuân Kỳ"


def test_nothing_within_the_radius(api):
    body = api.get(
        REVERSE, {"lon": CHO[0] + 0.0003, "lat": CHO[1], "radius_m": "10"}
    ).json()
    assert body["place"] is None
    assert body["phrase"] is None
    assert body["attribution"] is None
    assert body["unit"]["name"] == "Phường Đồng Hới"


def test_offshore_within_the_extent_has_the_nearest_unit_or_none(api):
    response = api.get(REVERSE, {"lon": OFFSHORE[0], "lat": OFFSHORE[1]})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lon": "abc", "lat": "17.4"},
        {"lon": str(HANOI[0]), "lat": str(HANOI[1])},
        {"lon": "17.46", "lat": "106.62"},
        {"lon": str(CHO[0]), "lat": str(CHO[1]), "radius_m": "5000"},
        {"lon": str(CHO[0]), "lat": str(CHO[1]), "radius_m": "0"},
    ],
)
def test_bad_or_outside_points_are_bilingual_400s(api, params):
    response = api.get(REVERSE, params)
    assert response.status_code == 400
    messages = response.json()["messages"]
    assert messages["vi"]
    assert messages["en"]


def test_reverse_is_throttled_per_address(api, settings):
    settings.PLACE_REVERSE_RATE_PER_IP_MINUTE = 2
    ip = f"198.51.100.{next(_ips)}"
    params = {"lon": CHO[0], "lat": CHO[1]}
    assert api.get(REVERSE, params, REMOTE_ADDR=ip).status_code == 200
    assert api.get(REVERSE, params, REMOTE_ADDR=ip).status_code == 200
    refused = api.get(REVERSE, params, REMOTE_ADDR=ip)
    assert refused.status_code == 429
    assert refused.json()["messages"]["vi"]
    assert api.get(REVERSE, params, REMOTE_ADDR="198.51.100.250").status_code == 200


def test_moving_the_pin_does_not_use_up_the_citizen_budget(api, settings):
    """Reverse counts in a bucket of its own: the same address may still track
    (and submit) after many pin moves."""
    settings.CITIZEN_RATE_PER_IP_MINUTE = 2
    settings.PLACE_REVERSE_RATE_PER_IP_MINUTE = 100
    ip = f"198.51.100.{next(_ips)}"
    params = {"lon": CHO[0], "lat": CHO[1]}
    for _ in range(5):
        assert api.get(REVERSE, params, REMOTE_ADDR=ip).status_code == 200
    nearby = {"lon": CHO[0], "lat": CHO[1], "category": "VSMT"}
    assert api.get("/api/v1/reports/nearby", nearby, REMOTE_ADDR=ip).status_code == 200
