"""Publication in headless Chromium: the citizen's choice on the report form (on
for a named report, off when "anonymous" is ticked, gone for a sensitive
category) and the operations centre's review panel (edit the masked text, untick
a photo, approve), after which the tracking page shows the text and the one photo,
served through the checking photo view."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from routing.intake.photos import photos_check
from routing.models import Report, ReportEvent
from tests.browser.maps import map_click
from tests.factories import report_create

pytestmark = pytest.mark.browser

LON, LAT = 106.6155, 17.4689


def test_the_citizen_chooses_and_an_anonymous_report_may_opt_in(page):
    page.goto("/")
    page.wait_for_selector("#map[data-ready='1']")
    public = page.locator("#public")
    assert public.is_checked()
    page.locator("label.category:has(input[value='ANTT'])").click()
    assert not page.locator("#public-choice").is_visible()
    assert page.locator("#public-sensitive").is_visible()
    page.locator("label.category:has(input[value='VSMT'])").click()
    assert page.locator("#public-choice").is_visible()
    page.locator("#anonymous").check()
    assert not public.is_checked()  # anonymous: off by default
    public.check()  # the citizen opts in
    page.evaluate("window.scrollTo(0, 0)")
    map_click(page, LON, LAT)
    page.locator("#description").fill("Rác tồn đọng, gọi 0912 345 678.")
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/r/HT-[A-Z0-9]{4}-[A-Z0-9]{4}#k=[0-9A-Z-]{24}$"))
    report = Report.objects.get()
    assert report.anonymous
    assert report.publication == Report.Publication.PENDING
    assert page.locator("#public-description").count() == 0


def jpeg(shade: int) -> tuple[str, bytes]:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (shade, 120, 60)).save(out, "JPEG")
    return (f"anh-{shade}.jpg", out.getvalue())


def test_the_operations_centre_approves_an_edited_text_and_one_photo(staff_page):
    report = report_create(
        lon=LON,
        lat=LAT,
        category="VSMT",
        description="Rác ở chợ, gọi anh Hùng 0912 345 678.",
        reporter_phone="0912345678",
        photos=tuple(photos_check([jpeg(10), jpeg(200)])),
    )
    first, second = report.photos.order_by("id")
    page = staff_page("ioc_operator")
    page.goto(f"/ops/r/{report.tracking_code}")
    page.wait_for_selector("#map[data-ready='1']")
    text = page.locator("#publication-text")
    assert text.input_value() == "Rác ở chợ, gọi anh Hùng [SĐT đã ẩn]."
    assert page.locator("input[name=publication-photo]:checked").count() == 2
    # The staff page's photos load although none is public yet.
    assert page.evaluate(
        "Array.from(document.querySelectorAll('.photo-grid img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    text.fill("Rác ở chợ chưa được thu gom.")
    page.locator(f"input[name=publication-photo][value='{first.pk}']").uncheck()
    with page.expect_navigation():
        page.locator("#publication-approve").click()
    page.wait_for_selector("#flash:not([hidden])")
    assert page.locator("#publication-current").inner_text() == (
        "Rác ở chợ chưa được thu gom."
    )
    assert page.locator("li[data-kind=publication]").count() == 1
    report.refresh_from_db()
    assert report.publication == Report.Publication.APPROVED
    assert report.events.filter(kind=ReportEvent.Kind.PUBLICATION).count() == 1
    assert [p.pk for p in report.photos.filter(public=True)] == [second.pk]

    page.goto(f"/r/{report.tracking_code}")
    assert (
        "Rác ở chợ chưa được thu gom."
        in page.locator("#public-description").inner_text()
    )
    images = page.locator(".photo-grid img")
    assert images.count() == 1
    page.wait_for_function(
        "document.querySelector('.photo-grid img').complete"
        " && document.querySelector('.photo-grid img').naturalWidth > 0"
    )


def test_a_decision_taken_meanwhile_is_not_overwritten_from_the_report_page(staff_page):
    """The page sends the state it showed: when another reviewer withheld the
    report meanwhile, this page's approval is refused with a message, and the
    withholding stands (one decision in the timeline)."""
    from django.contrib.auth.models import User

    from routing.workflow import report_publication_decide

    report = report_create(
        lon=LON, lat=LAT, category="VSMT", reporter_phone="0912345678"
    )
    assert report.publication == Report.Publication.PENDING
    page = staff_page("ioc_operator")
    page.goto(f"/ops/r/{report.tracking_code}")
    page.wait_for_selector("#map[data-ready='1']")
    other = User.objects.create_superuser(username="other-reviewer", password="x")
    report_publication_decide(
        report=report, actor=other, approve=False, note="Không phù hợp."
    )
    page.locator("#publication-approve").click()
    page.wait_for_selector("#publication-error:not([hidden])")
    report.refresh_from_db()
    assert report.publication == Report.Publication.WITHHELD
    assert report.events.filter(kind=ReportEvent.Kind.PUBLICATION).count() == 1
