"""Uploads are bounded while they stream (``api.uploads``): an oversized photo or
too many files are refused before anything is spooled to disk."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files import uploadhandler
from PIL import Image

from routing.models import StaffProfile
from routing.reports.roles import Role
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def spool(settings, tmp_path, monkeypatch):
    """Django's temporary upload files go to a folder of this test's own, and each
    one made is recorded (they delete themselves when the request ends, so an
    empty folder afterwards alone would prove nothing)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    made: list[str] = []

    class Recorded(uploadhandler.TemporaryUploadedFile):
        def __init__(self, name, *args, **kwargs):
            made.append(name)
            super().__init__(name, *args, **kwargs)

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recorded)
    return Spool(folder, made)


@dataclass
class Spool:
    folder: Path
    made: list[str]


def nothing_spooled(spool: Spool) -> bool:
    return spool.made == [] and list(spool.folder.iterdir()) == []


def _form(**fields) -> dict:
    return {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": "Rác thải đổ bừa bãi cạnh chợ.",
        "anonymous": "true",
        **fields,
    }


def _blob(name: str, size: int) -> io.BytesIO:
    out = io.BytesIO(os.urandom(size))
    out.name = name
    return out


def _jpeg(name: str, side: int = 1200) -> io.BytesIO:
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "JPEG", quality=98)
    out.seek(0)
    out.name = name
    return out


def test_an_oversized_photo_is_refused_before_it_is_spooled(api, settings, spool):
    """A file one byte over REPORT_MAX_PHOTO_BYTES: 413 with both languages, and the
    temporary-upload folder stays empty (the file was never written)."""
    limit = settings.REPORT_MAX_PHOTO_BYTES
    response = api.post(REPORTS, {**_form(), "photos": [_blob("big.jpg", limit + 1)]})
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "upload_too_large"
    assert "big.jpg" in body["messages"]["vi"]
    assert "big.jpg" in body["messages"]["en"]
    assert nothing_spooled(spool)


def test_too_many_files_are_refused_while_streaming(api, settings, spool):
    count = settings.REPORT_MAX_PHOTOS + 1
    photos = [_blob(f"{n}.jpg", 1000) for n in range(count)]
    response = api.post(REPORTS, {**_form(), "photos": photos})
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files"
    assert nothing_spooled(spool)


def test_a_body_too_large_for_any_report_is_refused_unread(api, settings):
    """A Content-Length beyond every photo allowed plus the form fields is refused
    before the body is read."""
    total = settings.REPORT_MAX_PHOTOS * settings.REPORT_MAX_PHOTO_BYTES
    response = api.post(
        REPORTS,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(total + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_photos_within_bounds_are_taken_and_never_touch_the_disk(api, settings, spool):
    """Five photos whose total is over FILE_UPLOAD_MAX_MEMORY_SIZE (which would
    spool them to disk with Django's handlers) are stored, from memory."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100_000
    photos = [_jpeg(f"{n}.jpg") for n in range(settings.REPORT_MAX_PHOTOS)]
    assert sum(len(p.getvalue()) for p in photos) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    response = api.post(REPORTS, {**_form(), "photos": photos})
    assert response.status_code == 201, response.json()
    assert nothing_spooled(spool)


def test_staff_uploads_have_the_staff_bound(api, settings, spool):
    """Staff (the hotline desk, the admin's boundary import) are not held to the
    public's upload bounds; the intake still refuses an oversized photo itself."""
    user = get_user_model().objects.create_user("upload-desk", is_staff=True)
    StaffProfile.objects.create(user=user, role=Role.IOC_OPERATOR)
    api.force_login(user)
    limit = settings.REPORT_MAX_PHOTO_BYTES
    response = api.post(
        REPORTS,
        {**_form(channel="hotline"), "photos": [_blob("big.jpg", limit + 1)]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "photo_too_large"
    assert spool.made == ["big.jpg"]  # Django's own handler took it, to disk
    settings.STAFF_UPLOAD_MAX_BYTES = limit
    refused = api.post(REPORTS, {**_form(), "photos": [_blob("x.jpg", limit + 1)]})
    assert refused.status_code == 413


def test_other_views_answer_an_oversized_upload_with_400_not_500(client, settings):
    """A multipart body sent to a page (not the API) is refused by Django as a bad
    request."""
    limit = settings.REPORT_MAX_PHOTO_BYTES
    response = client.post("/i18n/setlang/", {"f": _blob("big.bin", limit + 1)})
    assert response.status_code == 400
