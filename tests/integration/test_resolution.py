"""Proof of resolution: resolving needs a public result note (cleaned by the intake
text check, masked, at most 2000 characters once masked) and, for categories that
require it, a photo of the fix; the note is public on /r/<code>; the reporter is
asked to rate the result through their receipt link."""

from __future__ import annotations

import io
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from PIL import Image

from routing import workflow
from routing.models import Category, Notification, Report, ReportPhoto, StaffProfile
from routing.notifications.sms import MemorySmsBackend
from routing.notifications.sms_length import sms_segments
from routing.notifications.tasks import deliver
from routing.reports import roles
from routing.reports.receipt import receipt_secret
from routing.workflow import WorkflowError
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reports"
NOTE = "Đã thu gom rác, vệ sinh khu vực. Liên hệ tổ trưởng 0912 345 678."
MASKED = "Đã thu gom rác, vệ sinh khu vực. Liên hệ tổ trưởng [SĐT đã ẩn]."
_names = count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ioc():
    user = get_user_model().objects.create_user(f"ioc-resolve-{next(_names)}")
    StaffProfile.objects.create(user=user, role=roles.IOC_OPERATOR)
    return user


def in_progress(category: str = "VSMT", **fields) -> Report:
    return report_force(
        report_create(category=category, **fields), status="in_progress"
    )


def jpeg(name: str = "sau.jpg") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def resolve_api(api, report: Report, note: str, photos=()):
    body = {"to": "resolved", "note": note, "public": "true"}
    if photos:
        body["photos"] = list(photos)
        return api.post(f"{BASE}/{report.tracking_code}/transitions", body)
    return api.post(
        f"{BASE}/{report.tracking_code}/transitions",
        body,
        content_type="application/json",
    )


# The rule, in the domain service ---------------------------------------------------


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("", "result_note_required"),
        ("  \n ", "result_note_required"),
        ("x" * 2001, "result_note_too_long"),
        ("<script>alert(1)</script>", "result_note_html_not_allowed"),
    ],
)
def test_resolving_refuses_a_bad_result_note(note, code):
    report = in_progress()
    with pytest.raises(WorkflowError) as refused:
        workflow.report_transition(
            report=report, to_status="resolved", actor=ioc(), note=note
        )
    assert refused.value.code == code
    assert refused.value.field == "note"
    assert refused.value.vi
    assert refused.value.en
    report.refresh_from_db()
    assert (report.status, report.result_note) == ("in_progress", "")


def test_the_result_note_is_stored_masked_on_the_report_and_the_event():
    report = workflow.report_transition(
        report=in_progress(), to_status="resolved", actor=ioc(), note=NOTE
    )
    assert report.result_note == MASKED
    event = report.events.get(to_status="resolved")
    assert (event.note, event.public) == (MASKED, True)
    assert "0912" not in report.result_note
    # Exactly 2000 characters pass, a line break is fine.
    again = workflow.report_transition(
        report=in_progress(), to_status="resolved", actor=ioc(), note="a\n" + "b" * 1998
    )
    assert len(again.result_note) == 2000


def test_a_category_that_requires_an_after_photo(api):
    Category.objects.filter(code="VSMT").update(requires_after_photo=True)
    report = in_progress()
    api.force_login(ioc())
    refused = resolve_api(api, report, NOTE)
    assert refused.status_code == 400
    assert refused.json()["code"] == "after_photo_required"
    assert refused.json()["field"] == "photos"
    assert set(refused.json()["messages"]) == {"vi", "en"}
    not_an_image = io.BytesIO(b"not an image")
    not_an_image.name = "sau.jpg"
    assert resolve_api(api, report, NOTE, [not_an_image]).status_code == 400
    resolved = resolve_api(api, report, NOTE, [jpeg()])
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["result_note"] == MASKED
    after = ReportPhoto.objects.get(report=report)
    assert after.of_resolution
    event = report.events.get(to_status="resolved")
    assert event.data["after_photos"] == [after.pk]
    # The public sees the photo of the fix.
    track = api.get(f"{BASE}/track/{report.tracking_code}").json()
    assert [p["of_resolution"] for p in track["photos"]] == [True]


def test_an_after_photo_uploaded_before_counts_and_photos_only_come_with_resolving(
    api,
):
    Category.objects.filter(code="VSMT").update(requires_after_photo=True)
    report = report_create(category="VSMT")  # assigned
    api.force_login(ioc())
    other = api.post(
        f"{BASE}/{report.tracking_code}/transitions",
        {"to": "in_progress", "note": "", "photos": [jpeg()]},
    )
    assert other.status_code == 400
    assert other.json()["code"] == "after_photo_only_when_resolving"
    assert not ReportPhoto.objects.filter(report=report).exists()
    report_force(report, status="reopened")
    first = ReportPhoto.objects.create(
        report=report,
        image="x.jpg",
        thumbnail="x-thumb.jpg",
        content_type="image/jpeg",
        width=1,
        height=1,
        size_bytes=1,
        sha256="0" * 64,
        of_resolution=True,
    )
    assert resolve_api(api, report, NOTE).status_code == 200
    assert list(report.photos.values_list("pk", flat=True)) == [first.pk]


def test_without_a_note_the_api_refuses_with_400(api):
    report = in_progress()
    api.force_login(ioc())
    refused = resolve_api(api, report, "   ")
    assert refused.status_code == 400
    assert refused.json()["code"] == "result_note_required"
    assert refused.json()["messages"]["vi"].startswith("Cần ghi kết quả xử lý")


# What the public reads ---------------------------------------------------------------


def test_the_masked_note_is_public_on_the_tracking_page_even_for_private_words(
    client,
):
    report = in_progress(
        description="Rác ở nhà tôi, gọi 0987654321", reporter_phone="0912345678"
    )
    assert report.publication != Report.Publication.APPROVED  # words not public
    page = client.get(f"/r/{report.tracking_code}").content.decode()
    assert 'id="result-note"' not in page
    workflow.report_transition(
        report=report, to_status="resolved", actor=ioc(), note=NOTE
    )
    page = client.get(f"/r/{report.tracking_code}").content.decode()
    assert 'id="result-note"' in page
    assert MASKED in page
    assert "0912 345 678" not in page
    assert "0987654321" not in page
    track = client.get(f"{BASE}/track/{report.tracking_code}").json()
    assert track["result_note"] == MASKED
    assert track["description"] == ""
    # Closed: still shown; reopened: not (the work goes on).
    report_force(report, status="closed")
    assert client.get(f"{BASE}/track/{report.tracking_code}").json()["result_note"]
    report_force(report, status="reopened")
    assert (
        client.get(f"{BASE}/track/{report.tracking_code}").json()["result_note"] == ""
    )


def test_a_note_written_before_the_rule_is_masked_when_shown(client):
    report = report_force(
        in_progress(), status="resolved", result_note="Gọi anh Nam 0912345678."
    )
    track = client.get(f"{BASE}/track/{report.tracking_code}").json()
    assert track["result_note"] == "Gọi anh Nam [SĐT đã ẩn]."


# The reporter is asked to rate -------------------------------------------------------


def test_the_reporter_gets_the_result_and_the_link_to_rate(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    settings.SMS_ASCII_ONLY = True
    settings.SMS_MAX_SEGMENTS = 1
    settings.PUBLIC_SITE_URL = "https://phananhhientruong.quangtri.gov.vn"
    MemorySmsBackend.outbox.clear()
    report = in_progress(
        reporter_email="dan@example.org",
        reporter_phone="0912345678",
        contact_verified=True,
    )
    report_force(report, email_verified=True)
    Notification.objects.all().delete()
    mail.outbox.clear()
    workflow.report_transition(
        report=report, to_status="resolved", actor=ioc(), note=NOTE
    )
    rows = Notification.objects.filter(
        report=report, recipient__in=["dan@example.org", "+84912345678"]
    )
    assert rows.count() == 2
    for row in rows:
        assert deliver(row.pk) == "sent"
    secret = receipt_secret(report)
    link = f"/r/{report.tracking_code}#k={secret}"
    (email,) = [m for m in mail.outbox if "dan@example.org" in m.to]
    assert "mời đánh giá" in email.subject
    assert f"Kết quả xử lý: {MASKED}" in email.body
    assert link in email.body
    (sms,) = [m.text for m in MemorySmsBackend.outbox]
    MemorySmsBackend.outbox.clear()
    assert link in sms
    assert "danh gia" in sms.lower() or "đánh giá" in sms
    length = sms_segments(sms)
    assert (length.encoding, length.segments) == ("GSM-7", 1), (length, sms)
