"""The moderation queue (``/ops/moderation``): only reports waiting for review,
newest first; the masks highlighted in escaped text; approve with an edited text
and hidden photos, refuse with a required reason, each audited; reviewers only;
the header's link with the pending count."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from routing.intake.photos import CheckedPhoto, photos_check
from routing.models import Report, ReportEvent, StaffProfile
from routing.reports import roles
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/ops/moderation"
P = Report.Publication


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


def pending(day: int, count: int = 0, **fields) -> Report:
    """A named report (pending review), reported on ``day`` March 2026."""
    report = report_create(
        reporter_phone="0912345678",
        description=f"Rác ở chợ ngày {day}.",
        photos=photos(count) if count else (),
        reported_at=dt.datetime(2026, 3, day, 9, 30, tzinfo=HCM),
        **fields,
    )
    assert report.publication == P.PENDING
    return report


def page(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_lists_only_pending_reports_newest_first_with_filters(client):
    old, new = pending(2), pending(5)
    other = pending(4, category="CTN")
    private = report_create(description="Không công khai.", anonymous=True)
    assert private.publication == P.PRIVATE
    decided = pending(3)
    report_force(decided, publication=P.APPROVED)
    client.force_login(staff(roles.IOC_OPERATOR))
    html = page(client)
    codes = [new.tracking_code, other.tracking_code, old.tracking_code]
    positions = [html.index(f'data-code="{code}"') for code in codes]
    assert positions == sorted(positions)
    assert f'data-code="{decided.tracking_code}"' not in html
    assert f'data-code="{private.tracking_code}"' not in html
    assert "05/03/2026 09:30" in html
    assert "3 phản ánh chờ duyệt công khai" in html
    by_category = page(client, "?category=CTN")
    assert f'data-code="{other.tracking_code}"' in by_category
    assert f'data-code="{new.tracking_code}"' not in by_category
    by_unit = page(client, f"?unit={new.unit.code}")
    assert f'data-code="{new.tracking_code}"' in by_unit
    assert 'id="moderation-empty"' in page(client, "?unit=99999")


def test_masks_are_highlighted_in_escaped_text(client):
    report = pending(3, count=1)
    report_force(
        report,
        description="<script>alert(1)</script> Gọi 0912 345 678 hoặc a@b.vn & xem.",
    )
    client.force_login(staff(roles.IOC_OPERATOR))
    html = page(client)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gọi " in html
    assert '<mark class="redacted">[SĐT đã ẩn]</mark>' in html
    assert '<mark class="redacted">[email đã ẩn]</mark> &amp; xem.' in html
    assert "0912 345 678" not in html
    # The proposal in the textarea is the masked text, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gọi [SĐT đã ẩn]" in html
    photo = report.photos.get()
    assert photo.thumbnail.url in html


def test_approve_with_edited_text_and_a_hidden_photo_is_audited(client):
    report = pending(3, count=2)
    first, second = report.photos.order_by("pk")
    ioc = staff(roles.IOC_OPERATOR)
    client.force_login(ioc)
    response = client.post(
        URL + "?category=VSMT",
        {
            "code": report.tracking_code,
            "decision": "approve",
            "public_description": "Rác ở chợ chưa thu gom.",
            "photo": [str(second.pk)],
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{URL}?category=VSMT&done=")
    report.refresh_from_db()
    assert report.publication == P.APPROVED
    assert report.public_description == "Rác ở chợ chưa thu gom."
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.public, second.public) == (False, True)
    event = report.events.get(kind=ReportEvent.Kind.PUBLICATION)
    assert (event.actor, event.actor_role, event.public) == (ioc, "ioc_operator", False)
    assert event.data["photos"] == [second.pk]
    html = page(client, "?done=" + report.tracking_code + "&decision=approve")
    assert f'data-code="{report.tracking_code}"' not in html
    assert 'id="moderation-done"' in html


def test_refusing_needs_a_reason_and_is_audited(client):
    report = pending(3)
    admin = staff(roles.ADMIN)
    client.force_login(admin)
    body = {"code": report.tracking_code, "decision": "withhold", "reason": "  "}
    refused = client.post(URL, body)
    assert refused.status_code == 400
    assert refused["Cache-Control"] == "no-store"
    assert "Cần ghi lý do không công khai" in refused.content.decode()
    report.refresh_from_db()
    assert report.publication == P.PENDING
    assert not report.events.filter(kind=ReportEvent.Kind.PUBLICATION).exists()
    body["reason"] = "Ảnh chụp rõ mặt người đi đường."
    assert client.post(URL, body).status_code == 302
    report.refresh_from_db()
    assert report.publication == P.WITHHELD
    event = report.events.get(kind=ReportEvent.Kind.PUBLICATION)
    assert (event.actor, event.actor_role, event.public) == (admin, "admin", False)
    assert event.note == event.data["reason"] == "Ảnh chụp rõ mặt người đi đường."
    # Not public: the tracking page has no trace of the reason.
    track = client.get(f"/r/{report.tracking_code}").content.decode()
    assert "mặt người đi đường" not in track
    # Decided: a second post finds nothing pending (409), an unknown decision 400.
    assert client.post(URL, body).status_code == 409
    assert client.post(URL, {**body, "decision": "maybe"}).status_code == 400


def test_other_roles_are_refused_and_anonymous_sent_to_sign_in(client):
    report = pending(3)
    anonymous = client.get(URL)
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"]
    others = [
        staff(roles.DEPARTMENT_OFFICER, department=report.department),
        staff(roles.UNIT_OFFICER, unit_code=report.unit.code),
        staff(roles.ROUTING_OFFICER),
        staff(roles.PLANNER),
    ]
    for user in others:
        client.force_login(user)
        assert client.get(URL).status_code == 403
        body = {"code": report.tracking_code, "decision": "approve"}
        assert client.post(URL, body).status_code == 403
    report.refresh_from_db()
    assert report.publication == P.PENDING


def test_the_header_links_reviewers_to_the_queue_with_the_count(client):
    pending(2)
    pending(3)
    client.force_login(staff(roles.IOC_OPERATOR))
    html = client.get("/ops/").content.decode()
    assert f'<a href="{URL}">Kiểm duyệt (2)</a>' in html
    client.force_login(staff(roles.UNIT_OFFICER, unit_code="19999"))
    assert URL not in client.get("/ops/").content.decode()
