"""What a verified citizen's session changes: reports marked contact_verified, SMS
only to proven phones and e-mail only to proven addresses, "my reports", rating
without the receipt secret, and "me too" with its updates and support count."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.utils import timezone

from routing import workflow
from routing.citizens.email_links import SALT as EMAIL_SALT
from routing.citizens.email_links import email_token
from routing.models import (
    CitizenToken,
    Notification,
    Report,
    ReportFollower,
    StaffProfile,
)
from routing.notifications.outbox import RECEIPT_LINK
from routing.reports import roles
from routing.reports.receipt import receipt_secret
from tests.citizens.conftest import mobile, sign_in
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
MINE = "/api/v1/me/reports"


def body(**fields):
    return {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": "Rác đổ ven đường Trần Hưng Đạo.",
        **fields,
    }


def submit(client, data, **extra):
    return client.post(
        REPORTS, json.dumps(data), content_type="application/json", **extra
    )


def ioc():
    user = get_user_model().objects.create_user(
        username=f"ioc-cit-{get_user_model().objects.count()}", password="x"
    )
    StaffProfile.objects.create(user=user, role=roles.IOC_OPERATOR)
    return user


# contact_verified ---------------------------------------------------------------


def test_bearer_citizen_without_a_phone_gets_it_filled_and_verified(citizen):
    answer = submit(Client(), body(), **citizen.bearer)
    assert answer.status_code == 201, answer.content
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert report.reporter_phone == citizen.phone
    assert report.contact_verified


def test_citizen_with_their_phone_typed_locally_is_verified(citizen):
    local = "0" + citizen.phone[3:]
    answer = submit(Client(), body(reporter_phone=local), **citizen.bearer)
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert report.contact_verified


def test_another_phone_stays_unverified_and_gets_no_sms(citizen):
    _typed, other = mobile()
    answer = submit(Client(), body(reporter_phone=other), **citizen.bearer)
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert not report.contact_verified
    assert not Notification.objects.filter(report=report, channel="sms").exists()


def test_anonymous_citizen_report_is_not_given_their_phone(citizen):
    answer = submit(Client(), body(anonymous=True), **citizen.bearer)
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert (report.reporter_phone, report.contact_verified) == ("", False)


def test_unverified_report_still_works_with_no_sms(client):
    _typed, phone = mobile()
    answer = submit(client, body(reporter_phone=phone))
    assert answer.status_code == 201
    assert answer.json()["receipt_secret"]
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert not report.contact_verified
    assert not Notification.objects.filter(report=report, channel="sms").exists()


def test_verified_report_gets_its_receipt_sms(citizen):
    answer = submit(Client(), body(), **citizen.bearer)
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    sms = Notification.objects.get(report=report, channel="sms")
    assert sms.recipient == citizen.phone
    assert sms.payload[RECEIPT_LINK]


def test_page_session_needs_the_csrf_token(sms):
    browser = Client(enforce_csrf_checks=True)
    signed = sign_in(sms, browser)
    refused = submit(browser, body())
    assert refused.status_code == 403
    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    answer = submit(browser, body(), HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert answer.status_code == 201, answer.content
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert report.reporter_phone == signed.phone
    assert report.contact_verified


def test_a_stale_bearer_on_submit_files_anonymously(client, citizen):
    """An app holding an old token may still file: as no citizen (nothing is
    verified); the citizen-only endpoints keep the 401 and its challenge."""
    CitizenToken.objects.update(revoked_at=timezone.now())
    for token in ("gone", citizen.token):
        answer = submit(
            client,
            body(reporter_phone=citizen.phone),
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 201, answer.content
        report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
        assert not report.contact_verified
    for url in ("/api/v1/me/reports", "/api/v1/otp/session"):
        refused = Client().get(url, **citizen.bearer)
        assert refused.status_code == 401, url
        assert refused["WWW-Authenticate"].startswith("Bearer")


def test_a_stale_bearer_does_not_stop_a_receipt_secret_action(client):
    report = report_force(report_create(), status="resolved")
    answer = client.post(
        f"/api/v1/reports/track/{report.tracking_code}/rating",
        json.dumps({"rating": "satisfied"}),
        content_type="application/json",
        HTTP_X_RECEIPT_SECRET=receipt_secret(report),
        HTTP_AUTHORIZATION="Bearer gone",
    )
    assert answer.status_code == 200, answer.content
    follow = client.post(
        f"/api/v1/reports/{report.tracking_code}/follow",
        HTTP_AUTHORIZATION="Bearer gone",
    )
    assert follow.status_code == 401


# e-mail verified by a link --------------------------------------------------------


def test_email_gets_one_verification_link_then_status_mails(client):
    answer = submit(client, body(reporter_email="dan@example.org"))
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    rows = Notification.objects.filter(report=report, recipient="dan@example.org")
    assert [r.payload["event"] for r in rows] == ["email_verify"]
    assert RECEIPT_LINK not in rows[0].payload
    link = re.search(r"https?://\S+/r/email/\S+", rows[0].body).group(0)
    path = link.split("hientruong.test", 1)[1]
    workflow.report_transition(report=report, to_status="in_progress", actor=ioc())
    assert rows.count() == 1  # not verified yet: no status e-mail
    # The token does not carry the address (a signed token is readable).
    token = path.rsplit("/", 1)[1]
    assert "dan@example.org" not in signing.loads(token, salt=EMAIL_SALT).values()
    assert "dan" not in signing.b64_decode(token.split(":")[0].encode()).decode()
    # Opening the link (as a mail scanner does) changes nothing: a button confirms.
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    assert page.status_code == 200
    assert 'id="email-confirm"' in page.content.decode()
    report.refresh_from_db()
    assert not report.email_verified
    assert browser.post(path).status_code == 403  # no CSRF token
    csrf = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)
    done = browser.post(path, {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 200
    assert "Đã xác nhận e-mail" in done.content.decode()
    report.refresh_from_db()
    assert report.email_verified
    workflow.report_transition(
        report=report, to_status="resolved", actor=ioc(), note="Đã dọn."
    )
    assert rows.filter(payload__event="status").count() == 1


def test_a_forged_or_stale_email_link_is_refused(client):
    report = report_create(reporter_email="dan@example.org")
    token = email_token(report)
    assert client.get(f"/r/email/{token[:-2]}xx").status_code == 400
    assert client.post(f"/r/email/{token[:-2]}xx").status_code == 400
    report_force(report, reporter_email="other@example.org")
    assert client.get(f"/r/email/{token}").status_code == 400
    assert client.post(f"/r/email/{token}").status_code == 400
    report.refresh_from_db()
    assert not report.email_verified


# my reports --------------------------------------------------------------------


def test_my_reports_lists_own_and_followed_and_nobody_elses(citizen):
    own = report_create(reporter_phone=citizen.phone)
    _t, stranger = mobile()
    followed = report_create(reporter_phone=stranger, reporter_name="Trần Văn B")
    report_create(reporter_phone=stranger)
    ReportFollower.objects.create(
        report=followed, phone=citizen.phone, verified=True, source="me_too"
    )
    answer = Client().get(MINE, **citizen.bearer)
    assert answer.status_code == 200
    data = answer.json()
    assert data["count"] == 2
    by_code = {r["tracking_code"]: r for r in data["results"]}
    assert by_code[own.tracking_code]["own"] is True
    assert by_code[followed.tracking_code]["own"] is False
    assert stranger not in answer.content.decode()
    assert "Trần Văn B" not in answer.content.decode()
    # The page session works as well.
    assert citizen.client.get(MINE).json()["count"] == 2
    paged = Client().get(MINE, {"page_size": 1, "page": 2}, **citizen.bearer).json()
    assert len(paged["results"]) == 1
    assert Client().get(MINE).status_code == 401
    assert Client().get(MINE, {"page_size": "x"}, **citizen.bearer).status_code == 400


def test_rate_and_reopen_by_verified_phone_without_receipt(citizen):
    report = report_force(
        report_create(reporter_phone=citizen.phone), status="resolved"
    )
    url = f"/api/v1/reports/track/{report.tracking_code}/rating"
    answer = Client().post(
        url,
        json.dumps({"rating": "dissatisfied", "reopen": True, "note": "Vẫn còn rác."}),
        content_type="application/json",
        **citizen.bearer,
    )
    assert answer.status_code == 200, answer.content
    report.refresh_from_db()
    assert report.status == "reopened"


def test_verified_phone_is_no_proof_for_someone_elses_report(citizen):
    _t, stranger = mobile()
    report = report_force(report_create(reporter_phone=stranger), status="resolved")
    url = f"/api/v1/reports/track/{report.tracking_code}/rating"
    answer = Client().post(
        url,
        json.dumps({"rating": "satisfied"}),
        content_type="application/json",
        **citizen.bearer,
    )
    assert answer.status_code == 403


# me too ------------------------------------------------------------------------


def follow_url(report):
    return f"/api/v1/reports/{report.tracking_code}/follow"


def test_follow_is_idempotent_counts_as_support_and_unfollows(citizen):
    _t, stranger = mobile()
    report = report_create(reporter_phone=stranger)
    for _ in range(2):
        answer = Client().post(follow_url(report), **citizen.bearer)
        assert answer.status_code == 200
        assert answer.json() == {
            "tracking_code": report.tracking_code,
            "following": True,
            "supporters": 1,
        }
    track = Client().get(f"/api/v1/reports/track/{report.tracking_code}").json()
    assert track["supporters"] == 1
    assert (
        Client().delete(follow_url(report), **citizen.bearer).json()["supporters"] == 0
    )
    assert Client().delete(follow_url(report), **citizen.bearer).status_code == 200


def test_follow_refuses_own_closed_unknown_and_anonymous(citizen):
    own = report_create(reporter_phone=citizen.phone)
    assert Client().post(follow_url(own), **citizen.bearer).status_code == 409
    closed = report_force(report_create(reporter_phone="0912777001"), status="closed")
    assert Client().post(follow_url(closed), **citizen.bearer).status_code == 409
    assert (
        Client()
        .post("/api/v1/reports/HT-NONE-NONE/follow", **citizen.bearer)
        .status_code
        == 404
    )
    assert Client().post(follow_url(closed)).status_code == 401


def test_followers_get_status_sms_without_the_receipt_link(citizen):
    _t, stranger = mobile()
    report = report_create(reporter_phone=stranger)
    Client().post(follow_url(report), **citizen.bearer)
    _t, desk_unverified = mobile()
    ReportFollower.objects.create(
        report=report, phone=desk_unverified, verified=False, source="desk"
    )
    workflow.report_transition(report=report, to_status="in_progress", actor=ioc())
    rows = Notification.objects.filter(report=report, channel="sms")
    assert list(rows.values_list("recipient", flat=True)) == [citizen.phone]
    assert RECEIPT_LINK not in rows.get().payload
