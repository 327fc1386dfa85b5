"""Publication on the pages and the photo files (``/media/…``): the citizen's
checkbox on the report form, the approved text on the tracking page, the review
panel and queue filter for the operations centre only, and who may fetch a photo
file (public photos to anyone, others to staff who see the report, a 404 for
everyone else; streamed, or handed to nginx with ``X-Accel-Redirect``)."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from routing.intake.photos import CheckedPhoto, photos_check
from routing.models import Department, Report, StaffProfile
from tests.factories import report_create, report_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photos(count: int = 1) -> tuple[CheckedPhoto, ...]:
    files = []
    for index in range(count):
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (10 + index * 50, 120, 30)).save(out, "JPEG")
        files.append((f"anh-{index}.jpg", out.getvalue()))
    return tuple(photos_check(files))


def staff(role: str, **profile):
    user = get_user_model().objects.create_user(f"{role}-{uuid.uuid4().hex[:8]}")
    StaffProfile.objects.create(user=user, role=role, **profile)
    return user


def named(**fields) -> Report:
    fields.setdefault("reporter_phone", "0912345678")
    return report_create(
        description="Rác ở chợ, gọi 0912 345 678.", photos=photos(), **fields
    )


# The citizen's pages ---------------------------------------------------------------


def test_the_report_form_asks_whether_the_report_may_be_public(client):
    """The checkbox is ticked by default; sensitive categories are marked so the
    page hides the choice for them."""
    page = client.get("/").content.decode()
    assert re.search(r'<input id="public" name="public" type="checkbox" checked', page)
    assert re.search(r'value="ANTT" data-sensitive="1"', page)
    assert not re.search(r'value="VSMT" data-sensitive', page)


def test_the_tracking_page_shows_the_approved_text_only(client):
    report = named()
    page = client.get(f"/r/{report.tracking_code}").content.decode()
    assert "public-description" not in page
    assert "0912" not in page
    report_publish(report, text="Rác ở chợ chưa được thu gom.")
    page = client.get(f"/r/{report.tracking_code}").content.decode()
    assert 'id="public-description"' in page
    assert "Rác ở chợ chưa được thu gom." in page
    assert report.photos.get().thumbnail.url in page


# The officers' pages ---------------------------------------------------------------


def test_the_review_panel_is_for_the_operations_centre(client):
    report = named()
    client.force_login(staff("ioc_operator"))
    page = client.get(f"/ops/r/{report.tracking_code}").content.decode()
    assert 'id="publication-form"' in page
    assert "Rác ở chợ, gọi [SĐT đã ẩn]." in page  # the proposal, to edit
    assert 'name="publication-photo"' in page
    assert f"/api/v1/reports/{report.tracking_code}/publication" in page
    officer = staff("department_officer", department=report.department)
    client.force_login(officer)
    page = client.get(f"/ops/r/{report.tracking_code}").content.decode()
    assert 'id="publication-state"' in page
    assert 'id="publication-form"' not in page


def test_a_private_or_sensitive_report_has_no_approve_button(client):
    client.force_login(staff("ioc_operator"))
    private = named(anonymous=True)
    page = client.get(f"/ops/r/{private.tracking_code}").content.decode()
    assert 'id="publication-form"' not in page
    security = named(category="ANTT")
    assert security.publication == "private"
    Report.objects.filter(pk=security.pk).update(publication="pending")
    page = client.get(f"/ops/r/{security.tracking_code}").content.decode()
    assert 'id="publication-withhold"' in page
    assert 'id="publication-approve"' not in page


def test_the_queue_filters_reports_awaiting_review(client):
    pending = named()
    private = named(public=False)
    client.force_login(staff("ioc_operator"))
    page = client.get("/ops/", {"publication": "pending"}).content.decode()
    assert pending.tracking_code in page
    assert private.tracking_code not in page
    assert 'id="publication"' in page
    client.force_login(staff("department_officer", department=pending.department))
    page = client.get("/ops/", {"publication": "pending"}).content.decode()
    assert 'id="publication"' not in page
    assert private.tracking_code in page  # the filter is not theirs: ignored


def test_the_timeline_names_the_decision(client):
    report = report_publish(named())
    client.force_login(staff("ioc_operator"))
    page = client.get(f"/ops/r/{report.tracking_code}").content.decode()
    assert 'data-kind="publication"' in page


# Photo files -----------------------------------------------------------------------


def test_a_public_photo_is_served_to_anyone(client):
    report = report_publish(named())
    photo = report.photos.get()
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    with photo.image.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert client.get(photo.thumbnail.url).status_code == 200
    assert client.head(photo.image.url).status_code == 200
    assert client.post(photo.image.url).status_code == 405


# who → may fetch a photo of a report not approved for publication
PRIVATE_PHOTO = {
    "anonymous": False,
    "ioc_operator": True,
    "admin": True,
    "department_officer": True,
    "unit_officer": True,
    "other_department_officer": False,
    "routing_officer": False,
    "planner": False,
    "no_role": False,
}


@pytest.mark.parametrize("who", PRIVATE_PHOTO)
def test_a_private_photo_only_for_staff_who_see_the_report(client, who):
    """Staff pages keep showing photos; to anyone else the file does not exist."""
    report = named(anonymous=True)
    other = Department.objects.exclude(pk=report.department_id).first()
    user = {
        "anonymous": lambda: None,
        "ioc_operator": lambda: staff("ioc_operator"),
        "admin": lambda: staff("admin"),
        "department_officer": lambda: staff(
            "department_officer", department=report.department
        ),
        "unit_officer": lambda: staff("unit_officer", unit_code=report.unit.code),
        "other_department_officer": lambda: staff(
            "department_officer", department=other
        ),
        "routing_officer": lambda: staff("routing_officer"),
        "planner": lambda: staff("planner"),
        "no_role": lambda: get_user_model().objects.create_user("plain"),
    }[who]()
    if user is not None:
        client.force_login(user)
    photo = report.photos.get()
    for url in (photo.image.url, photo.thumbnail.url):
        response = client.get(url)
        if PRIVATE_PHOTO[who]:
            assert response.status_code == 200, url
            assert "private" in response["Cache-Control"]
            assert "Cookie" in response["Vary"]
        else:
            assert response.status_code == 404, url


def test_the_staff_report_page_shows_photos_that_load(client):
    report = named(anonymous=True)
    client.force_login(staff("ioc_operator"))
    page = client.get(f"/ops/r/{report.tracking_code}").content.decode()
    for url in re.findall(r'<img src="(/media/[^"]+)"', page):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/media/reports/2026/01/HT-2222-2222/1-abc.jpg",
        "/media/../config/settings/base.py",
        "/media/reports/../../manage.py",
        "/media/x",
    ],
)
def test_anything_but_a_stored_photo_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_photo_path_under_another_reports_code_is_a_404(client):
    """A file is found only under its own report's code."""
    shown = report_publish(named())
    other = named()
    name = shown.photos.get().image.name.replace(
        shown.tracking_code, other.tracking_code
    )
    assert client.get(f"/media/{name}").status_code == 404


def test_nginx_sends_the_bytes_when_accel_redirect_is_set(client, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    report = report_publish(named())
    photo = report.photos.get()
    response = client.get(photo.thumbnail.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.thumbnail.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    hidden = named(anonymous=True).photos.get()
    assert client.get(hidden.image.url).status_code == 404
