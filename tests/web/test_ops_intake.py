"""The operations centre's intake desk (``/ops/intake``) through Django's test client:
who may use it, the bilingual refusals next to their fields, the time of the call
and the deadline that runs from it, the duplicate check and adding a caller to the
open report instead, one report per form however often it is sent, the caller
lookup, and the operator and channel on the staff report page."""

from __future__ import annotations

import datetime as dt
import re
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from routing.intake.desk import FOLLOWER_NOTE
from routing.models import Department, Report, ReportEvent, ReportFollower, StaffProfile
from routing.reports import roles
from routing.reports.receipt import receipt_matches
from routing.workflow.deadlines import due_at
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/ops/intake"
CALLER_URL = "/ops/intake/caller"
DONG_THUAN = (106.5894, 17.4954)
_names = count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def staff(role: str, *, department: str | None = None, unit_code: str = ""):
    user = get_user_model().objects.create_user(
        username=f"desk-{role}-{next(_names)}", password="x"
    )
    if role == "admin":
        user.is_superuser = True
        user.save()
        return user
    StaffProfile.objects.create(
        user=user,
        role=role,
        department=Department.objects.get(code=department) if department else None,
        unit_code=unit_code,
    )
    return user


@pytest.fixture
def operator(client):
    user = staff(roles.IOC_OPERATOR)
    client.force_login(user)
    return user


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def call(**fields) -> dict[str, str]:
    """A complete form for a hotline call about waste in Đồng Phú."""
    form = {
        "reporter_phone": "0905 111 222",
        "reporter_name": "Trần Thị Bình",
        "lon": str(DONG_PHU[0]),
        "lat": str(DONG_PHU[1]),
        "place_label": "Phường Đồng Phú",
        "category": "TTDT",
        "description": "Lấn chiếm vỉa hè trước chợ.",
        "channel": "hotline",
        "reported_at": local(timezone.now() - dt.timedelta(minutes=10)),
        "key": f"call-{next(_names)}",
    }
    form.update(fields)
    return form


def shown(response, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*data-value="([^"]*)"', response.text)
    assert match, f"#{element_id} not on the page"
    return match.group(1)


# --- who may use it ------------------------------------------------------------------


def test_anonymous_visitors_sign_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/ops/login?next=/ops/intake")


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (roles.DEPARTMENT_OFFICER, {"department": "qb-moitruong"}),
        (roles.UNIT_OFFICER, {"unit_code": "18880"}),
        (roles.ROUTING_OFFICER, {}),
        (roles.PLANNER, {}),
    ],
)
def test_only_the_operations_centre_takes_calls(client, role, scope):
    client.force_login(staff(role, **scope))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Bàn tiếp nhận dành cho điều phối viên" in response.text
    assert client.post(URL, call()).status_code == 403
    assert not Report.objects.filter(channel="hotline").exists()
    assert client.post(CALLER_URL, {"phone": "0905111222"}).status_code == 403


@pytest.mark.parametrize("role", [roles.IOC_OPERATOR, "admin"])
def test_the_form_opens_for_operators_and_admins(client, role):
    client.force_login(staff(role))
    before = timezone.now().replace(second=0, microsecond=0)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert 'name="channel"' in text
    assert '<option value="hotline" selected>' in text
    # The time of the call defaults to when the form was opened, in Hà Nội time.
    opened = re.search(r'name="reported_at" value="([^"]+)"', text).group(1)
    opened_at = dt.datetime.strptime(opened, "%d/%m/%Y %H:%M").replace(tzinfo=HCM)
    assert before <= opened_at <= timezone.now()
    assert 'name="key" value="' in text
    assert "Alt+P" in text
    assert "Số điện thoại" in text
    assert "Phone" in text
    assert 'href="/ops/intake"' in text  # the header links the desk
    # The map is clicked, not driven by its own keys: a region, not an application.
    assert re.search(r'id="map"[^>]*role="region"', text)
    assert 'role="application"' not in text
    assert response["Cache-Control"] == "no-store"


# --- filing ---------------------------------------------------------------------------


def test_a_call_is_filed_with_its_operator_channel_and_time(client, operator):
    called = timezone.now() - dt.timedelta(hours=3)
    response = client.post(URL, call(reported_at=local(called), urgent="1"))
    assert response.status_code == 201
    code, secret = shown(response, "result-code"), shown(response, "result-secret")
    assert response["Cache-Control"] == "no-store"  # the secret is on the page
    report = Report.objects.get(tracking_code=code)
    assert report.channel == "hotline"
    assert report.received_by == operator
    assert report.reporter_phone == "+84905111222"
    assert report.urgent
    assert receipt_matches(report, secret)
    assert report.unit.name == "Phường Đồng Hới"
    # The deadline runs from the time of the call, not from when it was typed in.
    assert report.reported_at == called.replace(second=0, microsecond=0)
    assert report.due_at == due_at(
        category=report.category, start=report.reported_at, urgent=True
    )
    submitted = report.events.get(kind=ReportEvent.Kind.SUBMITTED)
    assert submitted.actor == operator
    assert submitted.actor_role == roles.IOC_OPERATOR
    # The staff report page says how it came in and who took it.
    page = client.get(f"/ops/r/{code}")
    assert 'data-channel="hotline"' in page.text
    assert f"người tiếp nhận: {operator.username}" in page.text


@pytest.mark.parametrize("channel", ["email", "walk_in"])
def test_letters_and_visits_are_filed_on_their_channel(client, operator, channel):
    form = call(channel=channel, reporter_phone="", reporter_email="an@example.vn")
    response = client.post(URL, form)
    assert response.status_code == 201
    report = Report.objects.get(tracking_code=shown(response, "result-code"))
    assert report.channel == channel
    assert report.reporter_email == "an@example.vn"
    assert report.received_by == operator


def test_a_double_enter_files_one_report(client, operator):
    form = call()
    first = client.post(URL, form)
    again = client.post(URL, form)
    assert (first.status_code, again.status_code) == (201, 200)
    assert shown(again, "result-code") == shown(first, "result-code")
    assert shown(again, "result-secret") == shown(first, "result-secret")
    assert "đã được tạo trước đó" in again.text
    assert Report.objects.filter(received_by=operator).count() == 1


def test_a_form_changed_after_filing_comes_back_with_a_new_key(client, operator):
    """Back, edit, send: the key is refused for different content, and the form
    comes back with the desk's own message and a new key, so it can be filed."""
    form = call(key="desk-key-1", action="file_anyway")
    assert client.post(URL, form).status_code == 201
    changed = form | {"description": "Một vụ khác: cây đổ chắn đường."}
    refused = client.post(URL, changed)
    assert refused.status_code == 409
    assert 'data-code="form_already_filed"' in refused.text
    assert "Idempotency-Key" not in refused.text  # not the API's words
    assert "Biểu mẫu này đã được dùng" in refused.text
    assert "This form already filed another report" in refused.text
    new_key = re.search(r'name="key" value="([^"]+)"', refused.text).group(1)
    assert new_key != "desk-key-1"
    again = client.post(URL, changed | {"key": new_key})
    assert again.status_code == 201
    assert Report.objects.filter(received_by=operator).count() == 2


def test_keys_are_the_operators_own(client, operator):
    """Another operator sending the same key files their own report."""
    form = call(key="same-key", action="file_anyway")
    first = shown(client.post(URL, form), "result-code")
    client.force_login(staff(roles.IOC_OPERATOR))
    second = shown(client.post(URL, form), "result-code")
    assert first != second


@pytest.mark.parametrize(
    ("fields", "slot", "vi", "en"),
    [
        (
            {"lon": "", "lat": ""},
            "place",
            "Hãy chọn địa điểm",
            "Choose the place",
        ),
        ({"category": ""}, "category", "Hãy chọn loại vấn đề", "Choose what"),
        ({"reporter_phone": "12"}, "reporter_phone", "không hợp lệ", "phone number"),
        ({"channel": "web"}, "channel", "Kênh tiếp nhận phải là", "The channel must"),
        # A NUL byte (PostgreSQL cannot take one) is a form error, not a 500.
        ({"category": "VS\x00MT"}, "category", "Hãy chọn loại vấn đề", "Choose what"),
        ({"channel": "hot\x00line"}, "channel", "Kênh tiếp nhận", "The channel must"),
        ({"key": "k\x00"}, "", "Khóa", "Idempotency-Key"),
        (
            {"reporter_phone": "", "anonymous": ""},
            "",
            "số điện thoại",
            "phone",
        ),
        (
            {"description": "<b>rác</b>"},
            "description",
            "không được chứa mã HTML",
            "must not contain HTML",
        ),
        (
            {"reported_at": "hôm qua"},
            "reported_at",
            "phải có dạng ngày và giờ",
            "must be a date and a time",
        ),
    ],
)
def test_refusals_are_bilingual_and_keep_what_was_typed(
    client, operator, fields, slot, vi, en
):
    response = client.post(URL, call(**fields))
    assert response.status_code == 400
    error = re.search(r'id="form-error"[^>]*>(.*?)</div>', response.text, re.S)
    assert error
    assert vi in error.group(1)
    assert en in error.group(1)
    if slot:
        assert f'data-field="{slot}"' in response.text
    assert "Trần Thị Bình" in response.text  # the operator retypes nothing
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "offset", [dt.timedelta(hours=2), -dt.timedelta(hours=25), -dt.timedelta(days=3)]
)
def test_the_time_of_the_call_is_bounded(client, operator, offset):
    """Not in the future, not more than a day back (its deadline runs from it)."""
    response = client.post(URL, call(reported_at=local(timezone.now() + offset)))
    assert response.status_code == 400
    assert "Thời điểm cuộc gọi không được ở tương lai hay quá 24 giờ" in response.text
    assert "more than 24 hours ago" in response.text
    assert not Report.objects.exists()


def test_a_call_from_23_hours_ago_is_filed(client, operator):
    """Typed as dd/mm/yyyy hh:mm or sent as ISO (a script's datetime-local)."""
    called = timezone.localtime(timezone.now() - dt.timedelta(hours=23))
    response = client.post(URL, call(reported_at=called.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 201
    report = Report.objects.get(tracking_code=shown(response, "result-code"))
    assert report.reported_at == called.replace(second=0, microsecond=0)


def test_the_api_records_the_operator_and_holds_the_same_bound(client, operator):
    """Staff filing a hotline call through the API are its ``received_by`` too, and
    cannot back-date it by days."""
    body = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "TTDT",
        "description": "Lấn chiếm vỉa hè.",
        "reporter_phone": "0905111222",
        "channel": "walk_in",
    }
    called = timezone.now() - dt.timedelta(hours=2)
    response = client.post(
        "/api/v1/reports/",
        {**body, "reported_at": called.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    report = Report.objects.get(tracking_code=response.json()["tracking_code"])
    assert report.received_by == operator
    assert report.channel == "walk_in"
    assert report.due_at == due_at(category=report.category, start=called)
    response = client.post(
        "/api/v1/reports/",
        {**body, "reported_at": (timezone.now() - dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_call_time"


def test_citizens_reports_have_no_operator(client):
    response = client.post(
        "/api/v1/reports/",
        {
            "lon": DONG_PHU[0],
            "lat": DONG_PHU[1],
            "category": "TTDT",
            "description": "Lấn chiếm vỉa hè.",
            "reporter_phone": "0905111222",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    report = Report.objects.get(tracking_code=response.json()["tracking_code"])
    assert report.received_by is None


# --- the duplicate check ---------------------------------------------------------------


def existing(**fields) -> Report:
    fields.setdefault("reporter_phone", "0912000111")
    return report_create(
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        category="TTDT",
        description="Quán lấn chiếm vỉa hè.",
        **fields,
    )


def test_open_reports_nearby_are_offered_before_filing(client, operator):
    earlier = existing()
    response = client.post(URL, call())
    assert response.status_code == 200
    assert 'id="duplicates"' in response.text
    assert f'name="follow" value="{earlier.tracking_code}"' in response.text
    assert "Vẫn tạo phản ánh mới" in response.text
    assert Report.objects.count() == 1  # nothing filed yet


def test_the_caller_is_added_to_the_open_report(client, operator):
    earlier = existing()
    form = call(follow=earlier.tracking_code)
    response = client.post(URL, form)
    assert response.status_code == 200
    assert "Đã thêm người gọi vào phản ánh" in response.text
    assert shown(response, "result-code") == earlier.tracking_code
    assert 'id="result-secret"' not in response.text  # not theirs to hold
    follower = ReportFollower.objects.get(report=earlier)
    assert follower.phone == "+84905111222"
    assert follower.source == ReportFollower.Source.DESK
    assert follower.added_by == operator
    assert not follower.verified
    note = earlier.events.get(kind=ReportEvent.Kind.COMMENT)
    assert not note.public
    assert note.note == FOLLOWER_NOTE
    assert "905" not in note.note
    assert "905" not in str(note.data)
    assert Report.objects.count() == 1
    # Sent again (a double Enter): still one follower, one note.
    again = client.post(URL, form)
    assert "đã theo dõi phản ánh này" in again.text
    assert ReportFollower.objects.filter(report=earlier).count() == 1
    assert earlier.events.filter(kind=ReportEvent.Kind.COMMENT).count() == 1


def test_a_follow_with_a_nul_byte_is_a_form_error(client, operator):
    earlier = existing()
    response = client.post(URL, call(follow=f"{earlier.tracking_code}\x00"))
    assert response.status_code == 404
    assert 'id="form-error"' in response.text
    assert "Không có phản ánh" in response.text
    bad_channel = client.post(
        URL, call(follow=earlier.tracking_code, channel="walk\x00_in")
    )
    assert bad_channel.status_code == 400
    assert 'data-field="channel"' in bad_channel.text
    assert not earlier.followers.exists()


def test_a_caller_without_a_phone_cannot_be_added(client, operator):
    earlier = existing()
    response = client.post(
        URL, call(follow=earlier.tracking_code, reporter_phone="", anonymous="1")
    )
    assert response.status_code == 400
    assert "Cần số điện thoại của người gọi" in response.text
    assert not ReportFollower.objects.exists()


def test_the_reporter_calling_again_is_not_added(client, operator):
    earlier = existing(reporter_phone="0905111222")
    response = client.post(URL, call(follow=earlier.tracking_code))
    assert "Người gọi chính là người phản ánh" in response.text
    assert not ReportFollower.objects.exists()


def test_a_closed_report_takes_no_follower(client, operator):
    earlier = existing()
    Report.objects.filter(pk=earlier.pk).update(status="closed")
    response = client.post(URL, call(follow=earlier.tracking_code))
    assert response.status_code == 409
    assert "đã đóng" in response.text
    assert not ReportFollower.objects.exists()


def test_filing_anyway_makes_a_new_report(client, operator):
    earlier = existing()
    response = client.post(URL, call(action="file_anyway"))
    assert response.status_code == 201
    code = shown(response, "result-code")
    assert code != earlier.tracking_code
    assert Report.objects.count() == 2


def test_another_category_or_a_far_place_is_no_duplicate(client, operator):
    existing()
    assert client.post(URL, call(category="VSMT")).status_code == 201
    far = call(lon=str(DONG_THUAN[0]), lat=str(DONG_THUAN[1]))
    assert client.post(URL, far).status_code == 201


# --- the caller lookup ------------------------------------------------------------------


def test_the_caller_lookup_finds_their_reports_and_open_ones_nearby(client, operator):
    theirs = existing(reporter_phone="0905111222")
    followed = report_create(
        lon=DONG_THUAN[0],
        lat=DONG_THUAN[1],
        category="VSMT",
        reporter_phone="0912999888",
    )
    ReportFollower.objects.create(
        report=followed, phone="+84905111222", source=ReportFollower.Source.DESK
    )
    someone_elses = existing(reporter_phone="0912000333")
    response = client.post(
        CALLER_URL,
        {"phone": "0905 111 222", "lon": DONG_PHU[0], "lat": DONG_PHU[1]},
        content_type="application/json",
    )
    assert response["Cache-Control"] == "no-store"
    answer = response.json()
    assert answer["phone"] == "+84905111222"
    mine = {(r["code"], r["relation"]) for r in answer["reports"]}
    assert mine == {
        (theirs.tracking_code, "reporter"),
        (followed.tracking_code, "follower"),
    }
    nearby = {r["code"] for r in answer["nearby"]}
    assert nearby == {theirs.tracking_code, someone_elses.tracking_code}
    assert all(r["distance_m"] <= 300 for r in answer["nearby"])


def test_the_caller_lookup_refuses_a_bad_phone_in_both_languages(client, operator):
    response = client.post(CALLER_URL, {"phone": "12"})  # a form body works too
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "reporter_phone"
    assert body["messages"]["vi"] != body["messages"]["en"]


def test_the_caller_lookup_is_not_public(client):
    response = client.post(CALLER_URL, {"phone": "0905111222"})
    assert response.status_code == 401
    assert "phone" not in response.json()


def test_the_caller_lookup_keeps_phones_out_of_urls(client, operator):
    """A GET (the phone in the query string, so in access logs) is refused."""
    response = client.get(CALLER_URL, {"phone": "0905111222"})
    assert response.status_code == 405
    assert not Report.objects.exists()


def test_the_caller_lookup_takes_no_post_without_csrf(operator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    response = strict.post(
        CALLER_URL, {"phone": "0905111222"}, content_type="application/json"
    )
    assert response.status_code == 403
