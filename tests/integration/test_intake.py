"""Report intake on the real Đồng Hới data: checks, routing, one transaction, photos,
idempotency, rate limits and duplicate suggestions."""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
import re
import struct
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image

from api.errors import http_status
from boundaries.lookup import OutsideAllUnits
from routing.intake import store
from routing.intake import submit as intake
from routing.intake.duplicates import duplicates_near
from routing.intake.errors import (
    IdempotencyKeyReused,
    IntakeError,
    PhotoError,
    RateLimited,
)
from routing.intake.inputs import phone_normalise
from routing.intake.photos import photo_check, photo_gps
from routing.intake.submission import submission_as_citizen, submission_parse
from routing.intake.submit import report_submit
from routing.models import (
    Assignment,
    Category,
    Notification,
    Report,
    ReportEvent,
    ReportPhoto,
)
from tests.factories import report_create
from tests.points import DONG_PHU, OFFSHORE

pytestmark = pytest.mark.django_db

# One metre of latitude in degrees, near enough at 17° N for placing test points.
LAT_M = 1 / 110_574


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded photos go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Rate limits off unless a test sets them (Redis db 15 is shared by runs)."""
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


def category(code: str = "VSMT") -> Category:
    return Category.objects.get(code=code)


def submit(*, client_ip: str | None = None, verified: bool = False, **fields):
    """Parse the fields as the edges do, then submit: the checks and the submit;
    ``verified``: sent by a citizen who proved the phone (a one-time code)."""
    values = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": category(),
        "description": "Rác thải đổ bừa bãi cạnh chợ.",
        "reporter_name": "Nguyễn Văn An",
        "reporter_phone": "0912345678",
    }
    values.update(fields)
    submission = submission_parse(**values)
    if verified:
        submission = submission_as_citizen(submission, phone="+84912345678")
    return report_submit(submission=submission, client_ip=client_ip)


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: Image.Exif | None = None):
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def gps_exif(lon: float, lat: float, orientation: int | None = None) -> Image.Exif:
    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round((value - degrees - minutes / 60) * 3600, 4)
        return (float(degrees), float(minutes), seconds)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme"
    exif[ExifTags.Base.Artist] = "An Nguyen"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: dms(lat),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: dms(lon),
    }
    return exif


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels (a decompression bomb's signature)."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Report, Assignment, ReportEvent, ReportPhoto, Notification)
    }


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Submitting ----------------------------------------------------------------------


def test_submit_routes_and_stores_report_assignment_events_and_outbox():
    """A report is stored assigned, with its deadline, the engine's decision, the
    'submitted' and 'assigned' events, and outbox rows for the department and the
    citizen (an SMS receipt with the tracking code, to the phone they proved)."""
    before = timezone.now()
    result = submit(verified=True)
    report = Report.objects.select_related("department", "unit").get(
        pk=result.report.pk
    )
    assert result.created is True
    assert report.status == Report.Status.ASSIGNED
    assert report.department.code == "qb-moitruong"
    assert report.unit.code == "18880"
    assert report.reporter_phone == "+84912345678"
    assert report.due_at > report.reported_at >= before
    assignment = Assignment.objects.get(report=report)
    assert assignment.is_current
    assert assignment.cause == Assignment.Cause.SUBMIT
    assert assignment.rule == "zone"
    assert assignment.reason_vi
    assert assignment.reason_en
    events = list(report.events.order_by("at", "id"))
    assert [(e.kind, e.actor_role, e.from_status, e.to_status) for e in events] == [
        ("submitted", "citizen", "", "received"),
        ("status", "system", "received", "assigned"),
    ]
    rows = Notification.objects.filter(report=report)
    assert rows.exists()
    assert report.department.email in {n.recipient for n in rows}
    assert all(n.status == Notification.Status.PENDING for n in rows)
    sms = rows.get(channel=Notification.Channel.SMS)
    assert sms.recipient == "+84912345678"
    # The SMS names the code, not the department (its name alone can fill a
    # segment: tests/integration/test_sms_texts.py).
    assert report.tracking_code in sms.body
    assert report.department.name_vi not in sms.body


def test_urgent_report_is_due_sooner():
    """An urgent report gets the category's urgent deadline, shorter than the usual."""
    usual = submit().report
    urgent = submit(urgent=True).report
    assert urgent.due_at < usual.due_at


def test_error_in_the_transaction_leaves_no_row_and_no_file(monkeypatch, media):
    """When the hand-off of the outbox rows fails after the report, its photos,
    events and outbox rows were written, nothing of the report remains: no row, no
    photo file."""

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(store, "outbox_written", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        submit(photos=[("cho.jpg", image_bytes())])
    assert counts() == before
    assert stored_files(media) == []


def test_a_bad_photo_after_good_fields_creates_nothing(media):
    """A fake photo among good ones refuses the whole report: no row, no file."""
    before = counts()
    with pytest.raises(PhotoError) as refused:
        submit(photos=[("good.jpg", image_bytes()), ("bad.jpg", b"not an image")])
    assert refused.value.extra["file"] == "bad.jpg"
    assert counts() == before
    assert stored_files(media) == []


def test_outside_the_province_is_refused_naming_the_nearest_unit():
    """A pin at sea beyond the shore tolerance is refused (404) with the nearest
    unit named in both languages."""
    with pytest.raises(OutsideAllUnits) as refused:
        submit(lon=OFFSHORE[0], lat=OFFSHORE[1])
    assert http_status(refused.value) == 404
    nearest = refused.value.extra["nearest"]
    assert nearest["name"] in refused.value.vi
    assert nearest["name"] in refused.value.en
    assert Report.objects.count() == 0


# A write at the start of a query or of a statement after another in the same query
# (the intake sends a report's rows together: routing.intake.inserts).
WRITE = re.compile(
    r'(?:^|;\n)\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE
)


def _writes(queries, table: str) -> list[str]:
    """The statements that wrote ``table``: INSERT, UPDATE or DELETE."""
    found = [m for q in queries.captured_queries for m in WRITE.finditer(q["sql"])]
    return [m.group(1).upper() for m in found if m.group(2) == table]


def test_the_report_row_is_written_once():
    """A submit inserts the report with its unit, department, jurisdiction and
    deadline and never updates it (an UPDATE would fire the analytics triggers on
    routing_report again); the first assignment is inserted, nothing retired."""
    with CaptureQueriesContext(connection) as queries:
        report = submit(reporter_phone="", anonymous=True).report
    assert _writes(queries, "routing_report") == ["INSERT INTO"]
    assert _writes(queries, "routing_assignment") == ["INSERT INTO"]
    stored = Report.objects.get(pk=report.pk)
    assignment = stored.assignments.get()
    assert (stored.unit_id, stored.department_id) == (
        assignment.unit_id,
        assignment.department_id,
    )
    assert stored.jurisdiction_code == assignment.boundary_set.jurisdiction_code
    assert stored.due_at is not None


def test_the_route_is_decided_inside_the_write_transaction(monkeypatch):
    """The routing decision and the rows it leads to belong to one transaction."""
    depths = []
    real = intake.route_decide_contact

    def spy(**kwargs):
        depths.append(len(connection.savepoint_ids))
        return real(**kwargs)

    monkeypatch.setattr(intake, "route_decide_contact", spy)
    outside = len(connection.savepoint_ids)
    submit()
    assert depths == [outside + 1]


def test_a_typed_submission_may_be_back_dated_the_parse_may_not():
    """The 30-day limit on ``reported_at`` is the edge's: the parse refuses a report
    dated 40 days back, ``report_submit`` stores a typed one (an import, the tests'
    factory) with its deadline running from now."""
    long_ago = timezone.now() - dt.timedelta(days=40)
    with pytest.raises(IntakeError) as refused:
        submit(reported_at=long_ago)
    assert refused.value.code == "bad_reported_at"
    report = report_create(reported_at=long_ago)
    assert report.reported_at == long_ago
    assert report.due_at > timezone.now()
    assert report.events.count() == 2


# Checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0912345678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0232 3822 123", "+842323822123"),
        ("", ""),
    ],
)
def test_vietnamese_phone_numbers_are_stored_in_e164(raw, stored):
    """Mobile and fixed-line numbers in national or +84 form are stored as E.164."""
    assert phone_normalise(raw) == stored


@pytest.mark.parametrize(
    "raw", ["01234567890", "12345", "0123456789", "+14155552671", "0912abc678"]
)
def test_invalid_phone_numbers_are_refused(raw):
    """Old 11-digit 01xx mobiles, short numbers and foreign numbers are refused."""
    with pytest.raises(IntakeError) as refused:
        phone_normalise(raw)
    assert refused.value.field == "reporter_phone"
    assert refused.value.vi
    assert refused.value.en


def test_description_over_4000_characters_is_refused():
    """A description of 4001 characters is refused naming the field; 4000 pass."""
    assert submit(description="a" * 4000).created
    with pytest.raises(IntakeError) as refused:
        submit(description="a" * 4001)
    assert refused.value.code == "too_long"
    assert refused.value.field == "description"


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "Xem <a href='http://x'>đây</a>", "ngập <b>sâu</b>"],
)
def test_html_in_the_description_is_refused(text):
    """Descriptions with HTML tags are refused; a bare '<' is fine."""
    with pytest.raises(IntakeError) as refused:
        submit(description=text)
    assert refused.value.code == "html_not_allowed"
    assert submit(description="Nước ngập < 30 cm, rác > 2 tấn").created


def test_a_named_report_needs_a_phone_or_email_an_anonymous_one_does_not():
    """Without contact details a report must be anonymous."""
    with pytest.raises(IntakeError) as refused:
        submit(reporter_phone="", reporter_email="")
    assert refused.value.code == "contact_required"
    assert submit(reporter_phone="", reporter_email="an@example.vn").created
    result = submit(reporter_name="", reporter_phone="", anonymous=True)
    assert result.created
    assert result.report.anonymous


def test_bad_email_and_too_many_photos_are_refused(settings):
    """A malformed e-mail and a sixth photo are refused, naming the field."""
    with pytest.raises(IntakeError) as bad_email:
        submit(reporter_email="an@@example")
    assert bad_email.value.field == "reporter_email"
    photos = [(f"{i}.jpg", image_bytes()) for i in range(6)]
    with pytest.raises(IntakeError) as too_many:
        submit(photos=photos)
    assert too_many.value.code == "too_many_photos"


# Idempotency ---------------------------------------------------------------------


def test_the_same_key_returns_the_same_report_and_writes_nothing():
    """A repeated submission with the same key returns the first report, created
    False, with the same suggestions, and runs no INSERT, UPDATE or DELETE."""
    first = submit(idempotency_key="a1b2c3d4-key", photos=[("a.jpg", image_bytes())])
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        again = submit(
            idempotency_key="a1b2c3d4-key", photos=[("a.jpg", image_bytes())]
        )
    assert again.created is False
    assert again.report.pk == first.report.pk
    assert again.duplicates == first.duplicates
    assert counts() == before
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_a_key_reused_for_another_report_is_refused():
    """The same key with a different description is refused (422), not replayed."""
    submit(idempotency_key="reused-key")
    with pytest.raises(IdempotencyKeyReused) as refused:
        submit(idempotency_key="reused-key", description="Một việc khác hẳn.")
    assert http_status(refused.value) == 422


def test_a_concurrent_winner_on_the_same_key_is_returned(monkeypatch, media):
    """When another request commits the same key between our check and our insert,
    the unique key's IntegrityError is caught and the winner returned; nothing of
    ours remains, not even the photo files."""
    photos = [("x.png", image_bytes("PNG"))]
    winner = submit(idempotency_key="race-key", photos=photos).report
    calls = []
    real = intake.report_by_key

    def late(key):
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(intake, "report_by_key", late)
    before, files_before = counts(), stored_files(media)
    result = submit(idempotency_key="race-key", photos=photos)
    assert result.created is False
    assert result.report.pk == winner.pk
    assert len(calls) == 2
    assert counts() == before
    assert stored_files(media) == files_before


# Photos --------------------------------------------------------------------------


def test_photo_with_gps_exif_is_stored_without_exif_and_suggests_the_pin(media):
    """A PNG carrying GPS EXIF: its position is read (for the pin and for staff), the
    stored copy and the thumbnail carry no EXIF at all."""
    lon, lat = 106.6155, 17.4689
    data = image_bytes("PNG", size=(640, 480), exif=gps_exif(lon, lat))
    suggestion = photo_gps(data)
    assert suggestion == pytest.approx((lon, lat), abs=1e-5)
    report = submit(photos=[("ảnh chợ.png", data)]).report
    photo = report.photos.get()
    assert (photo.gps_lon, photo.gps_lat) == pytest.approx((lon, lat), abs=1e-5)
    assert photo.content_type == "image/png"
    assert photo.size_bytes == len(data)
    assert len(photo.sha256) == 64
    for field in (photo.image, photo.thumbnail):
        with field.open("rb") as stored:
            raw = stored.read()
        assert b"Acme" not in raw
        assert b"An Nguyen" not in raw
        with Image.open(io.BytesIO(raw)) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
    with photo.thumbnail.open("rb") as stored, Image.open(stored) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 320
    assert photo.image.name.startswith(f"reports/{report.reported_at:%Y/%m}/")
    assert "ảnh chợ" not in photo.image.name


def test_orientation_is_applied_before_the_exif_is_dropped():
    """A sideways JPEG (Orientation 6) is stored upright, its width and height
    swapped, and without the orientation tag."""
    checked = photo_check(image_bytes("JPEG", size=(64, 32), exif=gps_exif(1, 1, 6)))
    assert (checked.width, checked.height) == (32, 64)
    with Image.open(io.BytesIO(checked.image)) as image:
        assert image.size == (32, 64)
        assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "fake.jpg",
            b"GIF89a? no, just text pretending to be a photo",
            "photo_not_image",
        ),
        (
            "truncated.jpg",
            image_bytes("JPEG", size=(400, 300))[:600],
            "photo_not_image",
        ),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "photo_not_image"),
        ("bomb.png", huge_png_header(20_000, 20_000), "photo_too_many_pixels"),
        ("empty.jpg", b"", "photo_empty"),
    ],
)
def test_fake_corrupt_and_bomb_images_are_refused_naming_the_file(name, content, code):
    """What does not decode fully as JPEG, PNG or WebP, or would decode to too many
    pixels, is refused with a bilingual message naming the file."""
    with pytest.raises(PhotoError) as refused:
        photo_check(content, name=name)
    assert refused.value.code == code
    assert name in refused.value.vi
    assert name in refused.value.en
    assert refused.value.field == "photos"


def test_a_photo_over_10_mb_is_refused():
    """A photo over REPORT_MAX_PHOTO_BYTES is refused before it is decoded."""
    content = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(PhotoError) as refused:
        photo_check(content, name="big.jpg")
    assert refused.value.code == "photo_too_large"
    assert "big.jpg" in refused.value.en


def test_webp_is_accepted_and_stays_webp():
    """A WebP photo is accepted by content and re-encoded as WebP."""
    checked = photo_check(image_bytes("WEBP"), name="x.bin")
    assert checked.content_type == "image/webp"
    assert checked.extension == "webp"


def test_a_phone_jpeg_with_a_second_picture_is_a_jpeg():
    """A JPEG carrying a second picture (MPO, as many phones write) is accepted and
    stored as a plain JPEG of the first picture."""
    first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (20, 10))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    checked = photo_check(out.getvalue(), name="IMG_0001.JPG")
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.image)) as stored:
        assert (stored.format, stored.size) == ("JPEG", (40, 30))


# Duplicates ----------------------------------------------------------------------


def north(metres: float) -> tuple[float, float]:
    return (DONG_PHU[0], DONG_PHU[1] + metres * LAT_M)


def test_open_reports_nearby_of_the_same_category_are_suggested():
    """Open reports of the category within 150 m and 30 days are suggested, nearest
    first, with their distance; farther, older, closed or other-category ones not."""
    waste, order = category("VSMT"), category("TTDT")
    now = timezone.now()

    def existing(metres, cat=waste, **fields):
        lon, lat = north(metres)
        report = report_create(lon=lon, lat=lat, category=cat)
        if fields:
            Report.objects.filter(pk=report.pk).update(**fields)
        return report.tracking_code

    near_100 = existing(100)
    near_40 = existing(40)
    existing(200)  # beyond the radius
    existing(20, cat=order)  # another category
    existing(30, status=Report.Status.CLOSED)  # closed
    existing(10, reported_at=now - dt.timedelta(days=40))  # outside the window

    result = submit()
    found = [(d.tracking_code, d.distance_m) for d in result.duplicates]
    assert [code for code, _ in found] == [near_40, near_100]
    assert found[0][1] == pytest.approx(40, abs=1)
    assert found[1][1] == pytest.approx(100, abs=1)
    suggestion = result.duplicates[0].as_dict()
    assert set(suggestion) == {
        "tracking_code",
        "status",
        "category",
        "reported_at",
        "lon",
        "lat",
        "distance_m",
    }
    # The new report is itself a candidate for the next one, but never for itself.
    again = duplicates_near(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category=waste, exclude_id=result.report.pk
    )
    assert result.report.tracking_code not in [d.tracking_code for d in again]


# Rate limits ---------------------------------------------------------------------


def _unique_ip() -> str:
    return (
        f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    )


def _unique_mobile() -> str:
    return f"091{random.randint(0, 9_999_999):07d}"


def test_rate_limit_per_phone_refuses_beyond_the_hourly_limit(settings):
    """The third report in an hour from one phone is refused with 429 and a wait."""
    settings.REPORT_RATE_PER_PHONE_HOUR = 2
    phone = _unique_mobile()
    submit(reporter_phone=phone)
    submit(reporter_phone=phone)
    with pytest.raises(RateLimited) as refused:
        submit(reporter_phone=phone)
    assert http_status(refused.value) == 429
    assert 0 < refused.value.extra["retry_after"] <= 3600
    assert submit(reporter_phone=_unique_mobile()).created


def test_replays_do_not_count_against_the_rate_limit(settings):
    """Repeating a submission with its key is not another report."""
    settings.REPORT_RATE_PER_IP_HOUR = 1
    ip = _unique_ip()
    first = submit(client_ip=ip, idempotency_key=f"replay-{ip}")
    again = submit(client_ip=ip, idempotency_key=f"replay-{ip}")
    assert again.report.pk == first.report.pk
    with pytest.raises(RateLimited):
        submit(client_ip=ip)


def test_an_unreachable_cache_lets_reports_through_with_a_warning(settings, caplog):
    """With Redis down the limits are not checked; the report is accepted and a
    warning logged."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.REPORT_RATE_PER_IP_HOUR = 1
    with caplog.at_level(logging.WARNING, logger="routing.intake.ratelimits"):
        assert submit(client_ip="10.0.0.1").created
        assert submit(client_ip="10.0.0.1").created
    assert "cache unreachable" in caplog.text
