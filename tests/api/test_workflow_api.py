"""Report workflow API for staff: transitions, events, comments, reassign, location,
category, merge (the citizen's rating: test_citizen_actions)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from routing.models import Department, Report, StaffProfile
from routing.reports import roles
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DONG_THUAN = (106.5894, 17.4954)
BASE = "/api/v1/reports"
_names = count()


def staff(role: str, *, department=None, unit_code: str = ""):
    user = get_user_model().objects.create_user(
        username=f"api-{role}-{next(_names)}", password="x"
    )
    StaffProfile.objects.create(
        user=user, role=role, department=department, unit_code=unit_code
    )
    return user


def report_make(status: str = "assigned", category: str = "TTDT", **fields) -> Report:
    report = report_create(
        category=category, reported_at=dt.datetime(2026, 3, 2, 9, tzinfo=HCM)
    )
    return report_force(report, status=status, **fields)


def post(api, url: str, body: dict):
    return api.post(url, body, content_type="application/json")


@pytest.fixture
def report() -> Report:
    return report_make()


@pytest.fixture
def ioc(api):
    user = staff(roles.IOC_OPERATOR)
    api.force_login(user)
    return user


def test_anonymous_and_roleless_refused(api, report):
    """Staff endpoints need a signed-in user with a staff role, refused in both
    languages."""
    url = f"{BASE}/{report.tracking_code}/transitions"
    anonymous = post(api, url, {"to": "in_progress"})
    assert anonymous.status_code in {401, 403}
    assert set(anonymous.json()["messages"]) == {"vi", "en"}
    api.force_login(get_user_model().objects.create_user(username="nobody"))
    assert post(api, url, {"to": "in_progress"}).status_code == 403
    assert api.get(f"{BASE}/{report.tracking_code}/events").status_code == 403


def test_transition_by_own_department_officer(api, report):
    """A department officer starts work on their report; the answer shows the new
    status and the next steps open to them."""
    api.force_login(staff(roles.DEPARTMENT_OFFICER, department=report.department))
    response = post(
        api, f"{BASE}/{report.tracking_code}/transitions", {"to": "in_progress"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["tracking_code"], body["status"]) == (
        report.tracking_code,
        "in_progress",
    )
    assert body["next"] == ["duplicate", "resolved"]


def test_other_department_report_is_not_found(api, report):
    """Another department's report is a 404 to read or change, so codes cannot be
    probed."""
    other = Department.objects.get(code="ubnd-18859-phuong-dong-thuan")
    api.force_login(staff(roles.DEPARTMENT_OFFICER, department=other))
    code = report.tracking_code
    assert api.get(f"{BASE}/{code}/events").status_code == 404
    for suffix, body in [
        ("transitions", {"to": "in_progress"}),
        ("comments", {"note": "x"}),
        ("merge", {"into": code}),
    ]:
        response = post(api, f"{BASE}/{code}/{suffix}", body)
        assert response.status_code == 404
        assert response.json()["code"] == "report_not_found"


def test_transition_errors_are_bilingual(api, ioc):
    """Missing note 400, impossible step 409, a role not in the table's step 403,
    each with both languages."""
    in_progress = report_make(status="in_progress")
    url = f"{BASE}/{in_progress.tracking_code}/transitions"
    missing = post(api, url, {"to": "resolved"})
    assert (missing.status_code, missing.json()["code"]) == (
        400,
        "result_note_required",
    )
    assert missing.json()["field"] == "note"
    assert set(missing.json()["messages"]) == {"vi", "en"}
    impossible = post(api, url, {"to": "received"})
    assert (impossible.status_code, impossible.json()["code"]) == (
        409,
        "impossible_transition",
    )
    report = report_make()
    api.force_login(staff(roles.DEPARTMENT_OFFICER, department=report.department))
    forbidden = post(
        api,
        f"{BASE}/{report.tracking_code}/transitions",
        {"to": "rejected", "note": "x", "reason": "out_of_scope"},
    )
    assert forbidden.status_code == 403
    unknown = post(api, f"{BASE}/{report.tracking_code}/transitions", {"to": "nowhere"})
    assert (unknown.status_code, unknown.json()["field"]) == (400, "to")


def test_reject_with_reason_and_duplicate_by_code(api, ioc):
    """The operations centre rejects with a reason and marks a duplicate by the
    original's tracking code (typed loosely)."""
    report, original, duplicate = report_make(), report_make(), report_make()
    rejected = post(
        api,
        f"{BASE}/{report.tracking_code}/transitions",
        {"to": "rejected", "note": "Khiếu nại đất đai.", "reason": "other_procedure"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["rejection_reason"] == "other_procedure"
    loose = original.tracking_code.lower().replace("-", " ")
    response = post(
        api,
        f"{BASE}/{duplicate.tracking_code}/transitions",
        {"to": "duplicate", "duplicate_of": loose},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["duplicate_of"] == original.tracking_code


def test_events_and_comments(api, ioc, report):
    """Staff read every event, internal ones included; comments are internal unless
    marked public."""
    code = report.tracking_code
    internal = post(api, f"{BASE}/{code}/comments", {"note": "Gọi tổ trưởng."})
    assert internal.status_code == 201
    assert (internal.json()["public"], internal.json()["actor"]) == (
        False,
        "Điều phối viên IOC (operations-centre operator)",
    )
    public = post(
        api, f"{BASE}/{code}/comments", {"note": "Đã ghi nhận.", "public": True}
    )
    assert public.json()["public"] is True
    empty = post(api, f"{BASE}/{code}/comments", {"note": ""})
    assert empty.status_code == 400
    events = api.get(f"{BASE}/{code}/events").json()
    # The intake's own two events (submitted, received → assigned) come first.
    assert [e["kind"] for e in events] == ["submitted", "status", "comment", "comment"]
    assert [e["public"] for e in events] == [True, True, False, True]


def test_unit_officer_comments_but_cannot_transition(api, report):
    """A ward officer sees the ward's reports and comments; status changes are 403."""
    api.force_login(staff(roles.UNIT_OFFICER, unit_code=report.unit.code))
    code = report.tracking_code
    assert post(api, f"{BASE}/{code}/comments", {"note": "Đã nhắc."}).status_code == 201
    response = post(api, f"{BASE}/{code}/transitions", {"to": "in_progress"})
    assert (response.status_code, response.json()["code"]) == (
        403,
        "role_comments_only",
    )


def test_reassign(api, ioc, report):
    """Manual reassignment answers with the manual assignment and the role that
    made it (not the user name), in its reasons too."""
    code = report.tracking_code
    response = post(
        api,
        f"{BASE}/{code}/reassign",
        {"department": "dh-qldt", "note": "Thuộc phòng QLĐT."},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["department"] == "dh-qldt"
    assert body["assignment"]["rule"] == "manual"
    assert (
        body["assignment"]["decided_by"]
        == "Điều phối viên IOC (operations-centre operator)"
    )
    assert body["assignment"]["reason_vi"].startswith("Điều phối viên IOC chuyển")
    assert body["assignment"]["reason_en"].startswith("operations-centre operator")
    assert ioc.username not in response.content.decode()
    unknown = post(api, f"{BASE}/{code}/reassign", {"department": "nope", "note": "x"})
    assert (unknown.status_code, unknown.json()["field"]) == (400, "department")


def test_reassign_refused_to_department_officer(api, report):
    """Department officers cannot reassign."""
    api.force_login(staff(roles.DEPARTMENT_OFFICER, department=report.department))
    response = post(
        api,
        f"{BASE}/{report.tracking_code}/reassign",
        {"department": "dh-qldt", "note": "x"},
    )
    assert response.status_code == 403


def test_location_moves_pin_and_reroutes(api, ioc, report):
    """A moved pin re-routes to the ward it now lies in; swapped coordinates are a
    400 naming the swap."""
    code = report.tracking_code
    response = post(
        api, f"{BASE}/{code}/location", {"lon": DONG_THUAN[0], "lat": DONG_THUAN[1]}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["unit"], body["department"]) == (
        "18859",
        "ubnd-18859-phuong-dong-thuan",
    )
    assert body["assignment"]["cause"] == "pin_moved"
    swapped = post(
        api, f"{BASE}/{code}/location", {"lon": DONG_THUAN[1], "lat": DONG_THUAN[0]}
    )
    assert (swapped.status_code, swapped.json()["code"]) == (400, "swapped")


def test_category_change(api, ioc):
    """A category change re-routes and resets the deadline; an unknown category is a
    400."""
    report = report_make(category="VSMT")
    code = report.tracking_code
    response = post(api, f"{BASE}/{code}/category", {"category": "ttdt"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["category"], body["department"]) == (
        "TTDT",
        "ubnd-18880-phuong-dong-hoi",
    )
    assert body["due_at"].startswith("2026-03-05T17:00:00")
    assert post(api, f"{BASE}/{code}/category", {"category": "XX"}).status_code == 400


def test_merge(api, ioc, report):
    """Merge by the original's code; a missing original is a 400 on 'into'."""
    original = report_make()
    response = post(
        api, f"{BASE}/{report.tracking_code}/merge", {"into": original.tracking_code}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "duplicate"
    events = api.get(f"{BASE}/{original.tracking_code}/events").json()
    assert events[-1]["kind"] == "merge"
    missing = post(
        api, f"{BASE}/{original.tracking_code}/merge", {"into": "HT-2222-2222"}
    )
    assert (missing.status_code, missing.json()["field"]) == (400, "into")
