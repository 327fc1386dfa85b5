"""The officers' pages in headless Chromium: the queue, a report's actions through
the workflow API, moving the pin on the map, and what a department officer may not do."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from routing.models import Category, Department, Report
from routing.workflow import report_transition
from tests.browser.conftest import screenshot_of
from tests.browser.maps import map_click
from tests.factories import report_create, report_force
from tests.points import DONG_PHU, OFFSHORE

pytestmark = pytest.mark.browser

DONG_THUAN = (106.5894, 17.4954)
WARDS = {"Phường Đồng Hới", "Phường Đồng Thuận"}


def submit(point, category: str, description: str, due_in: dt.timedelta) -> Report:
    report = report_create(
        lon=point[0],
        lat=point[1],
        category=category,
        description=description,
        reporter_name="Nguyễn Văn An",
        reporter_phone="0912345678",
    )
    return report_force(report, due_at=timezone.now() + due_in)


def open_report(page, code: str) -> None:
    page.goto(f"/ops/r/{code}")
    page.wait_for_selector("#map[data-ready='1']")


def click_map_at(page, lon: float, lat: float) -> None:
    """Centre the map on (lon, lat) and click there."""
    page.evaluate(
        "([lat, lon]) => HT.map.instances[0].setView([lat, lon], 15, {animate: false})",
        [lat, lon],
    )
    map_click(page, lon, lat)


def act(page, selector: str) -> str:
    """Click the button that posts an action; the page reloads and confirms it."""
    with page.expect_navigation():
        page.locator(selector).click()
    page.wait_for_selector("#flash:not([hidden])")
    return page.locator("#flash").inner_text()


def test_operator_works_a_report_from_the_queue(staff_page, media):
    """An operator opens the queue (Vietnamese), finds the overdue report first,
    opens it on a map of the real Đồng Hới wards, adds an internal note, starts
    handling it and resolves it with a public note; the timeline follows each step.
    A step made meanwhile by someone else is refused next to the buttons."""
    later = submit(DONG_PHU, "VSMT", "Rác tồn đọng ở chợ.", dt.timedelta(days=3))
    late = submit(DONG_THUAN, "TTDT", "Lấn chiếm vỉa hè.", dt.timedelta(hours=-3))
    page = staff_page("ioc_operator")
    page.goto("/ops/")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "vi"
    rows = page.locator("tr.ops-row")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-code") == late.tracking_code
    assert rows.nth(1).get_attribute("data-code") == later.tracking_code
    assert "Quá hạn" in rows.nth(0).inner_text()
    assert "Lấn chiếm" not in rows.nth(0).inner_text()  # the list, not the details
    assert page.locator("#map path.leaflet-interactive").count() >= 2  # the pins
    screenshot_of(page, "ops-queue")

    rows.nth(0).locator("a.ops-code").click()
    page.wait_for_url(f"**/ops/r/{late.tracking_code}")
    page.wait_for_selector("#map[data-ready='1']")
    assert set(page.locator(".unit-label").all_inner_texts()) >= WARDS
    routing = page.locator("#routing").inner_text()
    assert "Cơ quan mặc định của phường, xã" in routing
    assert "qt-2025" in routing

    page.locator("#comment-note").fill("Đã gọi đội trật tự phường kiểm tra.")
    assert act(page, "#comment-submit") == "Đã thêm ghi chú nội bộ."
    last = page.locator("#timeline li").last
    assert "Đã gọi đội trật tự phường kiểm tra." in last.inner_text()
    assert "Nội bộ" in last.inner_text()

    page.locator("button[data-to='in_progress']").click()
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Đang xử lý."
    assert page.locator("#status").inner_text() == "Đang xử lý"
    assert "Đang xử lý" in page.locator("#timeline li").last.inner_text()
    screenshot_of(page, "ops-report")

    page.locator("button[data-to='resolved']").click()
    page.locator("#transition-submit").click()  # the public note is required
    assert page.locator("#err-transition-note").inner_text() == (
        "Hãy viết ghi chú gửi người dân."
    )
    page.locator("#transition-note").fill("Đã giải tỏa vỉa hè.")
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Đã xử lý."
    assert "Đã giải tỏa vỉa hè." in page.locator("#timeline li").last.inner_text()
    late.refresh_from_db()
    assert late.status == "resolved"

    # Someone else closes it while this page still offers "reopen".
    report_transition(report=late, to_status="closed", actor=None)
    page.locator("button[data-to='reopened']").click()
    page.locator("#transition-note").fill("Người dân báo vẫn còn lấn chiếm.")
    page.locator("#transition-submit").click()
    page.wait_for_selector("#transition-error:not([hidden])")
    assert "Không thể chuyển" in page.locator("#transition-error").inner_text()


def test_operator_moves_the_pin(staff_page, media):
    """The operator clicks the map: the page previews where the report would go,
    and on confirmation the report is routed again to the other ward's People's
    Committee. A point out at sea is refused, in Vietnamese, next to the map."""
    report = submit(DONG_PHU, "TTDT", "Lấn chiếm lòng đường.", dt.timedelta(days=2))
    assert report.department.code == "ubnd-18880-phuong-dong-hoi"
    page = staff_page("ioc_operator")
    open_report(page, report.tracking_code)
    assert page.locator(".leaflet-marker-draggable").count() == 1

    click_map_at(page, *OFFSHORE)
    page.wait_for_selector("#move-error:not([hidden])")
    assert "đơn vị" in page.locator("#move-error").inner_text()
    page.locator("#move-cancel").click()

    click_map_at(page, *DONG_THUAN)
    page.wait_for_function(
        "document.getElementById('move-preview').textContent.includes('Đồng Thuận')"
    )
    assert "UBND Phường Đồng Thuận" in act(page, "#move-confirm")
    assert page.locator("#unit").inner_text() == "Phường Đồng Thuận"
    assert page.locator("#department").inner_text() == "UBND Phường Đồng Thuận"
    assert "Điều chỉnh vị trí" in page.locator("#timeline li").last.inner_text()
    report.refresh_from_db()
    assert report.unit.code == "18859"
    assert report.location.x == pytest.approx(DONG_THUAN[0], abs=1e-4)


def test_department_officer_handles_but_does_not_route(staff_page, media):
    """A department officer starts work on their report, but gets no pin to drag
    and no reassignment form; asking the API to reassign anyway is refused in
    Vietnamese."""
    report = submit(DONG_PHU, "VSMT", "Rác tồn đọng.", dt.timedelta(days=2))
    page = staff_page(
        "department_officer", department=Department.objects.get(code="qb-moitruong")
    )
    open_report(page, report.tracking_code)
    assert page.locator(".leaflet-marker-draggable").count() == 0
    assert page.locator("#reassign-form").count() == 0
    assert page.locator("#move-panel").count() == 0
    refused = page.evaluate(
        """(url) => HT.api(url, {method: "POST", json: {department: "dh-qldt", note: "x"}})
            .then(() => null, (error) => [error.status, error.message])""",
        f"/api/v1/reports/{report.tracking_code}/reassign",
    )
    assert refused == [403, "Vai trò của bạn không được thực hiện thao tác này."]

    page.locator("button[data-to='in_progress']").click()
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Đang xử lý."
    report.refresh_from_db()
    assert report.status == "in_progress"


def test_operator_reassigns_changes_category_and_types_coordinates(staff_page, media):
    """The operator hands a report to another department (a reason is asked for
    first), changes its category (routed again), and moves it by typing
    coordinates and confirming with the keyboard."""
    report = submit(DONG_PHU, "TTDT", "Quán lấn chiếm vỉa hè.", dt.timedelta(days=2))
    page = staff_page("ioc_operator")
    open_report(page, report.tracking_code)

    page.locator("#reassign-department").select_option("dh-qldt")
    page.locator("#reassign-submit").click()
    assert page.locator("#err-reassign-note").inner_text() == "Hãy ghi lý do chuyển."
    page.locator("#reassign-note").fill("Lấn chiếm trên tuyến phố chính.")
    assert act(page, "#reassign-submit") == (
        "Đã chuyển cho Phòng Quản lý đô thị thành phố Đồng Hới."
    )
    assert page.locator("#department").inner_text() == (
        "Phòng Quản lý đô thị thành phố Đồng Hới"
    )
    assert "Phân công thủ công" in page.locator("#routing").inner_text()

    page.locator("#category-select").select_option("VSMT")
    assert "Công ty Cổ phần Môi trường" in act(page, "#category-submit")
    assert page.locator("#category-name").inner_text() == "Vệ sinh môi trường"

    page.locator(".ops-coords summary").click()
    page.locator("#move-lat").fill("vĩ độ")
    page.locator("#move-lat").press("Enter")
    assert page.locator("#err-coords").inner_text() == (
        "Hãy nhập vĩ độ dạng số, ví dụ 17.4689."
    )
    page.locator("#move-lat").fill(str(DONG_THUAN[1]))
    page.locator("#move-lon").fill(str(DONG_THUAN[0]))
    page.locator("#move-lon").press("Enter")
    page.wait_for_function(
        "document.getElementById('move-preview').textContent.includes('Đồng Thuận')"
    )
    assert page.evaluate("document.activeElement.id") == "move-confirm"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#unit").inner_text() == "Phường Đồng Thuận"
    report.refresh_from_db()
    assert (report.category.code, report.unit.code) == ("VSMT", "18859")
    assert report.department.code == "qb-moitruong"


def test_operator_rejects_and_merges(staff_page, media):
    """Rejecting asks for a reason and a public note; marking a duplicate asks for
    the original's code, which an unknown code does not satisfy."""
    first = submit(DONG_PHU, "VSMT", "Rác tồn đọng ở chợ.", dt.timedelta(days=2))
    again = submit(DONG_PHU, "VSMT", "Rác ở chợ chưa dọn.", dt.timedelta(days=2))
    vague = submit(DONG_THUAN, "KHAC", "Có vấn đề.", dt.timedelta(days=2))
    page = staff_page("ioc_operator")

    open_report(page, vague.tracking_code)
    page.locator("button[data-to='rejected']").click()
    page.locator("#transition-submit").click()
    assert page.locator("#err-reason").inner_text() == "Hãy chọn lý do."
    page.locator("#transition-reason").select_option("insufficient_info")
    page.locator("#transition-note").fill("Xin gửi thêm ảnh và địa điểm cụ thể.")
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Từ chối."
    assert "Không đủ thông tin" in page.locator("#timeline li").last.inner_text()
    assert page.locator("button[data-to]").count() == 0

    open_report(page, again.tracking_code)
    page.locator("button[data-to='duplicate']").click()
    page.locator("#transition-duplicate").fill("HT-2222-2222")
    page.locator("#transition-submit").click()
    page.wait_for_selector("#err-duplicate:not([hidden])")
    assert "Không tìm thấy phản ánh" in page.locator("#err-duplicate").inner_text()
    page.locator("#transition-duplicate").fill(first.tracking_code.lower())
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Trùng lặp."
    assert page.locator(f"a[href='/ops/r/{first.tracking_code}']").count() >= 1
    again.refresh_from_db()
    assert again.duplicate_of_id == first.pk


def test_resolving_a_category_that_needs_a_photo_of_the_fix(staff_page, media):
    """A category with ``requires_after_photo``: the page asks for the photo, then
    sends note and photo as one multipart form; the tracking page shows the masked
    result note and the photo of the fix."""
    Category.objects.filter(code="VSMT").update(requires_after_photo=True)
    report = submit(DONG_PHU, "VSMT", "Rác tồn đọng ở chợ.", dt.timedelta(days=3))
    report_force(report, status="in_progress")
    page = staff_page("ioc_operator")
    open_report(page, report.tracking_code)
    page.locator("button[data-to='resolved']").click()
    assert page.locator("#field-after-photos").is_visible()
    page.locator("#transition-note").fill("Đã thu gom rác, gọi tổ 0912 345 678.")
    page.locator("#transition-submit").click()
    assert page.locator("#err-transition-photos").inner_text() == (
        "Hãy thêm ảnh sau khi khắc phục."
    )
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (20, 150, 70)).save(out, "JPEG")
    page.locator("#transition-photos").set_input_files(
        files=[{"name": "sau.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}]
    )
    assert act(page, "#transition-submit") == "Đã chuyển trạng thái: Đã xử lý."
    report.refresh_from_db()
    assert report.status == "resolved"
    assert report.result_note == "Đã thu gom rác, gọi tổ [SĐT đã ẩn]."
    assert report.photos.filter(of_resolution=True).count() == 1
    page.goto(f"/r/{report.tracking_code}")
    assert page.locator("#result-note").inner_text().count("[SĐT đã ẩn]") == 1
    assert page.locator(".photo-grid img").count() == 1
