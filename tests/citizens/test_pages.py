"""The citizen's pages: /r/mine signs in with a one-time code (form posts with the
CSRF token), lists the reports with dates as dd/mm/yyyy, rates without the receipt
secret, signs out; the tracking page offers "me too" to a signed-in citizen."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from routing.models import Report, ReportFollower
from tests.citizens.conftest import address, last_code, mobile, sign_in
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MINE = "/r/mine"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_post(browser: Client, page: str, data: dict, **extra):
    """Post a form of ``page`` as a browser does: with the token the page gave."""
    token = TOKEN.search(browser.get(page, **extra).content.decode()).group(1)
    return browser.post(MINE, {**data, "csrfmiddlewaretoken": token}, **extra)


def test_sign_in_list_rate_and_sign_out(sms):
    browser = Client(enforce_csrf_checks=True)
    ip = {"REMOTE_ADDR": address()}
    typed, phone = mobile()
    own = report_create(
        reporter_phone=phone, reported_at=dt.datetime(2026, 3, 2, 9, tzinfo=HCM)
    )
    report_force(own, status="resolved")
    first = browser.get(MINE, **ip)
    assert first.status_code == 200
    assert "Số điện thoại di động" in first.content.decode()
    assert own.tracking_code not in first.content.decode()
    sent = form_post(browser, MINE, {"action": "send", "phone": typed}, **ip)
    assert sent.status_code == 200
    assert 'autocomplete="one-time-code"' in sent.content.decode()
    wrong = form_post(browser, MINE, {"action": "verify", "code": "000000"}, **ip)
    if last_code(sms, phone) != "000000":
        assert wrong.status_code == 400
        assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    done = form_post(
        browser, MINE, {"action": "verify", "code": last_code(sms, phone)}, **ip
    )
    assert done.status_code == 302
    listed = browser.get(MINE, **ip).content.decode()
    assert own.tracking_code in listed
    assert "02/03/2026" in listed
    rated = form_post(
        browser,
        MINE,
        {"action": "rate", "code": own.tracking_code, "rating": "satisfied"},
        **ip,
    )
    assert rated.status_code == 302
    own.refresh_from_db()
    assert own.status == Report.Status.CLOSED
    out = form_post(browser, MINE, {"action": "signout"}, **ip)
    assert out.status_code == 302
    assert own.tracking_code not in browser.get(MINE, **ip).content.decode()


def test_a_post_without_the_csrf_token_is_refused(sms):
    browser = Client(enforce_csrf_checks=True)
    typed, _phone = mobile()
    assert browser.post(MINE, {"action": "send", "phone": typed}).status_code == 403
    assert sms == []


def test_bad_phone_and_unknown_action_are_400_pages(client):
    assert client.post(MINE, {"action": "send", "phone": "123"}).status_code == 400
    assert client.post(MINE, {"action": "rate"}).status_code == 400
    for typed in ("-", "()", ".", "- -"):
        answer = client.post(MINE, {"action": "send", "phone": typed})
        assert answer.status_code == 400, typed
        assert "Hãy nhập số điện thoại" in answer.content.decode()


def test_tracking_page_offers_me_too_to_a_signed_in_citizen(sms):
    _t, stranger = mobile()
    report = report_create(reporter_phone=stranger)
    page = f"/r/{report.tracking_code}"
    anonymous = Client().get(page).content.decode()
    assert 'id="follow-button"' not in anonymous
    assert 'href="/r/mine"' in anonymous
    signed = sign_in(sms, Client(enforce_csrf_checks=True))
    shown = signed.client.get(page).content.decode()
    assert "Tôi cũng gặp" in shown
    followed = form_post(
        signed.client,
        page,
        {"action": "follow", "code": report.tracking_code, "next": "track"},
    )
    assert followed.status_code == 302
    assert followed["Location"] == page
    assert ReportFollower.objects.filter(report=report, phone=signed.phone).exists()
    after = signed.client.get(page).content.decode()
    assert "Bỏ theo dõi" in after
    assert re.search(r'id="supporters">1<', after)


def test_odd_codes_in_page_actions_are_400_not_500(citizen):
    for code in ("a/b", "x" * 500, ""):
        answer = citizen.client.post(
            MINE, {"action": "follow", "code": code, "next": "track"}
        )
        assert answer.status_code == 400, code


def test_me_too_with_an_odd_but_found_code_redirects_to_the_report(citizen):
    """A posted code with a trailing "/" still names the report; the redirect uses
    the report's own code (not the posted text, which ``reverse`` refuses)."""
    _t, stranger = mobile()
    report = report_create(reporter_phone=stranger)
    answer = citizen.client.post(
        MINE,
        {"action": "follow", "code": report.tracking_code + "/", "next": "track"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/r/{report.tracking_code}"


def test_use_another_number_returns_to_the_phone_form(sms):
    browser = Client()
    typed, _phone = mobile()
    sent = browser.post(MINE, {"action": "send", "phone": typed}, REMOTE_ADDR=address())
    assert 'id="otp-verify"' in sent.content.decode()
    assert 'id="otp-verify"' in browser.get(MINE).content.decode()
    assert browser.post(MINE, {"action": "signout"}).status_code == 302
    page = browser.get(MINE).content.decode()
    assert 'id="otp-send"' in page
    assert 'id="otp-verify"' not in page


def test_the_code_form_tells_the_digits_and_minutes_from_settings(sms, settings):
    settings.OTP_TTL_S = 600
    browser = Client()
    typed, _phone = mobile()
    page = browser.post(
        MINE, {"action": "send", "phone": typed}, REMOTE_ADDR=address()
    ).content.decode()
    assert "mã 6 chữ số qua SMS (hiệu lực 10 phút)" in page
    assert "A 6-digit code was sent by SMS (valid 10 minutes)" in page
