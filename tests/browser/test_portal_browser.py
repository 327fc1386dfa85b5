"""The public results portal in headless Chromium, on the demo's synthetic history
(a few dozen reports, some approved for the public) plus reports published with
photos and resolved with a result note: the landing map draws server-side clusters
(or, closer, single reports) whose counts add up to what the API lists, the list
filters, and a report's page shows its result note and the photo of the fix."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

import analytics.clusters as clusters
from demo.synthetic import reports_generate
from routing.models import Report
from tests.browser.conftest import screenshot_of
from tests.portal_world import NAME, PHONE_E164, RESULT, world_build

pytestmark = pytest.mark.browser

COUNT = 60


def shown_sum(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#map [data-count]'))
                 .reduce((sum, e) => sum + Number(e.dataset.count), 0)"""
    )


def test_public_portal(page, monkeypatch):
    # Clusters from a few dozen reports: the threshold below which single reports
    # are drawn instead, lowered (the live server runs in this process).
    monkeypatch.setattr(clusters, "FEW_POINTS", 10)
    reports_generate(count=COUNT, seed=7, years=1, end=timezone.now())
    world = world_build()
    listed = Report.objects.publicly_listed().count()
    assert listed >= COUNT // 2
    # The demo's approved words are there to be shown.
    assert Report.objects.publicly_listed().filter(publication="approved").exists()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/ket-qua/")
    assert page.locator("html").get_attribute("lang") == "vi"
    # HT.escape is used inside attributes (the points' data-code): quotes too.
    escaped = page.evaluate("""() => HT.escape(`"<a href='x'>&`)""")
    assert escaped == "&quot;&lt;a href=&#39;x&#39;&gt;&amp;"
    page.wait_for_selector("#map[data-ready='1']")
    page.wait_for_function(
        "['clusters', 'points'].includes(document.getElementById('map').dataset.clusters)"
    )
    total = int(page.locator("#map").get_attribute("data-total"))
    assert 0 < total <= listed
    assert shown_sum(page) == total  # every report in view is in a cluster or a point
    # Over the city: clusters, ringed by status groups, adding up to the view.
    page.evaluate(
        """() => {
            document.getElementById('map').dataset.clusters = 'stale';
            HT.map.instances[0].setView([17.47, 106.60], 12);
        }"""
    )
    page.wait_for_function(
        "document.getElementById('map').dataset.clusters === 'clusters'"
    )
    assert page.locator("#map .portal-cluster").count() >= 2
    assert shown_sum(page) == int(page.locator("#map").get_attribute("data-total"))
    assert page.locator("#latest li a").count() >= 1
    assert RESULT in page.content()
    text = page.content()
    assert NAME not in text
    assert PHONE_E164 not in text
    screenshot_of(page, "portal-landing", full_page=False)

    # The list, filtered to what is resolved, then one category.
    page.click("a[href='/ket-qua/danh-sach']")
    page.wait_for_selector("#portal-table")
    everything = int(page.locator("#list-count").get_attribute("data-count"))
    assert everything == listed
    page.select_option("#f-status", "resolved")
    page.click("#filter-submit")
    page.wait_for_url(re.compile(r"status=resolved"))
    resolved = int(page.locator("#list-count").get_attribute("data-count"))
    assert (
        resolved == Report.objects.publicly_listed().filter(status="resolved").count()
    )
    assert 0 < resolved < everything
    row = page.locator(f"tr[data-code='{world.resolved.tracking_code}']")
    assert row.count() == 1
    screenshot_of(page, "portal-list", full_page=False)

    # The report page: what was done, the photo of the fix, no citizen's words.
    row.locator("a").click()
    page.wait_for_selector("#result-note")
    assert page.locator("#result-note").inner_text() == RESULT
    assert page.locator("#photos-after img").count() == 1
    assert page.locator("#public-description").count() == 0
    assert page.locator("#track-link").get_attribute("href") == (
        f"/r/{world.resolved.tracking_code}"
    )
    page.wait_for_selector("#map[data-ready='1']")
    screenshot_of(page, "portal-report")

    # English through the switch, still without a token.
    page.click(".lang-switch button[value='en']")
    page.wait_for_selector("text=What was done")
