"""/r/mine in headless Chromium: a citizen asks for a code, reads it from the SMS
backend (the in-memory one here; the demo's SMS page in the demo), signs in, sees
their report with its date as dd/mm/yyyy, and signs out."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest

from routing.notifications.sms import MemorySmsBackend
from tests.factories import report_create

pytestmark = pytest.mark.browser

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def test_sign_in_with_a_code_and_see_my_reports(page, screenshot, sms):
    report = report_create(
        reporter_phone="0912 345 111",
        reported_at=dt.datetime(2026, 3, 2, 9, tzinfo=HCM),
    )
    page.goto("/r/mine")
    page.get_by_label("Số điện thoại di động").fill("0912 345 111")
    screenshot("mine-phone")
    page.get_by_role("button", name="Gửi mã / Send code").click()
    page.wait_for_selector("#otp-verify")
    # The SMS goes out once the page has been sent: wait for it.
    deadline = time.monotonic() + 5
    while not sms and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in sms] == ["+84912345111"]
    code = re.search(r"\b(\d{6})\b", sms[0].text).group(1)
    page.get_by_label("Mã xác thực").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận / Verify").click()
    page.wait_for_selector("#mine-error")
    assert "Mã không đúng hoặc đã hết hạn" in page.locator("#mine-error").inner_text()
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận / Verify").click()
    page.wait_for_selector("#mine-list")
    row = page.locator(f"tr[data-code='{report.tracking_code}']")
    assert "02/03/2026" in row.inner_text()
    assert page.locator("#mine-phone").inner_text() == "+8491****111"
    screenshot("mine-list")
    page.locator("#signout").click()
    page.wait_for_selector("#otp-send")
    assert page.locator("#mine-list").count() == 0
