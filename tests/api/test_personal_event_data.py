"""Event data and photo GPS tags as each reader sees them: whole for those who may
see the report's personal data, without ``PERSONAL_EVENT_KEYS`` (fingerprints,
Open311 device and account ids) and GPS tags for the other staff who read it."""

from __future__ import annotations

import io
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from api.open311.keys import api_key_create
from routing.intake.photos import photos_check
from routing.models import Department, Report, ReportPhoto, StaffProfile
from routing.reports.access import PERSONAL_EVENT_KEYS, event_data_shown
from routing.reports.roles import Role
from tests.factories import report_create
from tests.open311.forms import FORM, form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def staff(role: str):
    user = get_user_model().objects.create_user(f"reader-{role}")
    profile = {"role": role}
    if role == Role.DEPARTMENT_OFFICER:
        profile["department"] = Department.objects.get(code="qb-moitruong")
    StaffProfile.objects.create(user=user, **profile)
    return user


def open311_request(client) -> Report:
    call_command("open311_load_fixtures", stdout=StringIO())
    key = api_key_create(name="Đối tác").clear
    body = form(key, email=None, phone=None, device_id="dev-42", account_id="acc-42")
    response = client.post(
        "/open311/v2/requests.json", urlencode(body), content_type=FORM
    )
    (answer,) = response.json()
    return Report.objects.get(tracking_code=answer["service_request_id"])


def data_keys(events: list[dict]) -> set[str]:
    keys: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for event in events:
        walk(event["data"])
    return keys


def test_the_filter_removes_personal_keys_at_any_depth():
    """Nested dicts and lists lose the personal keys; other values stay."""
    data = {
        "channel": "open311",
        "fingerprint": "ab" * 32,
        "open311": {"api_key": 3, "device_id": "d", "account_id": "a"},
        "duplicates": [{"code": "HT-1", "phone": "+84912345678"}],
    }
    assert event_data_shown(data, personal=True) == data
    assert event_data_shown(data, personal=False) == {
        "channel": "open311",
        "open311": {"api_key": 3},
        "duplicates": [{"code": "HT-1"}],
    }


def test_an_officer_reads_an_anonymous_requests_events_without_its_ids(client):
    """The department's officer reads an anonymous Open311 request's timeline
    without its fingerprint, device id or account id, and the answer to its own
    comment the same way; the operations centre reads them all."""
    report = open311_request(client)
    url = f"/api/v1/reports/{report.tracking_code}/events"
    client.force_login(staff(Role.DEPARTMENT_OFFICER))
    seen = client.get(url).json()
    assert not data_keys(seen) & PERSONAL_EVENT_KEYS
    assert "dev-42" not in str(seen)
    assert data_keys(seen) >= {"channel", "open311", "api_key"}
    comment = client.post(
        f"/api/v1/reports/{report.tracking_code}/comments",
        {"note": "Đã xem."},
        content_type="application/json",
    )
    assert comment.status_code == 201
    assert not data_keys([comment.json()]) & PERSONAL_EVENT_KEYS
    client.force_login(staff(Role.IOC_OPERATOR))
    seen = client.get(url).json()
    assert data_keys(seen) >= {"fingerprint", "device_id", "account_id"}


def test_a_named_reports_events_keep_their_fingerprint_for_its_officer(client):
    """A named report's officer may see who reported it, so also its fingerprint."""
    report = report_create(category="VSMT", reporter_phone="0912345678")
    client.force_login(staff(Role.DEPARTMENT_OFFICER))
    seen = client.get(f"/api/v1/reports/{report.tracking_code}/events").json()
    assert "fingerprint" in data_keys(seen)


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 30)).save(out, "JPEG")
    return photos_check([("a.jpg", out.getvalue())])


@pytest.mark.parametrize("path", ["{code}", "{code}/photos"])
def test_photo_gps_tags_go_only_to_readers_of_personal_data(client, path):
    """The GPS tags of an anonymous report's photo (where the citizen stood) reach
    the operations centre, not the department's officer, who still gets the photo;
    a named report's officer gets them."""
    anonymous = report_create(category="VSMT", anonymous=True, photos=_photo())
    named = report_create(category="VSMT", reporter_phone="0912345678", photos=_photo())
    ReportPhoto.objects.update(gps_lon=106.61, gps_lat=17.47)

    def gps(report: Report) -> list:
        answer = client.get(
            "/api/v1/reports/" + path.format(code=report.tracking_code)
        ).json()
        photos = answer.get("photos") or answer["properties"]["photos"]
        return [photo["gps"] for photo in photos]

    client.force_login(staff(Role.DEPARTMENT_OFFICER))
    assert gps(anonymous) == [None]
    assert gps(named) == [{"lon": 106.61, "lat": 17.47}]
    client.force_login(staff(Role.IOC_OPERATOR))
    assert gps(anonymous) == [{"lon": 106.61, "lat": 17.47}]
