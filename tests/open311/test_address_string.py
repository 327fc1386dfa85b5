"""POST requests with address_string instead of lat/long: one place named, the
report pinned at it and the event saying so; several or none, a 400 listing them."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import LineString

from boundaries.geocode import house_number_strip
from boundaries.models import Place
from geo.text import ascii_fold
from routing.models import Report, ReportEvent
from routing.reports.access import event_data_shown
from tests.open311 import conformance as c
from tests.open311.forms import form, post

pytestmark = pytest.mark.django_db

CHO = (106.6275579, 17.4645798)  # Chợ Đồng Hới (OSM node/11350925677)


def _no_point(key: str, address: str) -> dict:
    return form(key, lat=None, long=None, address_string=address)


def _open311_data(report: Report) -> dict:
    event = ReportEvent.objects.get(report=report, data__has_key="open311")
    return event.data["open311"], event.note


@pytest.mark.parametrize(
    "address",
    ["Chợ Đồng Hới", "cho dong hoi", "Cho Dong Hoi, Phuong Dong Hoi, Quang Tri"],
)
def test_an_address_naming_one_place_is_located_there(client, key, address):
    response = post(client, body=_no_point(key, address))
    assert response.status_code == 200, response.content
    c.check_created(response.json())
    report = Report.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert report.location.x == pytest.approx(CHO[0])
    assert report.location.y == pytest.approx(CHO[1])
    assert report.unit.name == "Phường Đồng Hới"
    data, note = _open311_data(report)
    located = data["location_from_address"]
    assert located["address_string"] == address
    assert located["source_id"] == "node/11350925677"
    assert located["place_name"] == "Chợ Đồng Hới"
    # An officer who may not see personal data still sees the place it was put at.
    shown = event_data_shown(data, personal=False)
    assert shown["location_from_address"]["place_name"] == "Chợ Đồng Hới"
    assert located["score"] >= 0.8
    assert "Vị trí lấy từ địa chỉ" in note


def test_an_ambiguous_address_is_a_400_listing_the_candidates(client, key):
    """Two places named Vietcombank (a bank, an ATM) tie: both are listed with
    their kind and unit."""
    response = post(
        client, body=_no_point(key, "Vietcombank"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    c.check_errors(body, 400)
    description = body[0]["description"]
    assert "Vietcombank (bank, Phường Đồng Hới)" in description
    assert "Vietcombank (atm, Phường Đồng Hới)" in description
    assert "candidates" in description
    assert not Report.objects.filter(channel=Report.Channel.OPEN311).exists()


def test_a_weak_single_match_is_not_taken(client, key):
    """ "cho" names two markets equally well: refused, both listed (Vietnamese)."""
    response = post(client, body=_no_point(key, "chợ"))
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "Chợ Đồng Hới" in description
    assert "Chợ Võ Xá" in description
    assert "có thể là" in description


def test_an_address_matching_nothing_is_a_400(client, key):
    response = post(client, body=_no_point(key, "zzqx wvvk"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "No place matches address_string" in response.json()[0]["description"]
    assert not Report.objects.filter(channel=Report.Channel.OPEN311).exists()


def test_with_lat_long_the_address_is_kept_as_given_not_geocoded(client, key):
    response = post(client, body=form(key, address_string="Vietcombank"))
    assert response.status_code == 200, response.content
    report = Report.objects.get(tracking_code=response.json()[0]["service_request_id"])
    data, note = _open311_data(report)
    assert data["address_string"] == "Vietcombank"
    assert data["location_from_address"] is None
    assert "kèm tọa độ" in note
    assert report.location.x != pytest.approx(CHO[0])


def test_address_id_alone_is_still_refused(client, key):
    response = post(
        client,
        body=form(key, lat=None, long=None, address_id="123"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "address_id" in response.json()[0]["description"]


def _way(name: str, source_id: str, *coords: tuple[float, float]) -> Place:
    line = LineString(*coords, srid=4326)
    return Place.objects.create(
        name=name,
        name_ascii=ascii_fold(name),
        search_ascii=ascii_fold(name).lower(),
        kind="street",
        source="osm",
        source_id=source_id,
        geom=line,
        anchor=line.interpolate_normalized(0.5),
        attribution="© OpenStreetMap contributors",
    )


@pytest.mark.parametrize(
    ("typed", "left"),
    [
        ("12 Lý Thường Kiệt", "Lý Thường Kiệt"),
        ("12A Lý Thường Kiệt", "Lý Thường Kiệt"),
        ("số 12 Lý Thường Kiệt", "Lý Thường Kiệt"),
        ("Số nhà 12/3, Lý Thường Kiệt", "Lý Thường Kiệt"),
        ("3 Tháng 2", "3 Tháng 2"),  # a street named after a date
        ("12", "12"),
    ],
)
def test_a_leading_house_number_is_dropped(typed, left):
    assert house_number_strip(typed) == left


@pytest.mark.parametrize(
    "address",
    [
        "12 Lý Thường Kiệt",
        "số nhà 12A Lý Thường Kiệt, Phường Đồng Hới",
        "ly thuong kiet",
    ],
)
def test_a_street_mapped_as_two_ways_is_one_place(client, key, address):
    """OSM maps a street as several ways: the same name and kind in one unit are
    one candidate (the longest way), not a tie; the house number is dropped."""
    _way("Lý Thường Kiệt", "way/1", (106.6240, 17.4660), (106.6250, 17.4665))
    longer = _way(
        "Lý Thường Kiệt",
        "way/2",
        (106.6250, 17.4665),
        (106.6262, 17.4672),
        (106.6275, 17.4680),
    )
    response = post(client, body=_no_point(key, address))
    assert response.status_code == 200, response.content
    report = Report.objects.get(tracking_code=response.json()[0]["service_request_id"])
    data, _ = _open311_data(report)
    assert data["location_from_address"]["source_id"] == "way/2"
    assert report.location.x == pytest.approx(longer.anchor.x)


def test_a_fragment_of_a_longer_name_is_not_taken(client, key):
    """ "xuan hoa bac" fits inside "Nhà văn hóa Tổ dân phố Xuân Hòa Bắc" (word
    similarity 1) but does not name it: it is only offered."""
    name = "Nhà văn hóa Tổ dân phố Xuân Hòa Bắc"
    _way(name, "way/3", (106.6240, 17.4660), (106.6250, 17.4665))
    response = post(client, body=_no_point(key, "xuan hoa bac"))
    assert response.status_code == 400
    assert name in response.json()[0]["description"]
    assert not Report.objects.filter(channel=Report.Channel.OPEN311).exists()
    whole = post(client, body=_no_point(key, f"{name}, Đồng Hới"))
    assert whole.status_code == 200, whole.content


def test_control_characters_in_the_address_are_dropped(client, key):
    """NUL and bidi controls in address_string are no 500: dropped, it resolves."""
    response = post(client, body=_no_point(key, "Chợ\x00 Đồng\u202e Hới"))
    assert response.status_code == 200, response.content
    report = Report.objects.get(tracking_code=response.json()[0]["service_request_id"])
    data, _ = _open311_data(report)
    assert data["location_from_address"]["address_string"] == "Chợ Đồng Hới"
