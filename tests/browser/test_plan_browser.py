"""The planners' map in headless Chromium: clusters whose totals are the raw counts,
filters that change them, the heatmap, the choropleth, the chart and the exports."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Polygon
from django.db.models import F
from django.utils import timezone

from boundaries.models import AdminUnit
from demo.synthetic import reports_generate
from routing.models import Report
from tests.browser.conftest import screenshot_of

pytestmark = pytest.mark.browser

COUNT = 1200


def export_query(page, which: str = "csv") -> dict[str, str]:
    """The parameters of the page's export link (the view's box and the filters)."""
    href = page.locator(f"#export-{which}").get_attribute("href")
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def raw_count(query: dict[str, str]) -> int:
    """Reports in the box under the category and status filters, from the table."""
    box = Polygon.from_bbox(tuple(float(v) for v in query["bbox"].split(",")))
    box.srid = 4326
    reports = Report.objects.filter(location__intersects=box)
    if "category" in query:
        reports = reports.filter(category__code__in=query["category"].split(","))
    if "status" in query:
        reports = reports.filter(status__in=query["status"].split(","))
    return reports.count()


def shown_total(page, element: str) -> int:
    return int(page.locator(f"#{element}").get_attribute("data-total"))


def cluster_sum(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#map [data-count]'))
                 .reduce((sum, e) => sum + Number(e.dataset.count), 0)"""
    )


def wait_for_view(page, previous: str | None = None) -> None:
    """Clusters drawn for the current filters (the export link changed from
    ``previous`` and the clusters request has answered)."""
    if previous is not None:
        page.wait_for_function(
            "href => document.getElementById('export-csv').getAttribute('href') !== href",
            arg=previous,
        )
    page.wait_for_function(
        "['clusters', 'points'].includes(document.getElementById('map').dataset.clusters)"
    )


def test_planning_map(staff_page):
    """A planner's map: the clusters add up to the reports in view, a category
    filter leaves fewer (the raw count again) and is kept in the address; the
    heatmap and the choropleth draw, the chart adds up to the selection, and the
    exports carry the filters and the view."""
    made = reports_generate(count=COUNT, seed=11, years=2, end=timezone.now()).reports
    assert made > 800
    page = staff_page("planner")
    page.goto("/plan/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.wait_for_selector("#map[data-ready='1']")
    wait_for_view(page)
    page.wait_for_selector("#total-selection[data-total]")

    # Everything: the selection is every report, the view the reports in its box.
    assert shown_total(page, "total-selection") == Report.objects.count()
    query = export_query(page)
    in_view = raw_count(query)
    assert 200 < in_view <= Report.objects.count()
    assert page.locator("#map").get_attribute("data-clusters") == "clusters"
    assert shown_total(page, "total-view") == in_view
    assert cluster_sum(page) == in_view
    labels = page.locator(".unit-label").all_inner_texts()
    assert {"Phường Đồng Hới", "Phường Đồng Thuận"} <= set(labels)
    # The period reads as dd/mm/yyyy.
    assert page.locator("#month-from-text").inner_text().count("/") == 2
    # A cluster's breakdown by category and status.
    page.locator(".plan-cluster").first.click()
    popup = page.locator(".leaflet-popup-content")
    assert "Theo lĩnh vực" in popup.inner_text()
    assert "Theo trạng thái" in popup.inner_text()
    page.wait_for_timeout(300)  # the popup's fade-in
    screenshot_of(page, "plan-clusters")
    page.evaluate("HT.map.instances[0].closePopup()")

    # One category: fewer reports, the raw count again, and in the address.
    before = page.locator("#export-csv").get_attribute("href")
    page.locator("#category-choices summary").click()
    page.locator("input[name=category][value=VSMT]").check()
    wait_for_view(page, before)
    page.wait_for_function(
        "n => Number(document.getElementById('total-view').dataset.total) < n",
        arg=in_view,
    )
    query = export_query(page)
    assert query["category"] == "VSMT"
    vsmt = raw_count(query)
    assert 0 < vsmt < in_view
    assert shown_total(page, "total-view") == vsmt
    assert cluster_sum(page) == vsmt
    page.wait_for_function(
        "n => Number(document.getElementById('total-selection').dataset.total) === n",
        arg=Report.objects.filter(category__code="VSMT").count(),
    )
    assert "category=VSMT" in page.url

    # And a status on top of it.
    before = page.locator("#export-csv").get_attribute("href")
    page.locator("#status-choices summary").click()
    page.locator("input[name=status][value=closed]").check()
    wait_for_view(page, before)
    query = export_query(page)
    closed = raw_count(query)
    assert closed < vsmt
    page.wait_for_function(
        "n => Number(document.getElementById('total-view').dataset.total) === n",
        arg=closed,
    )

    # The export of the view: the filters and the box, and exactly those reports.
    assert query["status"] == "closed"
    assert query["category"] == "VSMT"
    response = page.request.get(page.locator("#export-csv").get_attribute("href"))
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert len(rows) == closed
    assert {row["category"] for row in rows} == {"VSMT"}
    assert "reporter_phone" not in rows[0]
    assert "description" not in rows[0]
    geojson = page.request.get(page.locator("#export-geojson").get_attribute("href"))
    assert len(geojson.json()["features"]) == closed

    # Back to every status; the heatmap.
    before = page.locator("#export-csv").get_attribute("href")
    page.locator("input[name=status][value=closed]").uncheck()
    wait_for_view(page, before)

    # Zoomed in on the market: the reports one by one.
    view = page.evaluate(
        "(() => { const m = HT.map.instances[0]; return [m.getCenter(), m.getZoom()]; })()"
    )
    before = page.locator("#export-csv").get_attribute("href")
    page.evaluate("HT.map.instances[0].setView([17.4703, 106.6232], 17)")
    wait_for_view(page, before)
    assert page.locator("#map").get_attribute("data-clusters") == "points"
    market = raw_count(export_query(page))
    assert market > 0
    assert (
        page.locator(".plan-point").count() == market == shown_total(page, "total-view")
    )
    page.locator(".plan-point").first.click()
    assert re.search(
        r"SY-\w{4}-\w{4}", page.locator(".leaflet-popup-content").inner_text()
    )
    before = page.locator("#export-csv").get_attribute("href")
    page.evaluate("([c, z]) => HT.map.instances[0].setView(c, z)", view)
    wait_for_view(page, before)
    page.locator("input[name=layer][value=heat]").check()
    page.wait_for_function("Number(document.getElementById('map').dataset.heat) > 0")
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    page.locator("input[name=layer][value=clusters]").uncheck()
    assert page.locator(".plan-cluster").count() == 0
    assert "layers=heat" in page.url
    # Above the unit outlines' opaque fill (no basemap), not under it.
    assert page.evaluate(
        """() => Number(getComputedStyle(
                     document.querySelector('canvas.leaflet-heatmap-layer')).zIndex)
                 > Number(getComputedStyle(
                     document.querySelector('.leaflet-overlay-pane svg')).zIndex)"""
    )
    screenshot_of(page, "plan-heatmap")

    # Hot and cold spots, with their legend.
    page.locator("input[name=layer][value=hotspots]").check()
    page.wait_for_function(
        "document.getElementById('map').dataset.hotspots !== undefined"
    )
    assert "Điểm nóng và điểm lạnh" in page.locator("#map-legend").inner_text()
    assert page.locator("#plan-error").is_hidden()
    screenshot_of(page, "plan-hotspots")
    page.locator("input[name=layer][value=hotspots]").uncheck()

    # The choropleth by count, then by overdue rate, with its legend.
    page.locator("input[name=layer][value=heat]").uncheck()
    page.locator("input[name=layer][value=choropleth]").check()
    page.wait_for_function(
        "Number(document.getElementById('map').dataset.choropleth) > 0"
    )
    legend = page.locator("#map-legend")
    assert "Số phản ánh mỗi phường, xã" in legend.inner_text()
    page.locator("input[name=measure][value=late]").check()
    page.wait_for_function(
        "document.getElementById('map-legend').textContent.includes('Xử lý xong sau hạn')"
    )
    page.wait_for_selector("#map[data-rates='1']", state="attached")
    assert page.locator("#unit-table tbody tr").count() > 0
    page.locator("#unit-table summary").click()
    screenshot_of(page, "plan-choropleth")
    # The units of the boundaries before the 2025 reform instead.
    page.locator("#choropleth-set").select_option("qb-2020")
    page.wait_for_function(
        "document.getElementById('map-legend').textContent"
        ".includes('Địa giới 01/03/2020 – 30/06/2025')"
    )
    page.wait_for_selector("#map[data-rates='1']", state="attached")
    assert "set=qb-2020" in page.url
    assert page.locator("#unit-table tbody tr").count() > 0

    # The chart adds up to the selection.
    page.wait_for_function(
        "document.getElementById('chart').dataset.total"
        " === document.getElementById('total-selection').dataset.total"
    )
    assert page.locator("#chart svg rect").count() > 0
    assert (
        "Số phản ánh mỗi tháng" in page.locator("#chart svg title").first.text_content()
    )
    assert page.locator("#chart .plan-legend li").count() >= 1

    # The address restores the view.
    url = page.url
    page.goto(url)
    page.wait_for_selector("#total-selection[data-total]")
    assert page.locator("input[name=category][value=VSMT]").is_checked()
    assert page.locator("input[name=layer][value=choropleth]").is_checked()
    assert not page.locator("input[name=layer][value=clusters]").is_checked()
    assert page.locator("input[name=measure][value=late]").is_checked()
    assert page.locator("#choropleth-set").input_value() == "qb-2020"

    # The period: from the last month only (the keyboard moves the slider).
    page.locator("#month-from").focus()
    page.keyboard.press("End")
    last_month = timezone.localtime(Report.objects.latest("reported_at").reported_at)
    since = last_month.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    expected = Report.objects.filter(
        category__code="VSMT", reported_at__gte=since
    ).count()
    page.wait_for_function(
        "n => Number(document.getElementById('total-selection').dataset.total) === n",
        arg=expected,
    )
    assert f"from={since:%Y-%m-%d}" in page.url
    assert page.locator("#month-from-text").inner_text() == f"{since:%d/%m/%Y}"


def test_planning_map_without_reports(staff_page):
    """Before the first report: no period slider, zero everywhere, the chart says
    there is nothing, the choropleth draws the units grey, and no script fails
    (the fixture checks the console)."""
    page = staff_page("ioc_operator")
    page.goto("/plan/?layers=clusters,choropleth")
    page.wait_for_selector("#total-selection[data-total]")
    wait_for_view(page)
    assert shown_total(page, "total-selection") == 0
    assert shown_total(page, "total-view") == 0
    assert page.locator("#month-from").count() == 0
    assert "Chưa có phản ánh nào." in page.locator("#period").inner_text()
    page.wait_for_function(
        "Number(document.getElementById('map').dataset.choropleth) > 0"
    )
    assert "không có phản ánh" in page.locator("#map-legend").inner_text()
    assert "Không có phản ánh nào theo bộ lọc." in page.locator("#chart").inner_text()
    assert page.locator("#plan-error").is_hidden()

    # A shared address naming a unit that does not exist: the API's message, in
    # Vietnamese, and the unit kept in the filter so the visitor sees why.
    page.goto("/plan/?unit=99999")
    page.wait_for_selector("#plan-error:not([hidden])")
    assert (
        "Không có mã '99999' cho tham số 'unit'"
        in page.locator("#plan-error").inner_text()
    )
    assert page.locator("#unit").input_value() == "99999"


def _number(text: str) -> int:
    """A count as the Vietnamese page writes it (1.234)."""
    return int(text.replace(".", "").replace("\u00a0", "").strip())


def _percent(text: str) -> float | None:
    """A rate as the Vietnamese page writes it (12,5 %), in percent."""
    text = text.replace("%", "").replace("\u00a0", "").strip()
    return None if text == "–" else float(text.replace(",", "."))


def _stats_requests(page) -> list[str]:
    """Every statistics request the page makes from now on (the list fills)."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url)
            if urlsplit(request.url).path == "/api/v1/analytics/stats"
            else None
        ),
    )
    return seen


def test_chart_and_choropleth_from_one_statistics_request(staff_page):
    """The chart (months × the largest categories) and the choropleth's counts and
    deadline rates come from the one statistics request the page makes for its
    filters — none per category or per unit — and show what the reports hold."""
    made = reports_generate(count=900, seed=5, years=1, end=timezone.now()).reports
    assert made > 600
    page = staff_page("planner")
    requests = _stats_requests(page)
    page.goto("/plan/?layers=clusters,choropleth&measure=overdue")
    page.wait_for_selector("#total-selection[data-total]")
    page.wait_for_selector("#map[data-rates='1']", state="attached")
    page.wait_for_function(
        "document.getElementById('chart').dataset.total"
        " === document.getElementById('total-selection').dataset.total"
    )
    now = timezone.now()
    assert len(requests) == 1, requests

    # The chart: each month's count per category, the others together.
    reports = list(
        Report.objects.values_list("reported_at", "category__code", "category__name_vi")
    )
    cells: dict[tuple[str, str], int] = {}
    sizes: dict[str, int] = {}
    names = {}
    for reported_at, code, name in reports:
        month = f"{timezone.localtime(reported_at):%m/%Y}"
        cells[(month, code)] = cells.get((month, code), 0) + 1
        sizes[code] = sizes.get(code, 0) + 1
        names[code] = name
    top = sorted(sizes, key=lambda code: (-sizes[code], code))[:5]
    header = page.locator("#chart .plan-table thead th").all_text_contents()
    assert header[1:-1] == [names[code] for code in top] + (
        ["Lĩnh vực khác"] if len(sizes) > 5 else []
    )
    rows = page.locator("#chart .plan-table tbody tr")
    assert rows.count() >= 12
    for i in range(rows.count()):
        month = rows.nth(i).locator("th").text_content()
        values = [_number(t) for t in rows.nth(i).locator("td").all_text_contents()]
        want = [cells.get((month, code), 0) for code in top]
        total = sum(n for (m, _), n in cells.items() if m == month)
        if len(sizes) > 5:
            want.append(total - sum(want))
        assert values == [*want, total], month

    # The choropleth's table: each unit's count and rates, from the reports of its
    # code (every boundary set's unit of that code).
    page.locator("#unit-table summary").click()
    table = page.locator("#unit-table tbody tr")
    assert table.count() > 0
    slug = "qt-2025"
    assert slug in page.locator("#choropleth-set").evaluate(
        "s => Array.from(s.options).map(o => o.value).join(',')"
    )
    codes = dict(
        AdminUnit.objects.filter(boundary_set__slug=slug).values_list("name", "code")
    )
    for i in range(table.count()):
        name = table.nth(i).locator("th").text_content()
        count, overdue, late = table.nth(i).locator("td").all_text_contents()
        mine = Report.objects.filter(unit__code=codes[name])
        assert _number(count) == mine.count(), name
        open_ = mine.filter(status__in=Report.OPEN_STATUSES)
        with_due = mine.filter(resolved_at__isnull=False, due_at__isnull=False)
        for shown, part, whole in (
            (overdue, open_.filter(due_at__lt=now).count(), open_.count()),
            (
                late,
                with_due.filter(resolved_at__gt=F("due_at")).count(),
                with_due.count(),
            ),
        ):
            if whole:
                assert abs(_percent(shown) - 100 * part / whole) <= 0.051, name
            else:
                assert _percent(shown) is None, name
    assert page.locator("#plan-error").is_hidden()

    # Another measure and another set: drawn again from the same answer.
    page.locator("input[name=measure][value=late]").check()
    page.wait_for_function(
        "document.getElementById('map-legend').textContent.includes('Xử lý xong sau hạn')"
    )
    page.locator("#choropleth-set").select_option("qb-2020")
    page.wait_for_function(
        "document.getElementById('map-legend').textContent.includes('30/06/2025')"
    )
    assert page.locator("#unit-table tbody tr").count() > 0
    assert len(requests) == 1, requests

    # New filters: one more request, for chart, figures and choropleth together.
    page.locator("#category-choices summary").click()
    page.locator("input[name=category][value=VSMT]").check()
    page.wait_for_function(
        "n => Number(document.getElementById('total-selection').dataset.total) === n",
        arg=Report.objects.filter(category__code="VSMT").count(),
    )
    page.wait_for_function(
        "document.getElementById('chart').dataset.total"
        " === document.getElementById('total-selection').dataset.total"
    )
    assert len(requests) == 2, requests
    assert "category=VSMT" in requests[1]


def test_exports_over_the_limit_are_disabled_with_the_reason(staff_page, settings):
    """Over the export limit the links are disabled and say why, instead of
    downloading the API's error; zoomed in under the limit they work again."""
    settings.ANALYTICS_EXPORT_MAX_ROWS = 40
    reports_generate(count=300, seed=3, years=1, end=timezone.now())
    page = staff_page("planner")
    page.goto("/plan/")
    wait_for_view(page)
    assert shown_total(page, "total-view") > 40
    link = page.locator("#export-csv")
    assert link.get_attribute("href") is None
    assert link.get_attribute("aria-disabled") == "true"
    note = page.locator("#export-limit")
    assert note.is_visible()
    assert "tối đa 40" in note.inner_text()

    # Zoomed in on a quiet corner: under the limit, the links are back.
    page.evaluate("HT.map.instances[0].setView([17.52, 106.55], 17, {animate: false})")
    page.wait_for_function("document.getElementById('export-csv').hasAttribute('href')")
    wait_for_view(page)
    page.wait_for_function("document.getElementById('export-limit').hidden === true")
    assert shown_total(page, "total-view") <= 40
    assert link.get_attribute("href") is not None
    assert link.get_attribute("aria-disabled") is None
