"""POST requests: a request filed over Open311 goes through the web's intake and
routing, and every bad argument answers the spec's error list."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiKey, RequestAttributeValue
from api.open311.keys import api_key_create, api_key_revoke
from routing.engine.route import route_decide
from routing.models import Category, Notification, Report, ReportEvent
from tests.open311 import conformance as c
from tests.open311.forms import BASE, form, post
from tests.points import DONG_PHU, HANOI, OFFSHORE

pytestmark = pytest.mark.django_db

# A second place: inside Phường Đồng Hới too, well away from the zone edges.
BAO_NINH = (106.6305, 17.4605)


def _report(body) -> Report:
    return Report.objects.get(tracking_code=body[0]["service_request_id"])


def test_post_files_a_report_through_the_intake(client, key):
    """A form post answers one request with the tracking code as
    service_request_id, a service notice and a null account_id; the report is
    stored with channel open311, its department told through the outbox."""
    response = post(client, body=form(key))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    c.check_created(body)
    report = _report(body)
    assert report.channel == Report.Channel.OPEN311
    assert report.status == Report.Status.ASSIGNED
    assert report.category.code == "VSMT"
    assert report.description == "Đống xà bần đổ trộm cạnh chợ Đồng Phú."
    assert report.reporter_name == "Nguyễn Văn An"
    assert report.reporter_phone == "+84912345678"
    assert report.reporter_email == "an@example.vn"
    assert not report.anonymous
    assert report.department.name_vi in body[0]["service_notice"]
    assert report.tracking_code in body[0]["service_notice"]
    assert Notification.objects.filter(report=report).exists()
    assert ApiKey.objects.get(prefix=key[:12]).last_used_at is not None


@pytest.mark.parametrize(
    ("point", "code", "extra"),
    [
        (DONG_PHU, "VSMT", {"attribute[loai_rac]": "sinh_hoat"}),
        (DONG_PHU, "HCC", {}),
        (DONG_PHU, "CTN", {"attribute[loai_su_co]": "ngap"}),
        (BAO_NINH, "HTGT", {"attribute[muc_do]": "nang"}),
        (BAO_NINH, "ATGT", {}),
    ],
)
def test_routed_exactly_like_a_web_submission(client, key, point, code, extra):
    """The unit, department, zone and rule are those route_decide gives for the
    point and category, and those of the same report sent through the web API."""
    fields = {"service_code": code, "long": str(point[0]), "lat": str(point[1])}
    response = post(client, body=form(key, **fields, **extra))
    assert response.status_code == 200, response.content
    report = _report(response.json())
    decision = route_decide(
        lon=point[0],
        lat=point[1],
        category=Category.objects.get(code=code),
        at=report.reported_at,
    )
    assignment = report.assignments.get(is_current=True)
    assert (report.unit_id, report.department_id) == (
        decision.unit.id,
        decision.department.id,
    )
    assert assignment.zone_id == (decision.zone.id if decision.zone else None)
    assert assignment.rule == decision.rule

    web = client.post(
        "/api/v1/reports/",
        json.dumps(
            {
                "lon": point[0],
                "lat": point[1],
                "category": code,
                "description": "Cùng sự việc, gửi qua cổng web.",
                "reporter_phone": "0912345678",
            }
        ),
        content_type="application/json",
    )
    assert web.status_code == 201, web.content
    web_report = Report.objects.get(tracking_code=web.json()["tracking_code"])
    web_assignment = web_report.assignments.get(is_current=True)
    assert (
        web_report.unit_id,
        web_report.department_id,
        web_assignment.zone_id,
        web_assignment.rule,
    ) == (report.unit_id, report.department_id, assignment.zone_id, assignment.rule)


def test_post_xml_answer(client, key):
    """The XML answer is <service_requests><request> with service_request_id,
    service_notice and an empty account_id."""
    response = post(client, "xml", form(key))
    assert response.status_code == 200
    root = c.parse_xml(response)
    (request,) = c.xml_items(root, "service_requests", "request")
    assert [e.tag for e in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert Report.objects.filter(tracking_code=request.findtext("service_request_id"))
    assert request.find("account_id").text is None


def test_attributes_are_stored_and_noted_for_staff(client, key):
    """Answers are stored one row per value (a multi-value list gives several);
    the media_url, device and account are kept in an internal event, not fetched
    and not public."""
    body = form(
        key,
        service_code="HTGT",
        **{
            "attribute[muc_do]": "vua",
            "attribute[hang_muc][]": ["mat_duong", "ho_ga", "mat_duong"],
            "attribute[not_ours]": "ignored",
        },
        media_url="https://example.org/photos/o-ga.jpg",
        device_id="android-7f3a",
        account_id="fms-4411",
    )
    response = post(client, body=body)
    assert response.status_code == 200, response.content
    report = _report(response.json())
    stored = list(
        RequestAttributeValue.objects.filter(report=report).values_list(
            "attribute__code", "value"
        )
    )
    assert stored == [
        ("muc_do", "vua"),
        ("hang_muc", "mat_duong"),
        ("hang_muc", "ho_ga"),
    ]
    event = report.events.get(kind=ReportEvent.Kind.COMMENT)
    assert not event.public
    assert "Vừa: ổ gà, lún cục bộ" in event.note
    assert "https://example.org/photos/o-ga.jpg" in event.note
    assert "android-7f3a" not in event.note
    assert event.data["open311"]["device_id"] == "android-7f3a"
    assert event.data["open311"]["account_id"] == "fms-4411"
    assert report.photos.count() == 0


def test_a_request_is_one_transaction_with_its_events_in_one_insert(client, key):
    """The intake's transaction holds the answers and the audit event too (no
    savepoint inside another transaction); the three events (submitted, assigned,
    the internal note) are one INSERT, in that order."""
    with CaptureQueriesContext(connection) as captured:
        response = post(client, body=form(key))
    assert response.status_code == 200, response.content
    sql = [q["sql"].lstrip() for q in captured.captured_queries]
    # Under the test's own transaction the intake's BEGIN is the one savepoint.
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "routing_reportevent"') for s in sql) == 1
    report = _report(response.json())
    assert list(report.events.values_list("kind", flat=True)) == [
        ReportEvent.Kind.SUBMITTED,
        ReportEvent.Kind.STATUS,
        ReportEvent.Kind.COMMENT,
    ]
    assert RequestAttributeValue.objects.filter(report=report).count() == 1


def test_number_and_datetime_attributes_are_normalised(client, key):
    """12,5 (Vietnamese decimal comma) is stored as 12.5; a local datetime gets its
    +07:00 offset."""
    response = post(
        client,
        body=form(
            key,
            service_code="CTN",
            **{"attribute[loai_su_co]": "ngap", "attribute[ngap_sau_cm]": "12,5"},
        ),
    )
    assert response.status_code == 200, response.content
    assert (
        RequestAttributeValue.objects.get(
            report=_report(response.json()), attribute__code="ngap_sau_cm"
        ).value
        == "12.5"
    )
    response = post(
        client,
        body=form(
            key,
            service_code="ONMT",
            **{"attribute[thoi_diem]": "2025-07-12T21:30"},
            **{"attribute[loai_rac]": None},
        ),
    )
    assert response.status_code == 200, response.content
    assert (
        RequestAttributeValue.objects.get(
            report=_report(response.json()), attribute__code="thoi_diem"
        ).value
        == "2025-07-12T21:30:00+07:00"
    )


def test_without_contact_the_report_is_anonymous(client, key):
    """With neither e-mail nor phone the report is filed anonymously."""
    response = post(client, body=form(key, email=None, phone=None))
    assert response.status_code == 200, response.content
    report = _report(response.json())
    assert report.anonymous
    assert report.reporter_name == "Nguyễn Văn An"


# Errors ------------------------------------------------------------------------------


def _error(response, status: int, fmt: str = "json") -> list[str]:
    assert response.status_code == status, response.content
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        c.check_errors(body, status)
        return [e["description"] for e in body]
    return c.check_xml_errors(c.parse_xml(response), status)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_invalid_api_key_is_403(client, fmt):
    """No key, an unknown key and a revoked key are each a 403; nothing is stored."""
    issued = api_key_create(name="Cũ")
    api_key_revoke(key=issued.key)
    for api_key in (None, "", "ht311_nope", issued.clear):
        response = post(client, fmt, form(api_key))
        descriptions = _error(response, 403, fmt)
        assert "api_key" in descriptions[0]
    assert not Report.objects.filter(channel=Report.Channel.OPEN311).exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "NOPE"}, 404, "NOPE"),
        ({"jurisdiction_id": "hcm"}, 404, "jurisdiction_id"),
        ({"lat": None, "long": None}, 400, "lat"),
        (
            {"lat": None, "long": None, "address_string": "12 Lý Thường Kiệt"},
            400,
            "address_string",
        ),
        ({"long": None}, 400, "long"),
        ({"lat": "abc"}, 400, "abc"),
        ({"lat": "95"}, 400, "90"),
        ({"lat": str(DONG_PHU[0]), "long": str(DONG_PHU[1])}, 400, "swapped"),
        ({"attribute[loai_rac]": None}, 400, "loai_rac"),
        ({"attribute[loai_rac]": "hat_nhan"}, 400, "hat_nhan"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"description": "<b>rác</b>"}, 400, "HTML"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"description": None}, 400, "Describe"),
        ({"phone": "12345"}, 400, "phone"),
        ({"long": str(HANOI[0]), "lat": str(HANOI[1])}, 400, "unit"),
    ],
)
def test_bad_arguments_get_the_spec_error_list(client, key, fmt, fields, status, words):
    """Each bad argument answers the spec's error list with the right status and a
    description naming the problem; nothing is stored."""
    response = post(client, fmt, form(key, **fields), HTTP_ACCEPT_LANGUAGE="en")
    descriptions = _error(response, status, fmt)
    assert any(words.lower() in d.lower() for d in descriptions), descriptions
    assert not Report.objects.filter(channel=Report.Channel.OPEN311).exists()


def test_every_attribute_problem_is_listed(client, key):
    """A required attribute missing and another with a bad value: two errors."""
    response = post(
        client,
        body=form(
            key,
            service_code="CTN",
            **{"attribute[ngap_sau_cm]": "sâu lắm", "attribute[loai_rac]": None},
        ),
    )
    descriptions = _error(response, 400)
    assert len(descriptions) == 2
    assert "loai_su_co" in descriptions[0]
    assert "ngap_sau_cm" in descriptions[1]


def test_single_value_list_refuses_two_values(client, key):
    response = post(
        client,
        body=form(key, **{"attribute[loai_rac][]": ["sinh_hoat", "xay_dung"]}),
    )
    assert "loai_rac" in _error(response, 400)[0]


def test_errors_speak_vietnamese_by_default(client):
    """Without Accept-Language the description is Vietnamese."""
    response = post(client, body=form(None))
    assert "Thiếu api_key" in _error(response, 403)[0]


def test_a_point_at_sea_is_400_naming_the_nearest_unit(client, key):
    """A pin at sea beyond the shore tolerance is refused as on the web, but with
    400 (the service exists; the location is wrong), naming the nearest unit."""
    response = post(
        client,
        body=form(key, long=str(OFFSHORE[0]), lat=str(OFFSHORE[1])),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    (description,) = _error(response, 400)
    assert "Bảo Ninh" in description or "Phường" in description, description


def test_rate_limit_per_key(client):
    """A key posts at most rate_limit_per_hour requests an hour; then a 429 with
    the error list and Retry-After."""
    issued = api_key_create(name="Giới hạn", rate_limit_per_hour=2)
    for _ in range(2):
        assert post(client, body=form(issued.clear)).status_code == 200
    response = post(client, body=form(issued.clear))
    assert "API" in _error(response, 429)[0]
    assert int(response["Retry-After"]) > 0
    other = api_key_create(name="Khác").clear
    assert post(client, body=form(other)).status_code == 200


@pytest.mark.parametrize("method", ["put", "delete", "options", "patch"])
def test_other_methods_are_405_in_the_error_list(client, method):
    response = getattr(client, method)(f"{BASE}requests.json")
    _error(response, 405)


def test_a_json_body_is_refused_as_the_spec_wants_a_form(client, key):
    response = client.post(
        f"{BASE}requests.json",
        json.dumps(form(key)),
        content_type="application/json",
    )
    _error(response, 400)


def test_the_answer_carries_no_personal_data(client, key):
    """The POST answer carries no reporter data."""
    text = post(client, body=form(key)).content.decode()
    for value in ("an@example.vn", "0912345678", "+84912345678", "Nguyễn Văn An"):
        assert value not in text


def test_too_many_fields_is_a_400_not_a_500(client, key, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    body = form(key, **{f"attribute[x{i}]": "1" for i in range(30)})
    _error(post(client, body=body), 400)


def test_idempotency_key_makes_retries_safe(client, key):
    """A retried POST with the same Idempotency-Key answers the same request and
    writes nothing more; the same key from another partner is another request; the
    key reused for other content is refused with a message that names no report."""
    retry = {"HTTP_IDEMPOTENCY_KEY": "3f9c2a1e-partner-retry-1"}
    first = post(client, body=form(key), **retry)
    again = post(client, body=form(key), **retry)
    assert (first.status_code, again.status_code) == (200, 200), again.content
    report = _report(first.json())
    assert again.json()[0]["service_request_id"] == report.tracking_code
    assert Report.objects.filter(reporter_email="an@example.vn").count() == 1
    assert RequestAttributeValue.objects.filter(report=report).count() == 1
    assert ReportEvent.objects.filter(report=report, kind="comment").count() == 1

    other_partner = api_key_create(name="Đối tác khác").clear
    elsewhere = post(client, body=form(other_partner), **retry)
    assert elsewhere.status_code == 200
    assert _report(elsewhere.json()) != report

    changed = post(client, body=form(key, description="Một việc khác."), **retry)
    assert changed.status_code in (400, 409, 422)
    assert "Idempotency-Key" in changed.json()[0]["description"]
    assert report.tracking_code not in changed.content.decode()

    bad = post(client, body=form(key), HTTP_IDEMPOTENCY_KEY="có dấu cách")
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()[0]["description"]
