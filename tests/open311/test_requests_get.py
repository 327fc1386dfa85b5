"""GET requests, one request, tokens and service request updates: what anyone may
read, in JSON and XML, without personal data; and the errors of bad arguments."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from routing.models import Report, ReportEvent
from routing.reports.events import event_record
from tests.factories import report_create, report_force, report_publish
from tests.open311 import conformance as c
from tests.open311.forms import BASE, form, post
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

PERSONAL = ("Nguyễn Văn An", "+84912345678", "0912345678", "an@example.vn", "Văn")


def create(code: str = "VSMT", **fields) -> Report:
    report = report_create(category=code)
    return report_force(report, **fields) if fields else report


def posted(client, key, **fields) -> Report:
    response = post(client, body=form(key, **fields))
    assert response.status_code == 200, response.content
    return Report.objects.get(tracking_code=response.json()[0]["service_request_id"])


def get(client, path: str, params=None, **headers):
    return client.get(f"{BASE}{path}", params or {}, **headers)


def codes(body) -> list[str]:
    return [item["service_request_id"] for item in body]


# Reading back a posted request ------------------------------------------------------


def test_a_posted_request_reads_back_in_both_forms_and_formats(client, key):
    """A request posted over Open311 is found by GET requests and GET
    requests/<id>, in JSON and XML, with the same public fields."""
    report = posted(client, key)
    listed = get(client, "requests.json").json()
    c.check_requests(listed)
    assert report.tracking_code in codes(listed)
    one = get(client, f"requests/{report.tracking_code}.json").json()
    c.check_requests(one, count=1)
    item = one[0]
    assert item == next(
        i for i in listed if i["service_request_id"] == item["service_request_id"]
    )
    assert item["status"] == "open"
    assert item["detailed_status"] == "assigned"
    assert item["service_code"] == "VSMT"
    assert item["service_name"] == "Vệ sinh môi trường"
    assert item["description"] is None  # not approved for publication yet
    assert item["agency_responsible"] == report.department.name_vi
    assert item["address"] == "Phường Đồng Hới, Tỉnh Quảng Trị"
    assert item["expected_datetime"] is not None
    assert item["lat"] == round(DONG_PHU[1], 4)
    assert item["long"] == round(DONG_PHU[0], 4)
    assert item["media_url"] is None

    for path in ("requests.xml", f"requests/{report.tracking_code}.xml"):
        rows = c.check_xml_requests(c.parse_xml(get(client, path)))
        row = next(r for r in rows if r["service_request_id"] == report.tracking_code)
        assert row["status"] == "open"
        assert row["requested_datetime"] == item["requested_datetime"]
        assert row["lat"] == str(item["lat"])
        assert row["address_id"] == ""


def test_no_personal_data_in_any_get(client, key):
    """Name, phone, e-mail, device and account never appear in GET answers."""
    report = posted(client, key, device_id="android-7f3a", account_id="fms-4411")
    paths = [
        "requests.json",
        "requests.xml",
        f"requests/{report.tracking_code}.json",
        f"requests/{report.tracking_code}.xml",
        f"tokens/{report.tracking_code}.json",
        "servicerequestupdates.json",
        "servicerequestupdates.xml",
    ]
    for path in paths:
        text = get(client, path).content.decode()
        for value in (*PERSONAL, "android-7f3a", "fms-4411", "ht311_"):
            assert value not in text, (path, value)


def test_point_is_rounded_like_public_tracking(client):
    """lat/long carry four decimals (about 11 m), as the tracking page."""
    report = create()
    Report.objects.filter(pk=report.pk).update(
        location="SRID=4326;POINT(106.615512345 17.468987654)"
    )
    (item,) = get(client, f"requests/{report.tracking_code}.json").json()
    assert (item["long"], item["lat"]) == (106.6155, 17.469)


def test_token_is_the_request_id(client, key):
    """We answer synchronously: GET tokens/<token> maps the token (the tracking
    code) to itself, in JSON and XML; an unknown token is a 404."""
    report = posted(client, key)
    body = get(client, f"tokens/{report.tracking_code}.json").json()
    c.check_tokens(body, report.tracking_code)
    root = c.parse_xml(get(client, f"tokens/{report.tracking_code}.xml"))
    (request,) = c.xml_items(root, "service_requests", "request")
    assert [e.tag for e in request] == ["service_request_id", "token"]
    response = get(client, "tokens/HT-2222-2222.json")
    assert response.status_code == 404
    c.check_errors(response.json(), 404)


def test_request_id_as_typed(client):
    """requests/<id> accepts the code as a citizen types it (lower case, no dashes)."""
    report = create()
    typed = report.tracking_code.replace("-", "").lower()
    body = get(client, f"requests/{typed}.json").json()
    assert codes(body) == [report.tracking_code]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(client, fmt):
    response = get(client, f"requests/HT-2222-2222.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        c.check_errors(response.json(), 404)
    else:
        c.check_xml_errors(c.parse_xml(response), 404)


# Status, notes, photos --------------------------------------------------------------


def test_status_notes_is_the_latest_public_note(client):
    """status_notes is the latest public note; internal notes stay internal."""
    report = create()
    event_record(
        report=report, kind=ReportEvent.Kind.COMMENT, note="Đã cử đội thu gom."
    )
    event_record(
        report=report,
        kind=ReportEvent.Kind.COMMENT,
        note="Nội bộ: chủ thầu quen biết.",
        public=False,
    )
    (item,) = get(client, f"requests/{report.tracking_code}.json").json()
    assert item["status_notes"] == "Đã cử đội thu gom."
    text = get(client, "requests.xml").content.decode()
    assert "Nội bộ" not in text


def test_closed_statuses_and_detailed_status(client):
    """resolved, closed, rejected and duplicate are closed; rejected withholds the
    approved public text."""
    reports = {
        status: create(
            status=status,
            publication=Report.Publication.APPROVED,
            public_description=f"Mô tả {status}",
        )
        for status in ("in_progress", "resolved", "rejected", "duplicate")
    }
    body = get(client, "requests.json").json()
    c.check_requests(body)
    by_code = {i["service_request_id"]: i for i in body}
    for status, report in reports.items():
        item = by_code[report.tracking_code]
        assert item["detailed_status"] == status
        assert item["status"] == ("open" if status == "in_progress" else "closed")
    assert by_code[reports["rejected"].tracking_code]["description"] is None
    assert by_code[reports["resolved"].tracking_code]["description"] == "Mô tả resolved"


def test_media_url_is_the_first_photo(client, media):
    """A report whose photos are approved for the public has the first photo's
    absolute URL as media_url, and the file is served; before approval none."""
    image = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(image, "JPEG")
    image.seek(0)
    image.name = "rac.jpg"
    response = client.post(
        "/api/v1/reports/",
        {
            "lon": DONG_PHU[0],
            "lat": DONG_PHU[1],
            "category": "VSMT",
            "anonymous": "true",
            "public": "true",  # an anonymous citizen may opt in
            "photos": [image],
        },
    )
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    assert get(client, f"requests/{code}.json").json()[0]["media_url"] is None
    report_publish(Report.objects.get(tracking_code=code))
    body = get(client, f"requests/{code}.json").json()
    c.check_requests(body, count=1)
    url = body[0]["media_url"]
    assert url.startswith("http://testserver/media/reports/")
    assert url.endswith(".jpg")
    assert client.get(url).status_code == 200
    assert body[0]["description"] is None


def test_english_names_with_accept_language(client):
    report = create(due_at=timezone.now() + dt.timedelta(days=2))
    (item,) = get(
        client, f"requests/{report.tracking_code}.json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert item["service_name"] == "Waste and sanitation"
    assert item["agency_responsible"] == report.department.name_en
    assert "expected by" in item["service_notice"]


# Filters ---------------------------------------------------------------------------


def test_service_request_id_overrides_the_other_arguments(client):
    """A comma list of ids returns those requests whatever else is asked, even a
    window that would exclude them."""
    old = create(reported_at=timezone.now() - dt.timedelta(days=200))
    new = create(code="HTGT")
    body = get(
        client,
        "requests.json",
        {
            "service_request_id": f"{old.tracking_code}, {new.tracking_code},HT-2222-2222",
            "service_code": "CTN",
            "status": "closed",
            "start_date": "garbage",
        },
    ).json()
    c.check_requests(body, count=2)
    assert set(codes(body)) == {old.tracking_code, new.tracking_code}


def test_default_window_is_the_last_90_days(client):
    recent = create(reported_at=timezone.now() - dt.timedelta(days=89))
    old = create(reported_at=timezone.now() - dt.timedelta(days=91))
    found = codes(get(client, "requests.json").json())
    assert recent.tracking_code in found
    assert old.tracking_code not in found
    found = codes(
        get(
            client,
            "requests.json",
            {"start_date": (timezone.now() - dt.timedelta(days=100)).isoformat()},
        ).json()
    )
    assert old.tracking_code in found


def test_window_with_w3c_datetimes(client):
    """start_date is inclusive, end_date too; Z and unencoded + offsets work."""
    moment = dt.datetime(2025, 8, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    report = create(reported_at=moment)
    for start, end in [
        ("2025-08-01T02:00:00Z", "2025-08-01T02:00:00Z"),
        ("2025-08-01T09:00:00+07:00", "2025-08-02T00:00:00+07:00"),
        ("2025-08-01T09:00:00 07:00", "2025-08-01"),
        ("2025-07-01", "2025-08-01"),
    ]:
        found = codes(
            get(client, "requests.json", {"start_date": start, "end_date": end}).json()
        )
        assert report.tracking_code in found, (start, end)
    found = codes(
        get(
            client,
            "requests.json",
            {"start_date": "2025-08-01T09:00:01+07:00", "end_date": "2025-08-02"},
        ).json()
    )
    assert report.tracking_code not in found


def test_service_code_status_and_bbox_filters(client):
    waste = create()
    road = create(code="HTGT", status="resolved")
    body = get(client, "requests.json", {"service_code": "HTGT,CTN"}).json()
    assert road.tracking_code in codes(body)
    assert waste.tracking_code not in codes(body)
    assert all(i["service_code"] in ("HTGT", "CTN") for i in body)

    body = get(client, "requests.json", {"status": "closed"}).json()
    assert road.tracking_code in codes(body)
    assert waste.tracking_code not in codes(body)
    body = get(client, "requests.json", {"status": "open,closed"}).json()
    assert {road.tracking_code, waste.tracking_code} <= set(codes(body))

    inside = "106.61,17.46,106.62,17.47"
    assert waste.tracking_code in codes(
        get(client, "requests.json", {"bbox": inside}).json()
    )
    assert not get(client, "requests.json", {"bbox": "106.0,17.0,106.1,17.1"}).json()


def test_page_and_page_size(client):
    made = [create() for _ in range(3)]
    first = codes(get(client, "requests.json", {"page_size": 2}).json())
    second = codes(get(client, "requests.json", {"page_size": 2, "page": 2}).json())
    assert len(first) == 2
    assert set(first).isdisjoint(second)
    assert {r.tracking_code for r in made} <= set(first + second)
    assert get(client, "requests.json", {"page": 999}).json() == []


# Updates ---------------------------------------------------------------------------


def test_service_request_updates_are_the_public_events(client):
    """Public events only, oldest first, with FixMyStreet's extended statuses."""
    report = create()
    event_record(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        from_status="assigned",
        to_status="in_progress",
        note="Đội thu gom đang trên đường.",
    )
    event_record(
        report=report, kind=ReportEvent.Kind.COMMENT, note="Nội bộ.", public=False
    )
    event_record(
        report=report, kind=ReportEvent.Kind.COMMENT, note="Sẽ xong chiều nay."
    )
    event_record(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        from_status="in_progress",
        to_status="resolved",
        note="Đã dọn sạch.",
    )
    body = get(client, "servicerequestupdates.json").json()
    c.check_updates(body)
    mine = [u for u in body if u["service_request_id"] == report.tracking_code]
    assert [(u["status"], u["description"]) for u in mine][-3:] == [
        ("in_progress", "Đội thu gom đang trên đường."),
        ("in_progress", "Sẽ xong chiều nay."),
        ("fixed", "Đã dọn sạch."),
    ]
    assert "Nội bộ" not in str(body)

    root = c.parse_xml(get(client, "servicerequestupdates.xml"))
    updates = c.xml_items(root, "service_request_updates", "request_update")
    assert [e.tag for e in updates[-1]] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
    ]


def test_rejected_out_of_scope_update_status(client):
    report = create(rejection_reason="out_of_scope")
    event_record(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        from_status="assigned",
        to_status="rejected",
        note="Không thuộc thẩm quyền.",
    )
    body = get(client, "servicerequestupdates.json").json()
    last = [u for u in body if u["service_request_id"] == report.tracking_code][-1]
    assert last["status"] == "not_councils_responsibility"


# Errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        (
            "requests",
            {"start_date": "2025-01-01", "end_date": "2025-06-01"},
            400,
            "90",
        ),
        (
            "requests",
            {"start_date": "2025-06-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
            400,
            "after",
        ),
        ("requests", {"start_date": "yesterday"}, 400, "yesterday"),
        ("requests", {"end_date": "2025-13-45"}, 400, "2025-13-45"),
        ("requests", {"status": "pending"}, 400, "pending"),
        ("requests", {"service_code": "NOPE"}, 400, "NOPE"),
        ("requests", {"bbox": "1,2,3"}, 400, "bbox"),
        ("requests", {"page_size": "5000"}, 400, "page_size"),
        ("requests", {"page": "abc"}, 400, "page"),
        ("requests", {"jurisdiction_id": "hanoi"}, 404, "hanoi"),
        (
            "servicerequestupdates",
            {"start_date": "2025-01-01", "end_date": "2025-12-31"},
            400,
            "90",
        ),
        ("servicerequestupdates", {"start_date": "tomorrow"}, 400, "tomorrow"),
        ("tokens/nope", {"jurisdiction_id": "x"}, 404, "jurisdiction_id"),
    ],
)
def test_bad_arguments_get_the_spec_error_list(
    client, fmt, path, params, status, words
):
    response = get(client, f"{path}.{fmt}", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content
    if fmt == "json":
        c.check_errors(response.json(), status)
        descriptions = [e["description"] for e in response.json()]
    else:
        descriptions = c.check_xml_errors(c.parse_xml(response), status)
    assert any(words.lower() in d.lower() for d in descriptions), descriptions


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("requests.csv", "xml"),
        ("requests", "xml"),
        ("services.html", "xml"),
        ("requests/HT-2222-2222.csv", "xml"),
        ("nothing.json", "json"),
        ("services/VSMT/extra.json", "json"),
        ("", "xml"),
    ],
)
def test_unknown_paths_and_formats_are_404_in_the_error_list(client, path, fmt):
    """A suffix we do not serve or an unknown resource is a 404 error list (XML
    unless the path ends in .json), for GET and POST alike."""
    for response in (client.get(f"{BASE}{path}"), client.post(f"{BASE}{path}")):
        assert response.status_code == 404
        if fmt == "json":
            c.check_errors(response.json(), 404)
        else:
            c.check_xml_errors(c.parse_xml(response), 404)


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-02-30"},
        {"start_date": "2025-01-01T25:00:00Z"},
        {"end_date": "99999-01-01"},
        {"start_date": "\x00"},
        {"bbox": "nan,nan,nan,nan"},
        {"bbox": "200,0,201,1"},
        {"service_request_id": "%%%,,"},
        {"service_code": ","},
        {"page": "-1"},
        {"page_size": "1e9"},
        {"status": "OPEN"},
    ],
)
def test_odd_arguments_never_500(client, params):
    for fmt in ("json", "xml"):
        response = get(client, f"requests.{fmt}", params)
        assert response.status_code in (200, 400), (params, response.content)
        if response.status_code == 400:
            body = response.json() if fmt == "json" else None
            if body is not None:
                c.check_errors(body, 400)
