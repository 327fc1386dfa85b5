"""The zone editor in headless Chromium, as a routing officer: draw a zone with the
mouse on the real Đồng Hới wards, see it checked live, save the draft, see the gaps,
overlaps and the reports it would move, publish it and read its history; repair,
cut, delete and undo; snapping to the ward boundaries; a ward's area and a GeoJSON
file as a start; changing and ending a published zone; the page in English."""

from __future__ import annotations

import json

import pytest
from shapely import wkb

from boundaries.models import AdminUnit
from geo.topology import area_m2
from routing.models import Category, Report, ResponsibilityZone
from tests.browser.conftest import screenshot_of
from tests.browser.maps import map_click
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.browser

LON, LAT = DONG_PHU
# A square of about 640 m around the Đồng Phú point, inside Phường Đồng Hới.
HALF = 0.003
SQUARE = [
    (LON - HALF, LAT - HALF),
    (LON + HALF, LAT - HALF),
    (LON + HALF, LAT + HALF),
    (LON - HALF, LAT + HALF),
]
WARD = "ubnd-18880-phuong-dong-hoi"


def reports_inside(count: int = 3) -> list[Report]:
    """Open urban-order reports in the square: routed to the ward's People's
    Committee, since no zone claims the category."""
    category = Category.objects.get(code="TTDT")
    made = []
    for index in range(count):
        offset = (index - 1) * 0.001
        made.append(
            report_create(
                lon=LON + offset,
                lat=LAT - offset,
                category=category,
                description=f"Lấn chiếm vỉa hè số {index + 1}.",
                reporter_phone="0912345678",
            )
        )
    assert {r.department.code for r in made} == {WARD}
    return made


def open_editor(page) -> None:
    page.goto("/ops/zones/")
    page.wait_for_selector("#map[data-ready='1']")
    page.wait_for_selector("#zone-list .zone-item")


def view(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        "([lat, lon, zoom]) => HT.zonesEditor.map.setView([lat, lon], zoom, {animate: false})",
        [lat, lon, zoom],
    )
    page.wait_for_timeout(300)


def click_map_at(page, lon: float, lat: float) -> None:
    """Click the editor's map at (lon, lat) and let geoman take the click."""
    map_click(page, lon, lat, map_js="HT.zonesEditor.map")
    page.wait_for_timeout(120)


def draw(page, corners) -> None:
    """Draw a polygon with the mouse: each corner, then the first again to close."""
    page.locator("#tool-draw").click()
    assert page.locator("#tool-draw").get_attribute("aria-pressed") == "true"
    for lon, lat in corners:
        click_map_at(page, lon, lat)
    click_map_at(page, *corners[0])
    page.wait_for_function("HT.zonesEditor.shape.mode() === null")


def settled(page) -> None:
    """Wait until the map has its outlines for the view (they load as it moves)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def fill_zone(page, *, name: str, department: str, categories: list[str], priority=0):
    page.locator("#zone-name").fill(name)
    page.locator("#zone-department").select_option(department)
    for code in categories:
        page.locator(f"#zone-categories input[value='{code}']").check()
    page.locator("#zone-priority").fill(str(priority))


def test_draw_check_preview_publish_and_history(staff_page):
    """A new urban-order zone drawn with the mouse is valid, is saved as a draft,
    would move the three open reports in it, is published after a confirmation
    (and moves them), and its history shows the change of shape before and after."""
    reports = reports_inside()
    page = staff_page("routing_officer")
    open_editor(page)
    assert page.locator("html").get_attribute("lang") == "vi"
    # The zones in force, coloured by department, listed with their status.
    environment = page.locator(".zone-item", has_text="Thu gom rác, cây xanh")
    assert environment.locator(".zone-status").inner_text() == "Đã ban hành"
    assert page.locator(".leaflet-ht-zones-pane path").count() >= 7
    labels = page.locator(".unit-label").all_inner_texts()
    assert "Phường Đồng Hới" in labels
    # Filters narrow the list.
    page.locator("#filter-category").select_option("VSMT")
    assert page.locator("#zone-list .zone-item").count() == 1
    page.locator("#filter-category").select_option("")

    page.locator("#new-zone").click()
    fill_zone(
        page,
        name="Trật tự đô thị khu Đồng Phú",
        department="dh-qldt",
        categories=["TTDT"],
    )
    view(page, LON, LAT, 15)
    draw(page, SQUARE)
    page.wait_for_selector("#validation.validation-ok")
    assert "Hình hợp lệ: 1 vùng con" in page.locator("#validation-text").inner_text()
    page.locator("#validation").scroll_into_view_if_needed()
    settled(page)
    screenshot_of(page, "zones-editor", full_page=False)

    page.locator("#zone-save").click()
    page.wait_for_function(
        "document.getElementById('save-status').textContent.includes('Đã lưu bản nháp')"
    )
    draft = ResponsibilityZone.objects.get(name="Trật tự đô thị khu Đồng Phú")
    assert draft.status == "draft"
    assert draft.department.code == "dh-qldt"
    assert list(draft.categories.values_list("code", flat=True)) == ["TTDT"]
    assert 350_000 < draft.area_m2 < 450_000
    assert page.locator(
        f".zone-item[data-id='{draft.pk}'] .zone-status"
    ).inner_text() == ("Bản nháp")

    # The preview runs by itself after the save: three open reports would move.
    page.wait_for_selector("#impact-open")
    assert page.locator("#impact-open").inner_text() == "3"
    impact = page.locator("#impact").inner_text()
    assert "Phòng Quản lý đô thị thành phố Đồng Hới" in impact
    assert "3/3 phản ánh đang mở" in impact
    assert "Phường Đồng Hới: 3 đang mở, 0 trước đây" in impact
    codes = page.locator(".impact-sample .impact-code").all_inner_texts()
    assert sorted(codes) == sorted(r.tracking_code for r in reports)
    # The category's gap (the rest of the province) is drawn and listed.
    assert (
        page.locator("#topology").inner_text().count("Khoảng trống của Trật tự đô thị")
        == 1
    )
    assert page.locator("path.zones-gap").count() >= 1
    page.locator("#impact").scroll_into_view_if_needed()
    settled(page)
    screenshot_of(page, "zones-preview", full_page=False)
    for report in reports:
        report.refresh_from_db()
        assert report.department.code == WARD  # a preview writes nothing

    # Move a corner outwards: the change is checked and saved with its old shape.
    page.locator("#tool-edit").click()
    corner = page.evaluate(
        """() => {
            const part = HT.zonesEditor.shape.group.getLayers()[0];
            const ll = part.getLatLngs()[0][2];
            const p = HT.zonesEditor.map.latLngToContainerPoint(ll);
            return [p.x, p.y];
        }"""
    )
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + corner[0], box["y"] + corner[1])
    page.mouse.down()
    page.mouse.move(box["x"] + corner[0] + 40, box["y"] + corner[1] - 30, steps=8)
    page.mouse.up()
    page.locator("#tool-edit").click()
    page.wait_for_selector("#validation.validation-ok")
    page.locator("#zone-save").click()
    page.wait_for_function(
        f"document.querySelector(\".zone-item[data-id='{draft.pk}']\") !== null"
        " && document.getElementById('save-status').textContent.includes('Đã lưu')"
    )
    draft.refresh_from_db()
    assert draft.area_m2 > 420_000
    page.wait_for_selector("#impact-open")

    # Publish, after the confirmation.
    page.locator("#publish-run").click()
    dialog = page.locator("#publish-dialog")
    assert dialog.is_visible()
    assert "Trật tự đô thị khu Đồng Phú" in dialog.inner_text()
    page.locator("#publish-confirm").click()
    page.wait_for_selector("#publish-result:not([hidden])")
    result = page.locator("#publish-result").inner_text()
    assert "Đã ban hành lúc" in result
    assert "Đã điều phối lại 3 phản ánh đang mở" in result
    draft.refresh_from_db()
    assert draft.status == "published"
    for report in reports:
        report.refresh_from_db()
        assert report.department.code == "dh-qldt"
    item = page.locator(f".zone-item[data-id='{draft.pk}']")
    assert item.locator(".zone-status").inner_text() == "Đã ban hành"

    # The history: published, changed (with its before and after), created.
    page.locator("#publish-result button").click()
    page.wait_for_selector("#history-list .history-item")
    actions = page.locator("#history-list .history-head strong").all_inner_texts()
    assert actions == ["Ban hành", "Chỉnh sửa", "Tạo mới"]
    changed = page.locator(".history-updated")
    assert "Diện tích" in changed.inner_text()
    changed.locator("button").click()
    page.wait_for_selector(".history-updated.is-shown")
    assert page.locator("path.history-before").count() == 1
    assert page.locator("path.history-after").count() == 1
    assert page.locator("path.history-before").get_attribute("stroke-dasharray")
    assert not page.locator("path.history-after").get_attribute("stroke-dasharray")
    page.locator("#history-title").scroll_into_view_if_needed()
    settled(page)
    screenshot_of(page, "zones-history", full_page=False)


def parts(page) -> int:
    return page.evaluate("HT.zonesEditor.shape.count()")


def test_repair_delete_cut_and_overlap(staff_page):
    """A crossed polygon is refused with the reason in Vietnamese and a repair on
    offer; the repair gives two polygons, which the delete tool removes; a square
    cut through the middle splits in two; a second draft over it of the same
    category and priority is an overlap highlighted on the map."""
    page = staff_page("routing_officer")
    open_editor(page)
    page.locator("#new-zone").click()
    fill_zone(
        page,
        name="Chiếu sáng công cộng khu Đồng Phú",
        department="dh-qldt",
        categories=["CSDT"],
        priority=5,
    )
    view(page, LON, LAT, 15)
    west, south = SQUARE[0]
    east, north = SQUARE[2]
    draw(page, [(west, south), (east, north), (east, south), (west, north)])
    page.wait_for_selector("#validation.validation-error")
    message = page.locator("#validation-text").inner_text()
    assert message.startswith("Vùng không hợp lệ: Self-intersection")
    assert page.locator(".zones-fault").count() == 1
    assert page.locator("#show-fault").is_visible()
    page.locator("#accept-repair").click()
    page.wait_for_selector("#validation.validation-ok")
    assert "2 vùng con" in page.locator("#validation-text").inner_text()
    assert parts(page) == 2

    # Delete both triangles with the delete tool: nothing left to check.
    page.locator("#tool-remove").click()
    click_map_at(page, west + 0.0008, LAT)
    assert parts(page) == 1
    click_map_at(page, east - 0.0008, LAT)
    assert parts(page) == 0
    page.wait_for_function(
        "document.getElementById('validation-text').textContent.includes('Chưa có hình')"
    )

    # A square, then a strip cut out of its middle: two polygons.
    draw(page, SQUARE)
    page.wait_for_selector("#validation.validation-ok")
    page.locator("#tool-cut").click()
    assert page.locator("#map-mode").inner_text().startswith("Đang cắt bớt")
    strip = [
        (LON - 0.0006, south - 0.002),
        (LON + 0.0006, south - 0.002),
        (LON + 0.0006, north + 0.002),
        (LON - 0.0006, north + 0.002),
    ]
    for lon, lat in strip:
        click_map_at(page, lon, lat)
    click_map_at(page, *strip[0])
    page.wait_for_function("HT.zonesEditor.shape.count() === 2")
    page.wait_for_function(
        "document.getElementById('validation-text').textContent.includes('2 vùng con')"
    )
    page.locator("#zone-save").click()
    page.wait_for_selector("#impact-open")
    first = ResponsibilityZone.objects.get(name="Chiếu sáng công cộng khu Đồng Phú")
    assert len(first.geom) == 2
    assert page.locator("#topology .finding-ok").count() == 1
    # An unsaved deletion is undone: the draft is back as saved.
    assert not page.locator("#zone-revert").is_visible()
    page.locator("#tool-remove").click()
    click_map_at(page, west + 0.0008, LAT)
    assert parts(page) == 1
    page.keyboard.press("Escape")
    page.locator("#zone-revert").click()
    assert parts(page) == 2
    assert "Đã hoàn tác" in page.locator("#save-status").inner_text()

    # A second draft east of it, same category and priority: they overlap.
    page.locator("#zone-cancel").click()
    page.locator("#new-zone").click()
    fill_zone(
        page,
        name="Chiếu sáng công cộng bờ sông Nhật Lệ",
        department="dh-qldt",
        categories=["CSDT"],
        priority=5,
    )
    draw(
        page,
        [(LON, south), (LON + 2 * HALF, south), (LON + 2 * HALF, north), (LON, north)],
    )
    page.wait_for_selector("#validation.validation-ok")
    page.locator("#zone-save").click()
    page.wait_for_selector(".finding-overlap")
    overlap = page.locator(".finding-overlap").inner_text()
    assert "Chồng lấn" in overlap
    assert "Chiếu sáng công cộng khu Đồng Phú" in overlap
    assert "Chiếu sáng công cộng bờ sông Nhật Lệ" in overlap
    assert page.locator("path.zones-overlap").count() >= 1
    assert page.locator("#draft-list input:checked").count() == 2

    # Deleting a draft asks first; the other draft alone overlaps nothing.
    second = ResponsibilityZone.objects.get(name="Chiếu sáng công cộng bờ sông Nhật Lệ")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#zone-delete").click()
    page.wait_for_selector("#page-status:not([hidden])")
    assert "Đã xóa bản nháp «Chiếu sáng công cộng bờ sông Nhật Lệ»" in (
        page.locator("#page-status").inner_text()
    )
    assert not ResponsibilityZone.objects.filter(pk=second.pk).exists()
    assert page.locator(f".zone-item[data-id='{second.pk}']").count() == 0
    page.wait_for_selector("#topology .finding-ok")
    assert page.locator("#draft-list input").count() == 1


def test_change_a_published_zone_then_read_it_in_english(staff_page):
    """The waste zone in force is changed through a draft that replaces it: the
    preview warns that the dropped category is left without a zone, publishing ends
    the old version, and the history draws the old shape against the new. In
    English, a crossed polygon's fault is explained in English."""
    page = staff_page("routing_officer")
    open_editor(page)
    old = ResponsibilityZone.objects.get(
        name="Thu gom rác, cây xanh khu vực Đồng Hới", status="published"
    )
    page.locator(f".zone-item[data-id='{old.pk}'] button").click()
    page.wait_for_selector("#detail:not([hidden])")
    facts = page.locator("#detail-facts").inner_text()
    assert "Công ty Cổ phần Môi trường" in facts
    assert "Vệ sinh môi trường" in facts
    page.locator("#detail-change").click()
    page.wait_for_selector("#editor:not([hidden])")
    assert page.locator("#editor-note").inner_text() == (
        "Thay thế «Thu gom rác, cây xanh khu vực Đồng Hới»"
    )
    assert parts(page) >= 1
    page.wait_for_selector("#validation.validation-ok")
    page.locator("#zone-name").fill("Thu gom rác khu vực Đồng Hới")
    page.locator("#zone-categories input[value='CXCV']").uncheck()
    page.locator("#zone-save").click()
    page.wait_for_selector("#impact-open")
    draft = ResponsibilityZone.objects.get(replaces=old)
    assert list(draft.categories.values_list("code", flat=True)) == ["VSMT"]
    assert (
        "Cây xanh, công viên: chưa có vùng nào"
        in page.locator("#topology").inner_text()
    )

    page.locator("#publish-run").click()
    page.locator("#publish-confirm").click()
    page.wait_for_selector("#publish-result:not([hidden])")
    assert (
        "1 vùng có hiệu lực, 1 vùng chấm dứt"
        in page.locator("#publish-result").inner_text()
    )
    old.refresh_from_db()
    assert old.valid_to is not None
    assert page.locator(f".zone-item[data-id='{old.pk}']").count() == 0

    page.locator("#publish-result button").click()
    page.wait_for_selector("#history-list .history-item.is-shown")
    actions = page.locator("#history-list .history-head strong").all_inner_texts()
    assert actions == ["Ban hành", "Chỉnh sửa", "Tạo mới"]
    # The publish row shows the old version (dashed) under the new one (solid).
    assert "history-published" in page.locator(".history-item.is-shown").get_attribute(
        "class"
    )
    assert page.locator("path.history-before").count() >= 1
    assert page.locator("path.history-after").count() >= 1
    changed = page.locator(".history-updated").inner_text()
    assert "Cây xanh, công viên, Vệ sinh môi trường → Vệ sinh môi trường" in changed
    created = page.locator(".history-created").inner_text()
    assert f"«Thu gom rác, cây xanh khu vực Đồng Hới» (#{old.pk})" in created

    # The same page in English.
    page.locator(".lang-switch button[value='en']").click()
    page.wait_for_selector("#map[data-ready='1']")
    page.wait_for_selector("#zone-list .zone-item")
    assert page.locator("#zones-title").inner_text() == "Responsibility zones"
    page.locator("#new-zone").click()
    view(page, LON, LAT, 15)
    west, south = SQUARE[0]
    east, north = SQUARE[2]
    draw(page, [(west, south), (east, north), (east, south), (west, north)])
    page.wait_for_selector("#validation.validation-error")
    assert (
        page.locator("#validation-text")
        .inner_text()
        .startswith("The polygon is invalid: Self-intersection")
    )
    assert page.locator("#accept-repair").inner_text() == "Use the repaired shape"


NEAREST_OUTLINE_VERTEX = """() => {
    const map = HT.zonesEditor.map;
    const centre = map.latLngToContainerPoint(map.getCenter());
    let best = null;
    map.htUnits.outlines.eachLayer((layer) => {
        layer.getLatLngs().flat(3).forEach((ll) => {
            const d = map.latLngToContainerPoint(ll).distanceTo(centre);
            if (!best || d < best.d) best = {d: d, lat: ll.lat, lng: ll.lng};
        });
    });
    return best;
}"""


def draw_near_vertex(page, *, snap: bool) -> tuple[dict, dict]:
    """Draw a triangle whose first corner is clicked 7 px off the ward outline's
    vertex nearest the centre; return that vertex and the corner drawn."""
    if page.locator("#snap").is_checked() != snap:
        page.locator("#snap").click()
    vertex = page.evaluate(NEAREST_OUTLINE_VERTEX)
    x, y = page.evaluate(
        """([lat, lng]) => {
            const p = HT.zonesEditor.map.latLngToContainerPoint([lat, lng]);
            return [p.x, p.y];
        }""",
        [vertex["lat"], vertex["lng"]],
    )
    box = page.locator("#map").bounding_box()
    page.locator("#tool-draw").click()
    for dx, dy in ((5, 5), (120, 10), (60, 110), (5, 5)):
        page.mouse.move(box["x"] + x + dx - 2, box["y"] + y + dy - 2)
        page.mouse.click(box["x"] + x + dx, box["y"] + y + dy)
        page.wait_for_timeout(120)
    page.wait_for_function("HT.zonesEditor.shape.mode() === null")
    corner = page.evaluate(
        """() => {
            const parts = HT.zonesEditor.shape.group.getLayers();
            const ll = parts[parts.length - 1].getLatLngs()[0][0];
            return {lat: ll.lat, lng: ll.lng};
        }"""
    )
    return vertex, corner


def test_corners_snap_to_the_ward_boundaries(staff_page):
    """With snapping on, a corner clicked a few pixels off a ward boundary's vertex
    lands exactly on it; with snapping off it stays where it was clicked."""
    page = staff_page("routing_officer")
    open_editor(page)
    page.locator("#new-zone").click()
    view(page, 106.6075, 17.4805, 15)  # the Đồng Hới – Đồng Thuận boundary
    vertex, corner = draw_near_vertex(page, snap=True)
    assert vertex["d"] < 300
    assert corner["lat"] == pytest.approx(vertex["lat"], abs=1e-9)
    assert corner["lng"] == pytest.approx(vertex["lng"], abs=1e-9)
    page.wait_for_selector("#validation.validation-ok")

    page.keyboard.press("Escape")
    vertex, corner = draw_near_vertex(page, snap=False)
    assert corner["lat"] != pytest.approx(vertex["lat"], abs=1e-6)
    assert parts(page) == 2


def test_a_ward_area_starts_the_shape(staff_page):
    """Choosing a ward adds its whole area, as the boundaries API holds it: the shape
    checked is the ward, to the square metre of its own area."""
    ward = AdminUnit.objects.get(
        code="18859", boundary_set__slug="qt-2025", level="ward"
    )
    expected = area_m2(wkb.loads(bytes(ward.geom.wkb)))
    page = staff_page("routing_officer")
    open_editor(page)
    page.locator("#new-zone").click()
    page.locator("#unit-pick").select_option(label="Phường Đồng Thuận")
    page.locator("#unit-add").click()
    page.wait_for_selector("#validation.validation-ok")
    text = page.locator("#validation-text").inner_text()
    assert text.startswith("Hình hợp lệ: 1 vùng con")
    km2 = f"{expected / 1e6:.2f}".replace(".", ",")
    assert f"{km2} km²" in text
    assert parts(page) == 1
    # A neighbouring ward added to it: the two share their boundary, which a
    # multipolygon may not; the repair merges them into one polygon.
    page.locator("#unit-pick").select_option(label="Phường Đồng Hới")
    page.locator("#unit-add").click()
    page.wait_for_selector("#validation.validation-error")
    assert page.locator("#accept-repair").is_visible()
    page.locator("#accept-repair").click()
    page.wait_for_selector("#validation.validation-ok")
    assert (
        page.locator("#validation-text")
        .inner_text()
        .startswith("Hình hợp lệ: 1 vùng con")
    )
    assert parts(page) == 1


def test_end_a_zone(staff_page):
    """Ending the beach zone is a draft too: its history says what it ends, the
    check shows the category left without a zone, and publishing ends it."""
    page = staff_page("routing_officer")
    open_editor(page)
    beach = ResponsibilityZone.objects.get(
        name__startswith="Bãi biển", status="published", valid_to__isnull=True
    )
    page.locator(f".zone-item[data-id='{beach.pk}'] button").click()
    page.locator("#detail-retire").click()
    page.wait_for_selector("#editor:not([hidden])")
    assert page.locator("#editor-note").inner_text().startswith("Chấm dứt «Bãi biển")
    draft = ResponsibilityZone.objects.get(replaces=beach)
    assert draft.retires

    page.locator("#zone-history-open").click()
    page.wait_for_selector("#history-list .history-item.is-shown")
    created = page.locator(".history-created").inner_text()
    assert "Chấm dứt vùng: có" in created
    assert f"(#{beach.pk})" in created
    assert page.locator("path.history-before").count() >= 1
    page.locator("#history-close").click()

    page.locator("#preview-run").click()
    page.wait_for_selector("#impact-open")
    assert (
        "Du lịch, dịch vụ, giá cả: chưa có vùng nào"
        in page.locator("#topology").inner_text()
    )
    page.locator("#publish-run").click()
    page.locator("#publish-confirm").click()
    page.wait_for_selector("#publish-result:not([hidden])")
    assert (
        "0 vùng có hiệu lực, 1 vùng chấm dứt"
        in page.locator("#publish-result").inner_text()
    )
    beach.refresh_from_db()
    assert beach.valid_to is not None
    assert not ResponsibilityZone.objects.filter(pk=draft.pk).exists()
    assert page.locator(f".zone-item[data-id='{beach.pk}']").count() == 0


def square_feature_collection(crs: str | None = None) -> bytes:
    ring = [[lon, lat] for lon, lat in SQUARE] + [list(SQUARE[0])]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ten": "Khu Đồng Phú"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data).encode()


def test_polygons_from_a_geojson_file(staff_page):
    """A GeoJSON file's polygons join the shape; a file in another coordinate system
    is refused with the reason, in Vietnamese."""
    page = staff_page("routing_officer")
    open_editor(page)
    page.locator("#new-zone").click()
    page.locator("#geojson-file").set_input_files(
        files=[
            {
                "name": "khu-dong-phu.geojson",
                "mimeType": "application/geo+json",
                "buffer": square_feature_collection(),
            }
        ]
    )
    page.wait_for_selector("#validation.validation-ok")
    assert "1 vùng con" in page.locator("#validation-text").inner_text()
    geometry = page.evaluate("HT.zonesEditor.shape.geometry()")
    corners = {tuple(c) for c in geometry["coordinates"][0][0]}
    assert corners == {(round(x, 6), round(y, 6)) for x, y in SQUARE}

    page.locator("#geojson-file").set_input_files(
        files=[
            {
                "name": "vn2000.geojson",
                "mimeType": "application/geo+json",
                "buffer": square_feature_collection("EPSG:9211"),
            }
        ]
    )
    page.wait_for_selector("#err-geometry:not([hidden])")
    assert page.locator("#err-geometry").inner_text() == (
        "Tọa độ trong tệp thuộc hệ EPSG:9211: hãy lưu lại theo WGS 84 (EPSG:4326) "
        "rồi thử lại."
    )
    assert parts(page) == 1


def test_find_a_place_by_name_and_go_there(staff_page):
    """The search box over the map: "dong hai" typed without diacritics, Enter, and
    the map is centred inside Phường Đồng Hải (a 2022 ward) with a ring on it."""
    from django.contrib.gis.geos import Point

    page = staff_page("routing_officer")
    open_editor(page)
    view(page, 106.55, 17.40, 12)  # somewhere else first
    page.focus("#zones-find")
    page.keyboard.type("dong hai")
    page.wait_for_selector(".place-search-option")
    assert "Đồng Hải" in page.inner_text(".place-search-option >> nth=0")
    page.keyboard.press("Enter")
    page.wait_for_function("HT.zonesEditor.map.getZoom() >= 14")
    center = page.evaluate(
        "(() => { const c = HT.zonesEditor.map.getCenter(); return [c.lng, c.lat]; })()"
    )
    ward = AdminUnit.objects.get(name="Phường Đồng Hải")
    assert ward.geom.covers(Point(*center, srid=4326))
    page.keyboard.press("Escape")  # closes the list if open; a second Esc clears
    page.keyboard.press("Escape")
    assert page.input_value("#zones-find") == ""
