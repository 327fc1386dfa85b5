"""The reporter's actions over HTTP: rating, reopening and adding information need
the receipt secret, not the tracking code; every citizen endpoint is throttled per
address, and attempts with a secret per tracking code."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from routing.models import Notification, Report, ReportEvent, StaffProfile
from routing.reports import roles
from routing.reports.receipt import receipt_secret
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "/api/v1/reports"
_addresses = itertools.count(1)


def address() -> str:
    """A client address of this test alone (the limiter's counters outlive tests)."""
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"


def report_make(status: str = "assigned", **fields) -> Report:
    report = report_create(
        category="VSMT",
        reported_at=dt.datetime(2026, 3, 2, 9, tzinfo=HCM),
        reporter_email="dan@example.org",
    )
    return report_force(report, status=status, **fields)


def post(api, url: str, body: dict, secret: str | None = None, **extra):
    headers = {"HTTP_X_RECEIPT_SECRET": secret} if secret is not None else {}
    return api.post(
        url, json.dumps(body), content_type="application/json", **headers, **extra
    )


def rating_url(report: Report) -> str:
    return f"{BASE}/track/{report.tracking_code}/rating"


def info_url(report: Report) -> str:
    return f"{BASE}/track/{report.tracking_code}/info"


# The receipt secret ---------------------------------------------------------------


def test_rating_needs_the_reports_own_secret(api):
    """Without a secret the rating is a 403 asking for it; a wrong secret, another
    report's secret and a code no report has all get the same 403; nothing
    changes. With the secret (header, body field, or typed loosely) it closes."""
    report = report_make(status="resolved")
    other = report_make(status="resolved")
    body = {"rating": "satisfied"}

    missing = post(api, rating_url(report), body)
    assert (missing.status_code, missing.json()["code"]) == (403, "receipt_required")
    assert missing.json()["messages"]["vi"] != missing.json()["messages"]["en"]
    wrong = post(api, rating_url(report), body, "AAAA-BBBB-CCCC-DDDD-EEEE")
    borrowed = post(api, rating_url(report), body, receipt_secret(other))
    unknown = post(
        api, f"{BASE}/track/HT-2222-2222/rating", body, receipt_secret(other)
    )
    for refused in (wrong, borrowed, unknown):
        assert refused.status_code == 403
        assert refused.json() == wrong.json()
        assert refused.json()["code"] == "receipt_refused"
        assert refused.json()["field"] == "receipt"
    report.refresh_from_db()
    assert (report.status, report.rating) == ("resolved", "")
    assert not report.events.filter(kind=ReportEvent.Kind.RATING).exists()

    typed = receipt_secret(report).lower().replace("-", " ").replace("0", "o")
    loose = report.tracking_code.lower().replace("-", "")
    rated = post(api, f"{BASE}/track/{loose}/rating", body, typed)
    assert rated.status_code == 200, rated.json()
    assert (rated.json()["status"], rated.json()["rating"]) == ("closed", "satisfied")
    again = post(api, rating_url(report), body, receipt_secret(report))
    assert (again.status_code, again.json()["code"]) == (409, "not_resolved")

    by_field = post(api, rating_url(other), {**body, "receipt": receipt_secret(other)})
    assert by_field.status_code == 200, by_field.json()


def test_reopening_needs_the_secret(api):
    """A dissatisfied rating that reopens is refused with a wrong secret (the
    report stays resolved, its deadline untouched) and reopens with the right one."""
    report = report_make(status="resolved")
    due = report.due_at
    body = {"rating": "dissatisfied", "reopen": True, "note": "Vẫn còn lấn chiếm."}
    refused = post(api, rating_url(report), body, "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert refused.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.due_at) == ("resolved", due)
    no_note = post(
        api, rating_url(report), {**body, "note": ""}, receipt_secret(report)
    )
    assert (no_note.status_code, no_note.json()["code"]) == (400, "note_required")
    reopened = post(api, rating_url(report), body, receipt_secret(report))
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["status"] == "reopened"


def test_adding_information_with_the_secret(api):
    """The reporter adds text to their open report: a 201, an internal comment
    event in the citizen's role that staff read, and the department is told (not
    the reporter); the public tracking view does not show it."""
    report = report_make()
    note = "Rác nằm sau quầy cá, cạnh cột điện số 12."
    refused = post(api, info_url(report), {"note": note}, "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert (refused.status_code, refused.json()["code"]) == (403, "receipt_refused")
    missing = post(api, info_url(report), {"note": note})
    assert (missing.status_code, missing.json()["code"]) == (403, "receipt_required")
    assert not report.events.filter(kind=ReportEvent.Kind.COMMENT).exists()

    before = set(
        Notification.objects.filter(report=report).values_list("pk", flat=True)
    )
    added = post(api, info_url(report), {"note": note}, receipt_secret(report))
    assert added.status_code == 201, added.json()
    assert added.json()["note"] == note
    assert added.json()["at"].endswith("+07:00")
    event = report.events.get(kind=ReportEvent.Kind.COMMENT)
    assert (event.actor, event.actor_role, event.public) == (None, "citizen", False)
    new = Notification.objects.filter(report=report).exclude(pk__in=before)
    assert new.exists()
    assert all(n.department_id == report.department_id for n in new)
    assert "dan@example.org" not in {n.recipient for n in new}
    assert all(note in n.body for n in new if n.channel == "email")
    assert note not in api.get(f"{BASE}/track/{report.tracking_code}").content.decode()

    ioc = get_user_model().objects.create_user(username="ioc-info", password="x")
    StaffProfile.objects.create(user=ioc, role=roles.IOC_OPERATOR)
    api.force_login(ioc)
    events = api.get(f"{BASE}/{report.tracking_code}/events").json()
    assert any(e["note"] == note and e["actor_role"] == "citizen" for e in events)


def test_adding_information_is_checked(api):
    """Empty text and HTML are refused naming the field; a closed report takes no
    more (409)."""
    report = report_make()
    secret = receipt_secret(report)
    empty = post(api, info_url(report), {"note": "   "}, secret)
    assert (empty.status_code, empty.json()["field"]) == (400, "note")
    html = post(api, info_url(report), {"note": "<b>gấp</b>"}, secret)
    assert (html.status_code, html.json()["code"]) == (400, "html_not_allowed")
    closed = report_make(status="closed")
    late = post(api, info_url(closed), {"note": "Thêm."}, receipt_secret(closed))
    assert (late.status_code, late.json()["code"]) == (409, "report_not_open")


def test_a_replayed_submission_gets_the_same_secret(api):
    """The client that lost the answer sends the same Idempotency-Key again and is
    given the same receipt secret, which works."""
    body = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": "Rác thải cạnh chợ.",
        "anonymous": True,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "0c8e7d0e-receipt-replay"}
    first = post(api, f"{BASE}/", body, **headers)
    again = post(api, f"{BASE}/", body, **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    secret = first.json()["receipt_secret"]
    assert again.json()["receipt_secret"] == secret
    assert again.json()["receipt_url"].endswith(f"#k={secret}")
    code = first.json()["tracking_code"]
    added = post(api, f"{BASE}/track/{code}/info", {"note": "Thêm ảnh sau."}, secret)
    assert added.status_code == 201


# Throttles ------------------------------------------------------------------------


def test_every_citizen_endpoint_is_throttled_per_address(api, settings):
    """With two requests a minute allowed, the third from one address is a
    bilingual 429 with Retry-After, on each citizen endpoint; another address and
    signed-in staff are not held back."""
    settings.CITIZEN_RATE_PER_IP_MINUTE = 2
    report = report_make(status="resolved")
    code = report.tracking_code
    calls = {
        "track": lambda ip: api.get(f"{BASE}/track/{code}", REMOTE_ADDR=ip),
        "track-query": lambda ip: api.get(
            f"{BASE}/track", {"code": code}, REMOTE_ADDR=ip
        ),
        "nearby": lambda ip: api.get(
            f"{BASE}/nearby",
            {"lon": DONG_PHU[0], "lat": DONG_PHU[1], "category": "VSMT"},
            REMOTE_ADDR=ip,
        ),
        "photos": lambda ip: api.get(f"{BASE}/{code}/photos", REMOTE_ADDR=ip),
        "rating": lambda ip: post(
            api, rating_url(report), {"rating": "x"}, REMOTE_ADDR=ip
        ),
        "info": lambda ip: post(api, info_url(report), {"note": "x"}, REMOTE_ADDR=ip),
    }
    for name, call in calls.items():
        ip = address()
        assert call(ip).status_code != 429, name
        assert call(ip).status_code != 429, name
        limited = call(ip)
        assert limited.status_code == 429, name
        assert limited.json()["code"] == "rate_limited"
        assert "phút này" in limited.json()["messages"]["vi"]
        assert "this minute" in limited.json()["messages"]["en"]
        assert 0 < int(limited["Retry-After"]) <= 60
        assert call(address()).status_code != 429, name

    ioc = get_user_model().objects.create_user(username="ioc-throttle", password="x")
    StaffProfile.objects.create(user=ioc, role=roles.IOC_OPERATOR)
    api.force_login(ioc)
    ip = address()
    assert all(calls["track"](ip).status_code == 200 for _ in range(4))


def test_the_tracking_pages_are_throttled_like_the_api(client, settings):
    """``/r/<code>`` and ``/r/?code=`` count against the same per-address limits:
    the third request in a minute is a bilingual 429 page with Retry-After;
    another address is not held back, nor are signed-in staff."""
    settings.CITIZEN_RATE_PER_IP_MINUTE = 2
    code = report_make(status="resolved").tracking_code
    pages = {
        "track page": lambda ip: client.get(f"/r/{code}", REMOTE_ADDR=ip),
        "lookup page": lambda ip: client.get("/r/", {"code": code}, REMOTE_ADDR=ip),
    }
    for name, call in pages.items():
        ip = address()
        assert call(ip).status_code != 429, name
        # The minute is a fixed window: calls straddling its end may pass twice
        # more, so the fifth call is refused whatever the clock.
        answers = [call(ip) for _ in range(4)]
        assert answers[0].status_code != 429, name  # the second is allowed
        refused = [a for a in answers if a.status_code == 429]
        assert refused, name
        limited = refused[0]
        page = limited.content.decode()
        assert "Quá nhiều yêu cầu" in page
        assert "Too many requests" in page
        assert 0 < int(limited["Retry-After"]) <= 60
        assert call(address()).status_code != 429, name

    ioc = get_user_model().objects.create_user(username="ioc-pages", password="x")
    StaffProfile.objects.create(user=ioc, role=roles.IOC_OPERATOR)
    client.force_login(ioc)
    ip = address()
    assert all(pages["track page"](ip).status_code == 200 for _ in range(4))


def test_the_hourly_window_holds_too(api, settings):
    """Beyond the hourly limit an address waits for the next hour."""
    settings.CITIZEN_RATE_PER_IP_HOUR = 3
    ip = address()
    url = f"{BASE}/track/{report_make().tracking_code}"
    assert [api.get(url, REMOTE_ADDR=ip).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    limited = api.get(url, REMOTE_ADDR=ip)
    assert "this hour" in limited.json()["messages"]["en"]
    assert 0 < int(limited["Retry-After"]) <= 3600


def test_attempts_with_a_secret_are_limited_per_code(api, settings):
    """Three attempts an hour on one code, from any address: after three wrong
    secrets even the right one waits (429); another code is not affected."""
    settings.RECEIPT_ATTEMPTS_PER_CODE_HOUR = 3
    report = report_make(status="resolved")
    body = {"rating": "satisfied"}
    for _ in range(3):
        wrong = post(
            api,
            rating_url(report),
            body,
            "AAAA-BBBB-CCCC-DDDD-EEEE",
            REMOTE_ADDR=address(),
        )
        assert wrong.status_code == 403
    held = post(
        api, rating_url(report), body, receipt_secret(report), REMOTE_ADDR=address()
    )
    assert (held.status_code, held.json()["code"]) == (429, "receipt_attempts_limited")
    assert int(held["Retry-After"]) > 0
    report.refresh_from_db()
    assert report.status == "resolved"
    other = report_make(status="resolved")
    assert post(api, rating_url(other), body, receipt_secret(other)).status_code == 200


@pytest.mark.parametrize(
    "role",
    [None, roles.IOC_OPERATOR, roles.DEPARTMENT_OFFICER, roles.ADMIN, "superuser"],
)
def test_being_signed_in_is_no_receipt(api, role):
    """Staff sessions count for nothing on the reporter's endpoints (they act in
    /ops/): whoever is signed in, no secret is a 403, the secret a success."""
    report = report_make()
    if role == "superuser":
        api.force_login(get_user_model().objects.create_superuser("root-receipt"))
    elif role is not None:
        user = get_user_model().objects.create_user(username=f"r-{role}", password="x")
        StaffProfile.objects.create(user=user, role=role, department=report.department)
        api.force_login(user)
    refused = post(api, info_url(report), {"note": "Thêm."})
    assert refused.status_code == 403
    assert (
        post(
            api, info_url(report), {"note": "Thêm."}, receipt_secret(report)
        ).status_code
        == 201
    )


def test_a_huge_code_is_a_short_refusal(api):
    """A 10,000-character code on an action is the same short 403, echoing nothing."""
    code = "HT-" + "Z" * 10_000
    for action in ("rating", "info"):
        response = post(
            api,
            f"{BASE}/track/{code}/{action}",
            {"rating": "satisfied", "note": "x"},
            "AAAA-BBBB-CCCC-DDDD-EEEE",
        )
        assert (response.status_code, response.json()["code"]) == (
            403,
            "receipt_refused",
        )
        assert len(response.content) < 1000
