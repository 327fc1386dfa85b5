"""Photos in S3-compatible object storage: moto's standalone S3 server, started here.

The storage is configured by the same function the settings use
(``config.settings.scaleout.storages``) from ``MEDIA_S3_*`` values. A photo goes in
through the real intake, is read back over HTTP through a signed URL, cannot be read
without one (the bucket is private), and a submission that fails deletes what it
wrote. moto checks neither signatures nor expiry, so the URL's lifetime is read from
the URL itself; S3 and its clones enforce it.
"""

from __future__ import annotations

import io
import subprocess
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from bench.api import HOST, free_port
from config.settings.scaleout import storages
from routing.intake import store
from routing.intake.photos import photo_check
from routing.models import ReportPhoto, StaffProfile
from routing.reports.photo_urls import photo_url, photos_in_object_storage
from routing.reports.roles import Role
from tests.factories import report_create, report_publish
from tests.scaleout.processes import MOTO_SERVER, need, wait_until

pytestmark = pytest.mark.django_db

BUCKET = "hientruong-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto_server on a free loopback port, with an empty bucket."""
    need(MOTO_SERVER, "moto_server (pip: moto[server])")
    port = free_port()
    process = subprocess.Popen(
        [str(MOTO_SERVER), "-H", HOST, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://{HOST}:{port}"

    def up() -> bool:
        assert process.poll() is None, "moto_server exited"
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    try:
        wait_until(up, what="moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """STORAGES as ``MEDIA_S3_*`` make them, on a fresh bucket; its client."""
    env = {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_ACCESS_KEY": "test-access",
        "MEDIA_S3_SECRET_KEY": "test-secret",
        "MEDIA_S3_REGION": "ap-southeast-1",
        "MEDIA_S3_URL_SECONDS": "300",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test-access",
        aws_secret_access_key="test-secret",
        region_name="ap-southeast-1",
    )
    client.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"},
    )
    settings.STORAGES = storages(env)
    settings.MEDIA_S3_URL_SECONDS = 300
    settings.MEDIA_S3_PUBLIC_URL_SECONDS = 3600
    yield client
    keys = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for key in keys:
        client.delete_object(Bucket=BUCKET, Key=key["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(
        o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, b""


def test_a_photo_submitted_goes_to_the_private_bucket_and_is_read_by_signed_url(bucket):
    """The intake writes the image and its thumbnail to the bucket; a staff URL is
    signed for 300 s, a public one for 3600 s, both return the stored bytes; the
    same object without a signature is refused."""
    checked = photo_check(jpeg(), name="rac.jpg")
    report = report_create(photos=(checked,))
    photo = ReportPhoto.objects.get(report=report)
    assert photos_in_object_storage()
    assert keys(bucket) == sorted([photo.image.name, photo.thumbnail.name])

    staff = photo_url(photo, public=False)
    query = parse_qs(urlsplit(staff).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    assert fetch(staff) == (200, checked.image)
    public = photo_url(photo, public=True, thumbnail=True)
    assert parse_qs(urlsplit(public).query)["X-Amz-Expires"] == ["3600"]
    assert fetch(public) == (200, checked.thumbnail)

    unsigned = urlsplit(staff)._replace(query="").geturl()
    assert fetch(unsigned)[0] == 403


def test_the_media_view_redirects_whom_it_lets_see_to_a_signed_url(bucket, client):
    """Pages and answers link photos by their /media/ path whatever the storage; the
    view checks who asks, then redirects to a short-lived signed URL (never cached).
    A photo not yet approved stays a 404 for the public; once approved, the public
    is redirected too, to a URL signed for the public lifetime."""
    checked = photo_check(jpeg(), name="rac.jpg")
    report = report_create(photos=(checked,), reporter_phone="0912345678")
    photo = ReportPhoto.objects.get(report=report)
    path = f"/media/{photo.image.name}"
    assert client.get(path).status_code == 404

    operator = get_user_model().objects.create_user(username="ioc-s3")
    StaffProfile.objects.create(user=operator, role=Role.IOC_OPERATOR)
    staff = Client()
    staff.force_login(operator)
    answer = staff.get(path)
    assert answer.status_code == 302
    assert "no-store" in answer["Cache-Control"]
    assert parse_qs(urlsplit(answer["Location"]).query)["X-Amz-Expires"] == ["300"]
    assert fetch(answer["Location"]) == (200, checked.image)

    report_publish(report)
    public = client.get(path)
    assert public.status_code == 302
    assert parse_qs(urlsplit(public["Location"]).query)["X-Amz-Expires"] == ["3600"]


def test_a_failed_submission_deletes_the_photos_it_wrote(bucket, monkeypatch):
    """When the transaction fails after the photos were uploaded, the bucket is left
    as it was: ``PhotoFiles.delete`` removed both objects."""

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(store, "outbox_written", broken)
    with pytest.raises(RuntimeError):
        report_create(photos=(photo_check(jpeg(), name="rac.jpg"),))
    assert keys(bucket) == []


def test_on_the_filesystem_a_photo_url_is_its_media_path(settings, tmp_path):
    """Without MEDIA_S3_BUCKET, photos stay under MEDIA_ROOT and their URL is the
    /media/ path the access-checked view answers."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = storages({})
    report = report_create(photos=(photo_check(jpeg(), name="rac.jpg"),))
    photo = ReportPhoto.objects.get(report=report)
    assert not photos_in_object_storage()
    assert photo_url(photo, public=True) == f"/media/{photo.image.name}"
    assert (tmp_path / photo.image.name).read_bytes()
