"""The header with every staff link still fits a phone: the links scroll sideways
inside the bar, the page itself never gets wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def test_admin_header_fits_a_phone(staff_page):
    page = staff_page("admin", size=PHONE)
    page.goto("/")
    page.wait_for_selector("form.sign-out button")
    links = page.locator(".topnav a").all_inner_texts()
    assert links[-5:] == [
        "Hàng đợi",
        "Kiểm duyệt (0)",  # the moderation queue, with the reports waiting
        "Tiếp nhận",
        "Vùng trách nhiệm",
        "Phân tích",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The last control (the language switch) can be scrolled to and used.
    switch = page.locator(".lang-switch button")
    switch.scroll_into_view_if_needed()
    assert switch.is_visible()
