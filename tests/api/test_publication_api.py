"""The publication API: the citizen's ``public`` choice at submission, the
operations centre's review endpoint (``/api/v1/reports/<code>/publication``) for
every role, and the ``publication`` filter of the staff list."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from routing.models import Department, Report, ReportEvent, StaffProfile
from routing.reports.redaction import PHONE
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
DESCRIPTION = "Cống bị tắc, gọi anh Hùng 0912 345 678."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


def jpeg(name: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def submit(client, **fields) -> dict:
    body = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": DESCRIPTION,
        "reporter_phone": "0912345678",
        **fields,
    }
    response = client.post(REPORTS, body)
    assert response.status_code == 201, response.json()
    return response.json()


def staff(role: str, **profile):
    user = get_user_model().objects.create_user(f"{role}-{uuid.uuid4().hex[:8]}")
    StaffProfile.objects.create(user=user, role=role, **profile)
    return user


def post(client, code: str, **body):
    return client.post(
        f"{REPORTS}{code}/publication",
        json.dumps(body),
        content_type="application/json",
    )


# The citizen's choice --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "pending"),
        ({"public": "false"}, "private"),
        ({"anonymous": "true", "reporter_phone": ""}, "private"),
        ({"anonymous": "true", "reporter_phone": "", "public": "true"}, "pending"),
        ({"category": "ANTT", "public": "true"}, "private"),
    ],
)
def test_the_receipt_says_what_was_stored(client, fields, expected):
    """The receipt's ``publication`` shows the citizen's choice as stored: a
    sensitive category stays private even when publication was asked for."""
    receipt = submit(client, **fields)
    assert receipt["publication"] == expected
    report = Report.objects.get(tracking_code=receipt["tracking_code"])
    assert report.publication == expected


def test_the_schema_documents_the_public_choice():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    submit_input = schema["components"]["schemas"]["ReportSubmitInput"]
    public = submit_input["properties"]["public"]
    assert public["type"] == "boolean"
    assert public.get("nullable") is True
    assert "anonymous" in public["description"]
    paths = schema["paths"]
    assert set(paths[f"{REPORTS}{{code}}/publication"]) == {"get", "post"}


# The review endpoint, role by role -------------------------------------------------


def _actor(name: str, report: Report):
    other = Department.objects.exclude(pk=report.department_id).first()
    return {
        "ioc_operator": lambda: staff("ioc_operator"),
        "admin": lambda: staff("admin"),
        "superuser": lambda: get_user_model().objects.create_superuser(
            f"root-{uuid.uuid4().hex[:8]}"
        ),
        "department_officer": lambda: staff(
            "department_officer", department=report.department
        ),
        "unit_officer": lambda: staff("unit_officer", unit_code=report.unit.code),
        "other_department_officer": lambda: staff(
            "department_officer", department=other
        ),
        "routing_officer": lambda: staff("routing_officer"),
        "planner": lambda: staff("planner"),
        "no_role": lambda: get_user_model().objects.create_user(
            f"plain-{uuid.uuid4().hex[:8]}"
        ),
        "anonymous": lambda: None,
    }[name]()


# who → status of GET and POST (401/403: refused before the report is looked up)
OUTCOMES = {
    "ioc_operator": 200,
    "admin": 200,
    "superuser": 200,
    "department_officer": 403,  # sees the report, may not decide
    "unit_officer": 403,
    "other_department_officer": 404,  # does not see it: codes cannot be probed
    "routing_officer": 404,
    "planner": 404,
    "no_role": 403,
    "anonymous": (401, 403),
}


@pytest.mark.parametrize("name", OUTCOMES)
def test_the_review_endpoint_for_each_role(client, name):
    receipt = submit(client)
    code = receipt["tracking_code"]
    report = Report.objects.get(tracking_code=code)
    user = _actor(name, report)
    if user is not None:
        client.force_login(user)
    expected = OUTCOMES[name]
    allowed = expected if isinstance(expected, tuple) else (expected,)
    read = client.get(f"{REPORTS}{code}/publication")
    decided = post(client, code, decision="approve")
    assert read.status_code in allowed
    assert decided.status_code in allowed
    report.refresh_from_db()
    if expected == 200:
        assert report.publication == "approved"
        assert report.publication_decided_by == user
    else:
        assert set(decided.json()["messages"]) == {"vi", "en"}
        assert DESCRIPTION not in read.content.decode()
        assert report.publication == "pending"
        assert not report.events.filter(kind=ReportEvent.Kind.PUBLICATION).exists()


def test_the_reviewer_reads_the_proposal_then_edits_and_approves(client):
    receipt = submit(client, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    code = receipt["tracking_code"]
    client.force_login(staff("ioc_operator"))
    state = client.get(f"{REPORTS}{code}/publication").json()
    assert state["publication"] == "pending"
    assert state["description"] == DESCRIPTION
    assert state["proposed_description"] == f"Cống bị tắc, gọi anh Hùng {PHONE}."
    assert [p["public"] for p in state["photos"]] == [False, False]
    assert state["photos"][0]["url"].startswith("http://testserver/media/reports/")
    first, second = (p["id"] for p in state["photos"])
    response = post(
        client,
        code,
        decision="approve",
        public_description="Cống bị tắc trước chợ.",
        photos=[second],
        note="Ảnh 1 có biển số xe.",
    )
    assert response.status_code == 200, response.json()
    state = response.json()
    assert state["publication"] == "approved"
    assert state["public_description"] == "Cống bị tắc trước chợ."
    assert state["decided_by"]
    assert state["decided_at"].endswith("+07:00")
    assert [(p["id"], p["public"]) for p in state["photos"]] == [
        (first, False),
        (second, True),
    ]
    tracked = client.get(f"{REPORTS}track/{code}").json()
    assert tracked["description"] == "Cống bị tắc trước chợ."
    assert len(tracked["photos"]) == 1
    events = client.get(f"{REPORTS}{code}/events").json()
    decision = next(e for e in events if e["kind"] == "publication")
    assert decision["public"] is False
    assert decision["note"] == "Ảnh 1 có biển số xe."
    assert decision["actor_role"] == "ioc_operator"


def test_withholding_then_approving_again(client):
    code = submit(client)["tracking_code"]
    client.force_login(staff("admin"))
    assert post(client, code, decision="approve").status_code == 200
    refused = post(client, code, decision="withhold")
    assert refused.status_code == 400
    assert refused.json()["code"] == "publication_reason_required"
    assert refused.json()["field"] == "note"
    withheld = post(client, code, decision="withhold", note="Ảnh chụp rõ biển số xe.")
    assert withheld.status_code == 200
    assert withheld.json()["publication"] == "withheld"
    assert withheld.json()["public_description"] == ""
    assert client.get(f"{REPORTS}track/{code}").json()["description"] == ""
    again = post(client, code, decision="approve", public_description="Cống tắc.")
    assert again.json()["publication"] == "approved"
    assert client.get(f"{REPORTS}track/{code}").json()["description"] == "Cống tắc."


@pytest.mark.parametrize(
    ("fields", "body", "status", "code"),
    [
        (
            {"public": "false"},
            {"decision": "approve"},
            409,
            "publication_not_requested",
        ),
        ({}, {"decision": "publish"}, 400, None),
        ({}, {"decision": "approve", "photos": [999999]}, 400, None),
        ({}, {"decision": "approve", "public_description": "<b>x</b>"}, 400, None),
        ({}, {"decision": "approve", "public_description": "x" * 4001}, 400, None),
    ],
)
def test_refusals_are_bilingual(client, fields, body, status, code):
    report_code = submit(client, **fields)["tracking_code"]
    client.force_login(staff("ioc_operator"))
    response = post(client, report_code, **body)
    assert response.status_code == status, response.json()
    assert set(response.json()["messages"]) == {"vi", "en"}
    if code:
        assert response.json()["code"] == code
    report = Report.objects.get(tracking_code=report_code)
    assert report.publication != "approved"
    assert not report.photos.filter(public=True).exists()


def test_an_unknown_code_is_a_404(client):
    client.force_login(staff("ioc_operator"))
    assert client.get(f"{REPORTS}HT-2222-2222/publication").status_code == 404
    assert post(client, "HT-2222-2222", decision="approve").status_code == 404


# The queue of reports awaiting review ----------------------------------------------


def test_the_staff_list_filters_reports_awaiting_review(client):
    pending = submit(client)["tracking_code"]
    private = submit(client, public="false")["tracking_code"]
    client.force_login(staff("ioc_operator"))
    listed = client.get(REPORTS, {"publication": "pending", "page_size": 200}).json()
    codes = {f["properties"]["tracking_code"] for f in listed["features"]}
    assert pending in codes
    assert private not in codes
    assert {f["properties"]["publication"] for f in listed["features"]} == {"pending"}
    both = client.get(REPORTS, {"publication": "pending,private", "page_size": 200})
    codes = {f["properties"]["tracking_code"] for f in both.json()["features"]}
    assert {pending, private} <= codes
    refused = client.get(REPORTS, {"publication": "public"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "publication"
