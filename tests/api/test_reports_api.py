"""The reports API: submit (JSON and multipart), replay, tracking, nearby, photos,
and the staff list and detail scoped by role."""

from __future__ import annotations

import io
import json
import random
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from routing.models import Category, Department, Report, ReportPhoto, StaffProfile
from routing.reports.receipt import receipt_matches
from routing.reports.selectors import reports_select
from routing.reports.tracking import tracking_code_normalise
from tests.factories import report_create, report_publish
from tests.points import DONG_PHU, OFFSHORE

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
PERSONAL = ("Nguyễn Văn An", "+84912345678", "0912345678", "an@example.vn")


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


def payload(**fields) -> dict:
    return {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": "Rác thải đổ bừa bãi cạnh chợ.",
        "reporter_name": "Nguyễn Văn An",
        "reporter_phone": "0912345678",
        "reporter_email": "an@example.vn",
        **fields,
    }


def post_json(api, headers=None, **fields):
    return api.post(
        REPORTS,
        json.dumps(payload(**fields)),
        content_type="application/json",
        **(headers or {}),
    )


def jpeg(name: str = "cho.jpg") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def staff(role: str, department: str | None = None, **profile):
    user = get_user_model().objects.create_user(
        username=f"{role}-{uuid.uuid4().hex[:8]}", password="x"
    )
    StaffProfile.objects.create(
        user=user,
        role=role,
        department=Department.objects.get(code=department) if department else None,
        **profile,
    )
    return user


def create(code: str = "VSMT", **fields) -> Report:
    return report_create(category=code, **fields)


# Submitting ----------------------------------------------------------------------


def test_submit_json_returns_the_receipt(api):
    """A JSON submission answers 201 with the tracking code, status, unit,
    department, deadline in +07:00, the routing reason and the suggestions."""
    response = post_json(api)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert tracking_code_normalise(body["tracking_code"]) == body["tracking_code"]
    assert body["status"] == "assigned"
    assert body["unit"]["code"] == "18880"
    assert body["department"]["code"] == "qb-moitruong"
    assert body["due_at"].endswith("+07:00")
    assert body["reported_at"].endswith("+07:00")
    assert body["routing"]["rule"] == "zone"
    assert body["routing"]["reason_vi"]
    assert body["routing"]["reason_en"]
    assert body["duplicates"] == []
    assert response["Location"].endswith(f"/track/{body['tracking_code']}")
    text = response.content.decode()
    assert all(value not in text for value in PERSONAL)
    # The reporter's receipt: shown once, in the page's fragment, never stored.
    report = Report.objects.get(tracking_code=body["tracking_code"])
    assert receipt_matches(report, body["receipt_secret"])
    assert body["receipt_secret"] not in report.receipt_hash + report.receipt_nonce
    assert body["receipt_url"] == (
        f"http://testserver/r/{body['tracking_code']}#k={body['receipt_secret']}"
    )


def test_replay_with_the_same_key_answers_200_with_the_same_body(api):
    """The Idempotency-Key header makes a retry return the same report, 200 instead
    of 201, with an identical body; the field works as well as the header."""
    headers = {"HTTP_IDEMPOTENCY_KEY": '"5f1c1c2e-0d7e-4c1e-9d0a-1d2b3c4d5e6f"'}
    first = post_json(api, headers)
    again = post_json(api, headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Report.objects.count() == 1
    by_field = post_json(api, idempotency_key="5f1c1c2e-0d7e-4c1e-9d0a-1d2b3c4d5e6f")
    assert by_field.status_code == 200
    assert by_field.json()["tracking_code"] == first.json()["tracking_code"]


def test_multipart_submission_with_photos(api):
    """A form with photos stores them with thumbnails; the receipt lists only
    public photos: none before the operations centre approves publication."""
    response = api.post(
        REPORTS, {**payload(), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["photos"] == []
    assert response.json()["publication"] == "pending"
    code = response.json()["tracking_code"]
    stored = ReportPhoto.objects.filter(report__tracking_code=code)
    assert stored.count() == 2
    assert all(p.thumbnail.name.endswith("-thumb.jpg") for p in stored)
    assert all(p.image.name.startswith("reports/") for p in stored)


def test_a_fake_image_is_refused_naming_the_file_and_nothing_is_stored(api, media):
    """Text bytes named .jpg are refused with 400 naming the file; no report."""
    fake = io.BytesIO(b"this is plain text, not a photograph")
    fake.name = "anh-ho-ga.jpg"
    response = api.post(REPORTS, {**payload(), "photos": [jpeg(), fake]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "photo_not_image"
    assert body["field"] == "photos"
    assert body["file"] == "anh-ho-ga.jpg"
    assert "anh-ho-ga.jpg" in body["messages"]["vi"]
    assert "anh-ho-ga.jpg" in body["messages"]["en"]
    assert Report.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("phone", "status_code"),
    [
        ("0912345678", 201),
        ("+84912345678", 201),
        ("01234567890", 400),
        ("12345", 400),
    ],
)
def test_phone_formats(api, phone, status_code):
    """National and +84 mobile numbers pass; the old 11-digit 01xx form and short
    numbers are refused naming the field."""
    response = post_json(api, reporter_phone=phone)
    assert response.status_code == status_code
    if status_code == 201:
        report = Report.objects.get(tracking_code=response.json()["tracking_code"])
        assert report.reporter_phone == "+84912345678"
    else:
        body = response.json()
        assert body["field"] == "reporter_phone"
        assert body["messages"]["vi"]
        assert body["messages"]["en"]


def test_description_over_4000_characters_is_400(api):
    """A 4001-character description is refused, naming the field, in both languages."""
    response = post_json(api, description="x" * 4001)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_long"
    assert body["field"] == "description"
    assert set(body["messages"]) == {"vi", "en"}


def test_missing_and_malformed_fields_are_bilingual_400s(api):
    """Missing coordinates and an unknown category are refused in both languages."""
    no_lat = api.post(
        REPORTS,
        json.dumps({k: v for k, v in payload().items() if k != "lat"}),
        content_type="application/json",
    )
    assert no_lat.status_code == 400
    assert no_lat.json()["field"] == "lat"
    unknown = post_json(api, category="NOPE")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_category"
    hotline = post_json(api, channel="hotline")
    assert hotline.status_code == 400
    assert hotline.json()["field"] == "channel"


@pytest.mark.parametrize(
    ("role", "department", "profile"),
    [
        ("department_officer", "qb-moitruong", {}),
        ("unit_officer", None, {"unit_code": "18880"}),
        ("routing_officer", None, {}),
        ("planner", None, {}),
    ],
)
@pytest.mark.parametrize("channel", ["hotline", "email", "walk_in"])
def test_only_the_desk_files_on_the_desk_channels(
    api, role, department, profile, channel
):
    """The desk's channels need the desk's permission, as /ops/intake does."""
    api.force_login(staff(role, department, **profile))
    response = post_json(api, channel=channel)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("bad_channel", "channel")
    assert body["messages"]["vi"] != body["messages"]["en"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["ioc_operator", "admin"])
def test_the_desk_files_on_the_desk_channels(api, role):
    api.force_login(staff(role))
    response = post_json(api, channel="walk_in")
    assert response.status_code == 201, response.json()
    assert Report.objects.get().channel == "walk_in"


def test_outside_the_province_is_404_naming_the_nearest_unit(api):
    """A pin at sea beyond the tolerance is refused with 404 and the nearest unit."""
    response = post_json(api, lon=OFFSHORE[0], lat=OFFSHORE[1])
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "outside_all_units"
    assert body["nearest"]["name"] in body["messages"]["vi"]
    assert body["nearest"]["name"] in body["messages"]["en"]


def test_rate_limit_per_ip_answers_429_after_the_limit(api, settings):
    """The third report in an hour from one address is refused with 429, a
    bilingual message and Retry-After."""
    settings.REPORT_RATE_PER_IP_HOUR = 2
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.7"
    ip = {"REMOTE_ADDR": address}
    assert post_json(api, ip).status_code == 201
    assert post_json(api, ip).status_code == 201
    refused = post_json(api, ip)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert set(refused.json()["messages"]) == {"vi", "en"}
    assert 0 < int(refused["Retry-After"]) <= 3600
    other = post_json(api, {"REMOTE_ADDR": f"{address}1"[:15]})
    assert other.status_code == 201


def test_rate_limit_behind_our_proxy_counts_each_citizen(api, settings):
    """Behind a trusted reverse proxy every request comes from the proxy; each
    citizen (the X-Forwarded-For hop the proxy added) still has their own limit."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.REPORT_RATE_PER_IP_HOUR = 1
    citizen = f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"
    neighbour = f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}"

    def through_proxy(address: str):
        headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": address}
        return post_json(api, headers)

    assert through_proxy(citizen).status_code == 201
    assert through_proxy(neighbour).status_code == 201
    assert through_proxy(citizen).status_code == 429


# Citizen reads -------------------------------------------------------------------


def test_public_tracking_accepts_loose_input_and_shows_no_personal_data(api):
    """'ht 7k3q x9mb' style input finds the report; the answer has the status,
    unit, department, deadline, public events and photos, and no name, phone or
    e-mail."""
    created = api.post(REPORTS, {**payload(), "photos": [jpeg()]}).json()
    code = created["tracking_code"]
    loose = code.lower().replace("-", " ")
    response = api.get(f"{REPORTS}track/{loose}")
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == code
    assert body["status"]["code"] == "assigned"
    assert body["unit"]["name"]
    assert body["department"]["name_vi"]
    assert body["due_at"].endswith("+07:00")
    assert [e["kind"] for e in body["events"]] == ["submitted", "status"]
    assert body["photos"] == []  # not approved for publication yet
    assert body["description"] == ""
    report_publish(Report.objects.get(tracking_code=code))
    response = api.get(f"{REPORTS}track/{loose}")
    body = response.json()
    assert len(body["photos"]) == 1
    assert "gps" not in body["photos"][0]
    assert body["description"] == "Rác thải đổ bừa bãi cạnh chợ."
    text = response.content.decode()
    assert all(value not in text for value in PERSONAL)
    assert "reporter" not in text
    by_query = api.get(f"{REPORTS}track", {"code": code[3:].replace("-", "")})
    assert by_query.json()["tracking_code"] == code


def test_public_tracking_of_an_unknown_code_is_a_bilingual_404(api):
    """A code nobody holds, or not shaped like one, is 404 in both languages."""
    for code in ("HT-2222-2222", "hello"):
        response = api.get(f"{REPORTS}track/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "report_not_found"
        assert set(response.json()["messages"]) == {"vi", "en"}


def test_nearby_suggests_open_reports_of_the_category_without_personal_data(api):
    """Before sending, the citizen sees open reports of the same category nearby,
    with their distance, and nothing about who reported them."""
    near = create(
        reporter_name="Nguyễn Văn An", reporter_phone="+84912345678", description="x"
    )
    create("TTDT")
    response = api.get(
        f"{REPORTS}nearby", {"lon": DONG_PHU[0], "lat": DONG_PHU[1], "category": "VSMT"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["radius_m"] == 150
    assert body["window_days"] == 30
    assert [d["tracking_code"] for d in body["duplicates"]] == [near.tracking_code]
    assert body["duplicates"][0]["distance_m"] == pytest.approx(0, abs=0.5)
    assert all(value not in response.content.decode() for value in PERSONAL)
    missing = api.get(f"{REPORTS}nearby", {"lon": DONG_PHU[0], "lat": DONG_PHU[1]})
    assert missing.status_code == 400
    assert missing.json()["field"] == "category"


def test_photos_endpoint_hides_gps_from_the_public_and_shows_it_to_staff(api):
    """Anyone gets the copies and thumbnails of approved photos; staff in scope
    every photo, with the GPS tags."""
    code = api.post(REPORTS, {**payload(), "photos": [jpeg()]}).json()["tracking_code"]
    assert api.get(f"{REPORTS}{code}/photos").json()["photos"] == []
    report_publish(Report.objects.get(tracking_code=code))
    public = api.get(f"{REPORTS}{code}/photos")
    assert public.status_code == 200
    assert set(public.json()["photos"][0]) == {
        "url",
        "thumbnail_url",
        "width",
        "height",
        "of_resolution",
    }
    api.force_login(staff("ioc_operator"))
    staff_view = api.get(f"{REPORTS}{code}/photos").json()["photos"][0]
    assert "gps" in staff_view
    assert len(staff_view["sha256"]) == 64


# Staff reads ---------------------------------------------------------------------


def test_the_list_needs_a_staff_account(api):
    """Anonymous readers are refused; a user without a staff role too."""
    assert api.get(REPORTS).status_code in (401, 403)
    assert api.get(REPORTS).json()["code"] == "not_authenticated"
    api.force_login(get_user_model().objects.create_user(username="citizen"))
    response = api.get(REPORTS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_department_officer_sees_only_their_departments_reports(api):
    """An officer of the environment company lists its reports only, and gets 404
    on another department's report."""
    waste = create("VSMT")
    order = create("TTDT")
    api.force_login(staff("department_officer", "qb-moitruong"))
    response = api.get(REPORTS)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    codes = [f["properties"]["tracking_code"] for f in body["features"]]
    assert codes == [waste.tracking_code]
    assert body["count"] == 1
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["reported_at"].endswith("+07:00")
    assert api.get(f"{REPORTS}{waste.tracking_code}").status_code == 200
    other = api.get(f"{REPORTS}{order.tracking_code}")
    assert other.status_code == 404
    assert other.json()["code"] == "report_not_found"


def test_anonymous_reporter_is_hidden_from_the_department_but_not_the_ioc(api):
    """The identity of an anonymous reporter reaches the operations centre only;
    a named reporter is shown to the department's officer."""
    anonymous = create(
        anonymous=True, reporter_name="Trần Thị Bình", reporter_phone="+84987654321"
    )
    named = create(reporter_name="Lê Văn Cường", reporter_phone="+84911111111")
    api.force_login(staff("department_officer", "qb-moitruong"))
    features = {
        f["properties"]["tracking_code"]: f["properties"]
        for f in api.get(REPORTS).json()["features"]
    }
    assert features[anonymous.tracking_code]["reporter"] is None
    assert features[named.tracking_code]["reporter"]["name"] == "Lê Văn Cường"
    detail = api.get(f"{REPORTS}{anonymous.tracking_code}")
    assert detail.json()["properties"]["reporter"] is None
    assert "Trần Thị Bình" not in detail.content.decode()

    api.force_login(staff("ioc_operator"))
    detail = api.get(f"{REPORTS}{anonymous.tracking_code}").json()
    assert detail["properties"]["reporter"] == {
        "name": "Trần Thị Bình",
        "phone": "+84987654321",
        "email": "",
    }
    listed = {
        f["properties"]["tracking_code"]: f["properties"]
        for f in api.get(REPORTS).json()["features"]
    }
    assert listed[anonymous.tracking_code]["reporter"]["name"] == "Trần Thị Bình"


def test_detail_shows_the_routing_decision_and_every_event(api):
    """Staff read the current assignment with its reasons, and internal events."""
    code = post_json(api).json()["tracking_code"]
    api.force_login(staff("ioc_operator"))
    props = api.get(f"{REPORTS}{code.lower()}").json()["properties"]
    assert props["assignment"]["cause"] == "submit"
    assert props["assignment"]["boundary_set"] == "qt-2025"
    assert props["assignment"]["reason_en"]
    assert [e["actor_role"] for e in props["events"]] == ["citizen", "system"]
    assert props["reporter"]["phone"] == "+84912345678"


def test_list_filters_and_pagination(api):
    """Category, status, unit, department, bbox and date filters narrow the list;
    page_size pages it with count and next links."""
    reports = [create("VSMT") for _ in range(3)] + [create("TTDT")]
    Report.objects.filter(pk=reports[0].pk).update(status=Report.Status.IN_PROGRESS)
    api.force_login(staff("ioc_operator"))

    def codes(**params):
        response = api.get(REPORTS, params)
        assert response.status_code == 200, response.json()
        return {f["properties"]["tracking_code"] for f in response.json()["features"]}

    everyone = {r.tracking_code for r in reports}
    assert codes() == everyone
    assert codes(category="TTDT") == {reports[3].tracking_code}
    assert codes(status="in_progress") == {reports[0].tracking_code}
    assert codes(department="qb-moitruong") == everyone - {reports[3].tracking_code}
    assert codes(unit="18880") == everyone
    assert codes(bbox="106.61,17.46,106.62,17.47") == everyone
    assert codes(bbox="106.50,17.40,106.51,17.41") == set()
    today = timezone.localtime(reports[0].reported_at).strftime("%d/%m/%Y")
    assert codes(**{"from": today, "to": today}) == everyone
    assert codes(**{"to": "01/01/2026"}) == set()

    first = api.get(REPORTS, {"page_size": 3}).json()
    assert first["count"] == 4
    assert len(first["features"]) == 3
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["features"]) == 1
    assert second["next"] is None
    beyond = api.get(REPORTS, {"page": 9})
    assert beyond.status_code == 404
    assert beyond.json()["code"] == "page_out_of_range"
    bad = api.get(REPORTS, {"status": "lost"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "status"
    bad_date = api.get(REPORTS, {"from": "31/02/2026"})
    assert bad_date.status_code == 400
    assert bad_date.json()["field"] == "from"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"status": "in_progress,lost"}, "bad_status", "status"),
        ({"department": "nope"}, "unknown_department", "department"),
        ({"category": "VSMT,NOPE"}, "unknown_category", "category"),
        ({"bbox": "1,2,3"}, "bad_bbox", "bbox"),
        ({"from": "soon"}, "bad_datetime", "from"),
        ({"to": "31/02/2026"}, "bad_datetime", "to"),
        ({"page_size": "201"}, "out_of_range", "page_size"),
        # Several bad values: the first in the order status, department, bbox,
        # category, from, to, then page and page_size, answers.
        ({"to": "x", "department": "nope", "status": "lost"}, "bad_status", "status"),
        (
            {"category": "NOPE", "department": "nope"},
            "unknown_department",
            "department",
        ),
        ({"to": "x", "category": "NOPE", "bbox": "1"}, "bad_bbox", "bbox"),
        ({"to": "x", "from": "y"}, "bad_datetime", "from"),
        ({"page": "0", "to": "x"}, "bad_datetime", "to"),
    ],
)
def test_list_filter_errors_are_bilingual_400s_naming_the_parameter(
    api, params, code, field
):
    """A bad filter value answers the API's error body (code, field, both
    languages), never django-filter's list of form errors."""
    api.force_login(staff("ioc_operator"))
    response = api.get(REPORTS, params)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert body["detail"] == body["messages"]["vi"]


def test_list_filter_messages_name_the_value(api):
    """The unknown department and status are quoted back in both languages."""
    api.force_login(staff("ioc_operator"))
    department = api.get(REPORTS, {"department": " nope "}).json()
    assert department["messages"] == {
        "vi": "Không có cơ quan xử lý với mã 'nope'.",
        "en": "No department has the code 'nope'.",
    }
    statuses = api.get(REPORTS, {"status": "lost,assigned,gone"}).json()
    assert statuses["messages"]["en"] == (
        "Unknown status: lost, gone; use received, assigned, in_progress, resolved, "
        "closed, rejected, duplicate, reopened."
    )


def test_blank_filters_are_no_filters_and_codes_are_trimmed(api):
    """Empty or blank values and empty list items filter nothing; codes may be
    padded with spaces; a category code is case-insensitive."""
    reports = [create("VSMT"), create("TTDT")]
    api.force_login(staff("ioc_operator"))

    def codes(**params):
        response = api.get(REPORTS, params)
        assert response.status_code == 200, response.json()
        return {f["properties"]["tracking_code"] for f in response.json()["features"]}

    everyone = {r.tracking_code for r in reports}
    assert codes(status=" , ", category=",", unit="  ", bbox=" ", to="") == everyone
    assert codes(department=" qb-moitruong ") == {reports[0].tracking_code}
    assert codes(category=" vsmt ,") == {reports[0].tracking_code}
    assert codes(status="assigned , received", unit=" 18880 ") == everyone


def test_the_list_filters_as_reports_select_does(api):
    """The staff list and ``reports_select`` (the officers' queue) filter with the
    same queryset predicates: the same filters keep the same reports."""
    reports = [create("VSMT"), create("TTDT"), create("VSMT")]
    Report.objects.filter(pk=reports[2].pk).update(status=Report.Status.RESOLVED)
    user = staff("ioc_operator")
    api.force_login(user)
    vsmt = Category.objects.get(code="VSMT")
    department = Department.objects.get(code="qb-moitruong")
    cases = [
        ({"category": "VSMT"}, {"category_ids": [vsmt.pk]}),
        ({"status": "resolved"}, {"statuses": ["resolved"]}),
        ({"department": "qb-moitruong"}, {"department_id": department.pk}),
        (
            {"unit": "18880", "status": "assigned"},
            {"unit_code": "18880", "statuses": ["assigned"]},
        ),
    ]
    for params, kwargs in cases:
        listed = [
            f["properties"]["tracking_code"]
            for f in api.get(REPORTS, params).json()["features"]
        ]
        selected = [r.tracking_code for r in reports_select(user=user, **kwargs)]
        assert listed == selected, params
        assert listed
