"""The citizen's pages in headless Chromium: pin, preview, submit, track, rate."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from routing.models import Report, ReportEvent
from routing.reports.receipt import receipt_matches, receipt_secret
from tests.browser.maps import map_click
from tests.factories import report_create

pytestmark = pytest.mark.browser

# Inside Phường Đồng Hới, in the zone where the environment company collects waste.
LON, LAT = 106.6155, 17.4689
DEPARTMENT_VI = "Công ty Cổ phần Môi trường và Phát triển đô thị Quảng Bình"
DEPARTMENT_EN = "Quảng Bình Environment and Urban Development JSC"


def png() -> bytes:
    """A small photo of "the problem"."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def open_form(page) -> None:
    page.goto("/")
    page.wait_for_selector("#map[data-ready='1']")


def click_map_at(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, the map scrolled into view."""
    page.evaluate("window.scrollTo(0, 0)")
    map_click(page, lon, lat)


def choose_category(page, code: str) -> None:
    page.locator(f"label.category:has(input[value='{code}'])").click()


def fill_report(page, *, phone: str = "0912 345 678") -> None:
    """Pin, category, description and phone, in whichever language the page is."""
    click_map_at(page, LON, LAT)
    choose_category(page, "VSMT")
    page.locator("#description").fill("Rác tồn đọng ở điểm tập kết cạnh chợ.")
    page.locator("#reporter_phone").fill(phone)


def test_report_on_the_map_and_follow_it(page, screenshot):
    """A pin dropped on the map fills the coordinates (lat and lon the right way
    round), the preview names the ward and the department in Vietnamese, and the
    report sent lands on its tracking page as "Đã chuyển xử lý"."""
    open_form(page)
    assert page.locator("html").get_attribute("lang") == "vi"
    # The real Đồng Hới wards are drawn and named, with no basemap.
    assert page.locator("#map path.leaflet-interactive, #map svg path").count() >= 3
    labels = page.locator(".unit-label").all_inner_texts()
    assert {"Phường Đồng Hới", "Phường Đồng Thuận", "Phường Đồng Sơn"} <= set(labels)
    screenshot("citizen-form")

    click_map_at(page, LON, LAT)
    assert float(page.locator("#lat").input_value()) == pytest.approx(LAT, abs=2e-4)
    assert float(page.locator("#lon").input_value()) == pytest.approx(LON, abs=2e-4)
    choose_category(page, "VSMT")
    page.wait_for_selector("#preview-result:not([hidden])")
    page.wait_for_function(
        "document.getElementById('preview-department').textContent.includes('Công ty')"
    )
    assert page.locator("#preview-unit").inner_text() == "Phường Đồng Hới"
    assert page.locator("#preview-department").inner_text() == DEPARTMENT_VI
    assert "Điểm thuộc Phường Đồng Hới" in page.locator("#preview-reason").inner_text()

    description = page.get_by_label("Mô tả sự việc")
    description.fill("Rác tồn đọng ở điểm tập kết cạnh chợ.")
    assert page.locator("#description-count").inner_text() == "37/4.000"
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    # A photo is previewed; a file that is not an image is refused before sending.
    page.get_by_label("Thêm ảnh").set_input_files(
        [
            {"name": "rac.png", "mimeType": "image/png", "buffer": png()},
            {"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": b"abc"},
        ]
    )
    assert page.locator("#photo-list img").count() == 1
    assert "“ghi-chu.txt” không phải ảnh" in page.locator("#err-photos").inner_text()
    screenshot("citizen-preview")

    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"/r/HT-[A-Z0-9]{4}-[A-Z0-9]{4}#k=[0-9A-Z-]{24}$"))
    report = Report.objects.get()
    # The receipt secret is shown once, from the address's fragment.
    secret = page.locator("#receipt-secret").inner_text()
    assert page.locator("#receipt-shown").is_visible()
    assert receipt_matches(report, secret)
    assert page.url.endswith(f"#k={secret}")
    assert report.location.x == pytest.approx(LON, abs=2e-4)
    assert report.location.y == pytest.approx(LAT, abs=2e-4)
    assert report.reporter_phone == "+84912345678"
    assert page.locator("#tracking-code").inner_text() == report.tracking_code
    assert page.locator("#status").inner_text() == "Đã chuyển xử lý"
    assert page.locator("#sent-banner").is_visible()
    due = timezone.localtime(report.due_at).strftime("%d/%m/%Y")
    assert page.locator("#due time").inner_text() == due
    assert report.photos.count() == 1
    # Named, so offered for publication: the photo waits for the operations centre.
    assert report.publication == Report.Publication.PENDING
    assert page.locator(".photo-grid img").count() == 0
    page.wait_for_selector("#map[data-ready='1']")
    screenshot("track-new")


def test_double_submit_makes_one_report(page):
    """A double click, and a retry of the same request (an answer lost on the way
    back), make one report: the form sends one Idempotency-Key. (The pin comes from
    the device's location here, with its accuracy.)"""
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": LAT, "longitude": LON, "accuracy": 25})
    open_form(page)
    page.get_by_role("button", name="Dùng vị trí của tôi").click()  # the pin, by GPS
    page.wait_for_function("document.getElementById('lat').value !== ''")
    choose_category(page, "VSMT")
    page.locator("#description").fill("Rác tồn đọng ở điểm tập kết cạnh chợ.")
    page.locator("#reporter_phone").fill("0912 345 678")
    answers = []

    def send_twice(route):
        first = route.fetch()
        second = route.fetch()  # the browser's retry, same key and body
        answers.extend([first, second])
        route.fulfill(response=second)

    page.route("**/api/v1/reports/", send_twice)
    page.get_by_role("button", name="Gửi phản ánh").dblclick()
    page.wait_for_url(re.compile(r"/r/HT-"))
    assert Report.objects.count() == 1
    assert [a.status for a in answers] == [201, 200]
    assert answers[0].json()["tracking_code"] == answers[1].json()["tracking_code"]
    # The replay gives the same receipt secret: the one the page shows works.
    secret = answers[1].json()["receipt_secret"]
    assert secret == answers[0].json()["receipt_secret"]
    report = Report.objects.get()
    assert page.url.endswith(f"{report.tracking_code}#k={secret}")
    assert receipt_matches(report, secret)
    assert report.accuracy_m == 25
    assert report.location.y == pytest.approx(LAT, abs=1e-6)


def test_server_error_next_to_its_field(page, screenshot):
    """The server's refusal of a phone number shows in Vietnamese next to the phone
    field; once corrected, the same form sends one report. The pin is set from the
    coordinate fields (the keyboard's way)."""
    open_form(page)
    page.get_by_label("Vĩ độ").fill(str(LAT))
    page.get_by_label("Kinh độ").fill(str(LON))
    page.get_by_label("Kinh độ").press("Tab")
    choose_category(page, "VSMT")
    page.get_by_label("Mô tả sự việc").fill("Đèn đường tắt cả tuần.")
    page.get_by_label("Số điện thoại").fill("0123")
    page.get_by_role("button", name="Gửi phản ánh").click()

    error = page.locator("#err-reporter_phone")
    error.wait_for(state="visible")
    assert "Số điện thoại '0123' không hợp lệ" in error.inner_text()
    assert page.get_by_label("Số điện thoại").get_attribute("aria-invalid") == "true"
    assert Report.objects.count() == 0
    screenshot("citizen-error")

    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"/r/HT-"))
    assert Report.objects.count() == 1


def test_english_on_request(page, screenshot):
    """The switch in the header turns the page, its scripts' messages and the
    department's name into English."""
    open_form(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("h1").inner_text() == "Report a problem in Đồng Hới"
    assert page.get_by_label("Phone").is_visible()
    page.get_by_role("button", name="Send report").click()
    assert (
        page.locator("#err-location").inner_text()
        == "Place the pin on the map, use your location or type the coordinates."
    )
    fill_report(page)
    page.wait_for_function(
        "document.getElementById('preview-department').textContent.includes('JSC')"
    )
    assert page.locator("#preview-department").inner_text() == DEPARTMENT_EN
    screenshot("citizen-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_selector("html[lang='vi']")


def existing_report() -> Report:
    return report_create(
        lon=LON,
        lat=LAT,
        category="VSMT",
        description="Rác tồn đọng ở chợ.",
        reporter_phone="0912345678",
    )


def test_possible_duplicate_offered(page, screenshot):
    """An open report of the same category near the pin is offered, with a link to
    follow it instead of sending a new one."""
    report = existing_report()
    open_form(page)
    click_map_at(page, LON + 0.0003, LAT)
    choose_category(page, "VSMT")
    duplicates = page.locator("#duplicates")
    duplicates.wait_for(state="visible")
    assert report.tracking_code in duplicates.inner_text()
    assert "Đã chuyển xử lý" in duplicates.inner_text()
    screenshot("citizen-duplicate")
    duplicates.get_by_role("link", name="Theo dõi phản ánh này").click()
    page.wait_for_url(f"**/r/{report.tracking_code}")
    assert Report.objects.count() == 1


def test_lookup_by_code(page, screenshot):
    """A code typed loosely on /r/ opens the report's page."""
    report = existing_report()
    page.goto("/r/")
    page.get_by_label("Mã phản ánh").fill(
        report.tracking_code.lower().replace("-", " ")
    )
    screenshot("track-lookup")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url(f"**/r/{report.tracking_code}")
    assert page.locator("#tracking-code").inner_text() == report.tracking_code


def resolved_report() -> Report:
    report = existing_report()
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RESOLVED, resolved_at=timezone.now()
    )
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        from_status=Report.Status.ASSIGNED,
        to_status=Report.Status.RESOLVED,
        note="Đã thu gom xong.",
    )
    return report


def test_rating_a_resolved_report(page, screenshot):
    """A resolved report's page, opened from the reporter's receipt link, offers
    the rating form without asking for the secret; a rating closes it."""
    report = resolved_report()
    page.goto(f"/r/{report.tracking_code}#k={receipt_secret(report)}")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("#receipt-ask").is_hidden()
    assert page.locator("#status").inner_text() == "Đã xử lý"
    assert page.locator("#rating-form").is_visible()
    assert "Đã thu gom xong." in page.locator("#timeline").inner_text()
    page.get_by_label("Không hài lòng").check()
    assert page.get_by_label("Chưa được khắc phục: mở lại phản ánh").is_enabled()
    page.get_by_label("Hài lòng", exact=True).check()
    assert page.get_by_label("Chưa được khắc phục: mở lại phản ánh").is_disabled()
    screenshot("track-rating")

    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("#status.status-closed")
    assert page.locator("#status").inner_text() == "Đã đóng"
    assert page.locator("#rating-form").count() == 0
    report.refresh_from_db()
    assert report.rating == Report.Rating.SATISFIED


def test_rating_without_the_receipt_asks_for_it(page, screenshot):
    """Opened by its tracking code alone, the page asks for the receipt secret: none
    or a wrong one is refused next to the field and nothing changes; the right one
    pasted closes the report."""
    report = resolved_report()
    page.goto(f"/r/{report.tracking_code}")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.get_by_label("Mã biên nhận").is_visible()
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Hãy dán mã biên nhận" in page.locator("#err-receipt").inner_text()
    screenshot("track-receipt-ask")

    page.get_by_label("Mã biên nhận").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("#err-receipt:not([hidden])")
    page.wait_for_function(
        "document.getElementById('err-receipt').textContent.includes('không đúng')"
    )
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED

    page.get_by_label("Mã biên nhận").fill(receipt_secret(report).lower())
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("#status.status-closed")
    report.refresh_from_db()
    assert report.rating == Report.Rating.SATISFIED


def test_adding_information_with_the_receipt_link(page):
    """An open report's page, opened from the receipt link, takes more information:
    it is stored as the reporter's comment, for staff only."""
    report = existing_report()
    page.goto(f"/r/{report.tracking_code}#k={receipt_secret(report)}")
    page.wait_for_selector("#map[data-ready='1']")
    page.get_by_label("Thông tin bổ sung").fill("Rác nằm sau quầy cá, cạnh cột điện.")
    page.get_by_role("button", name="Gửi thông tin").click()
    page.wait_for_selector("#info-sent:not([hidden])")
    event = report.events.get(kind=ReportEvent.Kind.COMMENT)
    assert (event.actor_role, event.public) == ("citizen", False)
    assert event.note == "Rác nằm sau quầy cá, cạnh cột điện."


def test_find_the_place_by_name_then_read_where_the_pin_is(page):
    """A place typed without diacritics ("cho dong hoi"), picked with the keyboard,
    puts the pin on it; the pin's line names its ward and the nearest place, with
    OpenStreetMap credited. A pin dropped on the map afterwards empties the box."""
    open_form(page)
    page.get_by_role("combobox", name="Hoặc tìm đường phố, địa điểm").type(
        "cho dong hoi"
    )
    page.wait_for_selector(".place-search-option")
    assert "Chợ Đồng Hới" in page.inner_text(".place-search-option >> nth=0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('place').textContent.includes('gần')"
    )
    assert float(page.locator("#lon").input_value()) == pytest.approx(
        106.62756, abs=1e-5
    )
    assert float(page.locator("#lat").input_value()) == pytest.approx(
        17.46458, abs=1e-5
    )
    place = page.locator("#place").inner_text()
    assert "Phường Đồng Hới" in place
    assert "gần Chợ Đồng Hới" in place
    assert "© OpenStreetMap contributors" in place
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 3)
    page.wait_for_function("document.getElementById('place-search').value === ''")
