"""The impact preview's details (``impact.units`` and ``impact.sample``, added for the
zone editor): where the reports that would change department are, and which ones."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from routing.models import Category, StaffProfile
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/zones/"
WARD = "ubnd-18880-phuong-dong-hoi"
SIDE = 0.007
WEST, SOUTH = DONG_PHU[0] - SIDE / 2, DONG_PHU[1] - SIDE / 2
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [WEST, SOUTH],
            [WEST + SIDE, SOUTH],
            [WEST + SIDE, SOUTH + SIDE],
            [WEST, SOUTH + SIDE],
            [WEST, SOUTH],
        ]
    ],
}


@pytest.fixture
def officer(client):
    user = User.objects.create_user("officer", is_staff=True)
    StaffProfile.objects.create(user=user, role="routing_officer")
    client.force_login(user)
    return user


def test_preview_names_the_units_and_a_sample_of_the_moving_reports(client, officer):
    """Two urban-order reports in the square move to the urban management office:
    counted under their ward, listed open first; a waste report there (its zone
    unchanged) and an urban-order report outside the square are not."""
    ttdt = Category.objects.get(code="TTDT")
    earlier = report_force(
        report_create(category=ttdt, reported_at=timezone.now() - dt.timedelta(days=3)),
        status="resolved",
    )
    current = report_create(category=ttdt)
    report_create(category="VSMT")
    report_create(lon=DONG_PHU[0] + 0.02, lat=DONG_PHU[1], category=ttdt)

    draft = client.post(
        ZONES,
        {
            "name": "Trật tự đô thị khu Đồng Phú",
            "department": "dh-qldt",
            "categories": ["TTDT"],
            "geometry": SQUARE,
        },
        content_type="application/json",
    ).json()
    response = client.post(
        f"{ZONES}preview", {"drafts": [draft["id"]]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    impact = response.json()["impact"]
    assert impact["open"]["changed"] == 1
    assert impact["past"]["changed"] == 1
    assert impact["units"] == [
        {"unit": "18880", "name": "Phường Đồng Hới", "open": 1, "past": 1}
    ]
    sample = impact["sample"]
    assert [s["code"] for s in sample] == [
        current.tracking_code,
        earlier.tracking_code,
    ]
    assert [s["open"] for s in sample] == [True, False]
    first = sample[0]
    assert (first["from"], first["to"]) == (WARD, "dh-qldt")
    assert (first["category"], first["unit"], first["unit_name"]) == (
        "TTDT",
        "18880",
        "Phường Đồng Hới",
    )
    assert first["reported_at"].endswith("+07:00")
    assert set(first) == {
        "code",
        "category",
        "unit",
        "unit_name",
        "from",
        "to",
        "open",
        "reported_at",
    }


def test_preview_without_moves_has_empty_details(client, officer):
    """A draft that moves nothing answers empty unit and sample lists."""
    draft = client.post(
        ZONES,
        {
            "name": "Y tế khu Đồng Phú (thử)",
            "department": "dh-qldt",
            "categories": ["YTE"],
            "geometry": SQUARE,
        },
        content_type="application/json",
    ).json()
    impact = client.post(
        f"{ZONES}preview", {"drafts": [draft["id"]]}, content_type="application/json"
    ).json()["impact"]
    assert impact["units"] == []
    assert impact["sample"] == []
