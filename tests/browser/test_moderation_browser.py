"""The moderation queue in headless Chromium: an operations-centre operator sees the
masks highlighted, approves one report with an edited text and refuses another
with a reason; both decisions are audited and leave the queue."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from routing.intake.photos import photos_check
from routing.models import Report, ReportEvent
from tests.browser.conftest import screenshot_of
from tests.factories import report_create

pytestmark = pytest.mark.browser

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
P = Report.Publication


def jpeg(shade: int) -> tuple[str, bytes]:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (shade, 120, 60)).save(out, "JPEG")
    return (f"anh-{shade}.jpg", out.getvalue())


def test_an_operator_approves_one_report_and_refuses_another(staff_page):
    approve = report_create(
        category="VSMT",
        description="Rác ở chợ, gọi anh Hùng 0912 345 678.",
        reporter_phone="0912345678",
        photos=tuple(photos_check([jpeg(10)])),
        reported_at=dt.datetime(2026, 3, 5, 8, 15, tzinfo=HCM),
    )
    refuse = report_create(
        category="CTN",
        description="Cống tắc trước nhà, email tôi: hung@example.org",
        reporter_phone="0912345679",
        reported_at=dt.datetime(2026, 3, 4, 7, 0, tzinfo=HCM),
    )
    page = staff_page("ioc_operator")
    page.goto("/ops/moderation")
    link = page.locator(".topnav a[href='/ops/moderation']")
    assert link.inner_text() == "Kiểm duyệt (2)"
    rows = page.locator("article.moderation-item")
    assert [rows.nth(i).get_attribute("data-code") for i in range(2)] == [
        approve.tracking_code,
        refuse.tracking_code,
    ]
    first = page.locator(f"#m-{approve.tracking_code}")
    assert first.locator("mark.redacted").inner_text() == "[SĐT đã ẩn]"
    assert "05/03/2026 08:15" in first.inner_text()
    page.wait_for_function(
        "document.querySelector('article.moderation-item img').complete"
        " && document.querySelector('article.moderation-item img').naturalWidth > 0"
    )
    screenshot_of(page, "ops-moderation")

    text = page.locator(f"#text-{approve.tracking_code}")
    assert text.input_value() == "Rác ở chợ, gọi anh Hùng [SĐT đã ẩn]."
    text.fill("Rác ở chợ chưa được thu gom.")
    with page.expect_navigation():
        first.locator("button[value=approve]").click()
    assert page.locator("#moderation-done").is_visible()
    assert page.locator("article.moderation-item").count() == 1

    second = page.locator(f"#m-{refuse.tracking_code}")
    with page.expect_navigation():
        second.locator("button[value=withhold]").click()  # no reason yet
    assert "Cần ghi lý do" in page.locator(".moderation-row-error").inner_text()
    page.locator(f"#reason-{refuse.tracking_code}").fill("Có địa chỉ e-mail riêng.")
    with page.expect_navigation():
        page.locator(f"#m-{refuse.tracking_code} button[value=withhold]").click()
    assert page.locator("#moderation-empty").is_visible()
    assert page.locator(".topnav a[href='/ops/moderation']").inner_text() == (
        "Kiểm duyệt (0)"
    )

    approve.refresh_from_db()
    refuse.refresh_from_db()
    assert (approve.publication, approve.public_description) == (
        P.APPROVED,
        "Rác ở chợ chưa được thu gom.",
    )
    assert refuse.publication == P.WITHHELD
    event = refuse.events.get(kind=ReportEvent.Kind.PUBLICATION)
    assert (event.actor_role, event.note) == (
        "ioc_operator",
        "Có địa chỉ e-mail riêng.",
    )
    assert event.actor is not None
