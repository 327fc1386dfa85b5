"""The intake desk in headless Chromium, driven by the keyboard alone: an operator
takes a hotline call on the real Đồng Hới wards, from the caller's phone to the
tracking code and receipt secret read back to them; and adds a second caller to the
open report they describe instead of filing it twice."""

from __future__ import annotations

import pytest
from django.test import Client

from boundaries.models import AdminUnit
from routing.models import Report, ReportFollower
from routing.reports.receipt import receipt_matches
from tests.browser.conftest import screenshot_of
from tests.browser.maps import map_click
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.browser

CALLER = "0905 111 222"
CALLER_E164 = "+84905111222"


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def open_desk(staff_page):
    page = staff_page("ioc_operator")
    page.goto("/ops/intake")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert focused(page) == "reporter_phone"  # the call starts with the number
    return page


def choose_by_arrows(page, select_id: str, value: str, tries: int = 40) -> None:
    """Move a focused <select> with ↓ until it shows ``value``."""
    assert focused(page) == select_id
    for _ in range(tries):
        if page.locator(f"#{select_id}").input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reached in #{select_id}")


def search_and_pick(page, typed: str, name: str) -> str:
    """Type in the place box, move to the option named ``name`` with ↓ and take it
    with Enter; returns the option's text (name, kind, unit today)."""
    page.keyboard.type(typed, delay=30)
    page.wait_for_selector("#place-search[aria-expanded='true']")
    options = page.locator("[role=option]")
    names = options.locator(".place-search-name").all_inner_texts()
    assert name in names, names
    for _ in range(names.index(name) + 1):
        page.keyboard.press("ArrowDown")
    active = page.locator("[role=option][aria-selected='true']")
    assert active.locator(".place-search-name").inner_text() == name
    assert page.locator("#place-search").get_attribute(
        "aria-activedescendant"
    ) == active.get_attribute("id")
    text = active.inner_text()
    page.keyboard.press("Enter")
    return text


def test_an_operator_takes_a_call_with_the_keyboard_only(staff_page):
    earlier = report_create(
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        category="VSMT",
        description="Rác tồn đọng ở chợ.",
        reporter_phone=CALLER,
    )
    page = open_desk(staff_page)
    keys = page.locator("#desk-keys").inner_text()
    assert "Alt+D" in keys
    assert "Enter" in keys

    lookups = []
    page.on(
        "request",
        lambda r: (
            lookups.append((r.method, r.url)) if "/ops/intake/caller" in r.url else None
        ),
    )
    page.keyboard.type(CALLER)
    page.keyboard.press("Enter")  # looks the caller up, moves on to the name
    page.wait_for_selector("#caller-info:not([hidden])")
    # A POST: the phone stays out of the URL (and so out of access logs).
    assert lookups
    assert all(method == "POST" and "phone" not in url for method, url in lookups)
    assert earlier.tracking_code in page.locator("#caller-reports").inner_text()
    assert focused(page) == "reporter_name"
    page.keyboard.type("Trần Thị Bình")

    page.keyboard.press("Alt+D")  # the place search box
    assert focused(page) == "place-search"
    option = search_and_pick(page, "dong hai", "Phường Đồng Hải")
    assert "nay thuộc Phường" in option  # the ward covering it today
    assert focused(page) == "category"  # picked: on to the next field
    page.wait_for_function(
        "document.getElementById('place-unit').textContent.startsWith('→ Phường')"
    )
    lon = float(page.locator("#lon").input_value())
    lat = float(page.locator("#lat").input_value())

    choose_by_arrows(page, "category", "TTDT")
    page.wait_for_function(
        "document.getElementById('place-unit').textContent.includes('·')"
    )  # with a category, the department it goes to
    page.keyboard.press("Alt+N")
    assert focused(page) == "description"
    page.keyboard.type("Quán nước lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.wait_for_selector("#result")
    code = page.locator("#result-code").inner_text().strip()
    secret = page.locator("#result-secret").inner_text().strip()
    assert code.startswith("HT-")
    assert len(secret.replace("-", "")) == 20
    assert focused(page) == "new-call"
    screenshot_of(page, "ops-intake-result")

    report = Report.objects.select_related("unit", "received_by").get(
        tracking_code=code
    )
    assert report.channel == "hotline"
    assert report.received_by == page.user
    assert report.reporter_phone == CALLER_E164
    assert report.reporter_name == "Trần Thị Bình"
    assert report.category.code == "TTDT"
    assert receipt_matches(report, secret)
    assert report.location.x == pytest.approx(lon, abs=1e-6)
    assert report.location.y == pytest.approx(lat, abs=1e-6)
    ward = AdminUnit.objects.get(
        boundary_set__slug="qt-2025",
        level__in=("ward", "commune"),
        geom__covers=report.location,
    )
    assert report.unit_id == ward.pk
    assert ward.name in option
    assert page.locator("#result-unit").inner_text() == ward.name

    page.keyboard.press("Alt+M")  # a new call: an empty form
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("#reporter_phone").input_value() == ""


def place_point(name: str, typed: str) -> tuple[float, float]:
    """Where the place search puts ``name`` (its point on the unit's surface)."""
    body = Client().get("/api/v1/places/search", {"q": typed}).json()
    feature = next(f for f in body["features"] if f["properties"]["name"] == name)
    lon, lat = feature["geometry"]["coordinates"]
    return lon, lat


def test_a_second_caller_is_added_to_the_open_report(staff_page):
    """The place the caller names has an open report of the same kind: the desk
    offers it, and Enter on the focused offer adds the caller to it."""
    lon, lat = place_point("Phường Đồng Phú", "dong phu")
    first = report_create(
        lon=lon + 0.0005,  # some 50 m away
        lat=lat,
        category="TTDT",
        description="Lấn chiếm vỉa hè trước chợ.",
        reporter_phone="0912000111",
    )
    page = open_desk(staff_page)
    page.keyboard.type(CALLER)
    page.keyboard.press("Enter")
    page.keyboard.press("Alt+D")
    search_and_pick(page, "dong phu", "Phường Đồng Phú")
    page.wait_for_selector("#nearby-info:not([hidden])")
    assert first.tracking_code in page.locator("#nearby-reports").inner_text()
    choose_by_arrows(page, "category", "TTDT")
    page.keyboard.press("Alt+N")
    page.keyboard.type("Vỉa hè bị lấn chiếm.")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The duplicate check: the open report is offered, its button focused.
    page.wait_for_selector("#duplicates")
    assert page.evaluate("document.activeElement.dataset.action") == "follow"
    assert page.evaluate("document.activeElement.value") == first.tracking_code
    screenshot_of(page, "ops-intake-duplicates")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#result")
    assert "Đã thêm người gọi" in page.locator("#result-title").inner_text()
    assert page.locator("#result-code").inner_text().strip() == first.tracking_code
    follower = ReportFollower.objects.get(report=first)
    assert follower.phone == CALLER_E164
    assert follower.added_by == page.user
    assert Report.objects.count() == 1


def test_the_search_box_closes_and_clears_with_esc_and_the_map_picks_too(staff_page):
    """Esc closes the list, a second Esc clears the choice; ↑ from the box wraps to
    the last result; a click on the map chooses a point and names its ward."""
    page = open_desk(staff_page)
    page.keyboard.press("Alt+D")
    search_and_pick(page, "dong hai", "Phường Đồng Hải")
    assert page.locator("#lon").input_value()
    page.keyboard.press("Alt+D")
    page.keyboard.press("Escape")  # the list is closed: this clears the choice
    assert page.locator("#place-search").input_value() == ""
    assert page.locator("#lon").input_value() == ""

    page.keyboard.type("dong", delay=30)
    page.wait_for_selector("#place-search[aria-expanded='true']")
    count = page.locator("[role=option]").count()
    page.keyboard.press("ArrowUp")
    last = page.locator("[role=option]").nth(count - 1)
    assert last.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert page.locator("#place-search").get_attribute("aria-expanded") == "false"
    assert page.locator("#place-search").input_value() == "dong"  # text kept

    page.evaluate(
        "([lat, lon]) => HT.map.instances[0].setView([lat, lon], 15, {animate: false})",
        [DONG_PHU[1], DONG_PHU[0]],
    )
    map_click(page, *DONG_PHU)
    page.wait_for_function(
        "document.getElementById('place-unit').textContent.includes('Đồng Hới')"
    )
    assert float(page.locator("#lon").input_value()) == pytest.approx(
        DONG_PHU[0], abs=1e-4
    )
    assert "Điểm trên bản đồ" in page.locator("#place-search").input_value()


def test_data_from_imports_and_reports_is_shown_as_text(staff_page):
    """A place's kind from the file ("constructor", "toString") is not looked up on
    the prototype, and a report's description with markup is text in the caller's
    list (its link built with the DOM)."""
    from django.contrib.gis.geos import Point

    from boundaries.models import Place

    for kind in ("constructor", "toString"):
        Place.objects.create(
            name=f"Quán Thử {kind}",
            name_ascii=f"Quan Thu {kind}",
            search_ascii=f"quan thu {kind.lower()}",
            kind=kind,
            source="test",
            source_id=f"node/{kind}",
            geom=Point(*DONG_PHU, srid=4326),
            anchor=Point(*DONG_PHU, srid=4326),
        )
    earlier = report_create(
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        category="VSMT",
        description='Rác "><img src=x onerror="window.pwned=1"> ở chợ.',
        reporter_phone=CALLER,
    )
    page = open_desk(staff_page)
    page.keyboard.type(CALLER)
    page.keyboard.press("Enter")
    page.wait_for_selector("#caller-info:not([hidden])")
    row = page.locator(f"#caller-reports li[data-code='{earlier.tracking_code}']")
    assert "<img" in row.locator(".desk-snippet").inner_text()
    assert row.locator("img").count() == 0
    assert row.locator("a.ops-code").get_attribute("href") == (
        f"/ops/r/{earlier.tracking_code}"
    )
    assert not page.evaluate("window.pwned === 1")

    page.keyboard.press("Alt+D")
    page.keyboard.type("quan thu", delay=30)
    page.wait_for_selector("#place-search[aria-expanded='true']")
    kinds = page.locator("[role=option]").all_inner_texts()
    shown = "\n".join(kinds)
    assert "function" not in shown
    assert "constructor" in shown
    assert "toString" in shown


def test_back_after_filing_lets_the_form_be_sent_again(staff_page):
    """The "submitted" guard resets on pageshow: after Back, a changed form is sent
    and comes back with a new key and the desk's message."""
    page = open_desk(staff_page)
    page.keyboard.type(CALLER)
    page.keyboard.press("Enter")
    page.keyboard.press("Alt+D")
    search_and_pick(page, "dong hai", "Phường Đồng Hải")
    choose_by_arrows(page, "category", "TTDT")
    page.keyboard.press("Alt+N")
    page.keyboard.type("Lấn chiếm vỉa hè.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#result")
    page.go_back()
    page.wait_for_selector("#desk-form")
    page.locator("#description").fill("Một việc khác: cây đổ.")
    page.locator("#description").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Either the desk's own message (the form had filed already) or a second report:
    # never a form stuck on a guard that refuses to send.
    assert page.locator("#result, #form-error").count() >= 1
