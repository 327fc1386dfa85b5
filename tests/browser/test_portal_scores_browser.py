"""The public scorecards page in headless Chromium: the ranking sorts by a column,
the choropleth colours today's units by on-time rate with a legend and tooltips,
and the language switch works on the cached page (no CSRF token on it)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, screenshot_of
from tests.scorecard_world import world_make

pytestmark = pytest.mark.browser


def test_ranking_and_choropleth(page, live_server):
    world_make()
    page.set_viewport_size(DESKTOP)
    page.goto("/ket-qua/xep-hang?from=2026-01&to=2026-03")
    table = page.locator("#scores-table")
    names = table.locator("tbody th[scope=row]")
    assert names.count() == 2
    first = names.nth(0).inner_text()
    assert "Đồng Hới" in first
    assert "66,7 %" in table.locator("tbody tr").nth(0).inner_text()
    assert "—" in table.locator("tbody tr").nth(1).inner_text()
    # Sort by received, highest first: A (8) before B (4); again: B first.
    received = table.locator("thead th[data-sort=received] button")
    received.click()
    assert "Đồng Hới" in names.nth(0).inner_text()
    received.click()
    assert (
        table.locator("thead th[data-sort=received]").get_attribute("aria-sort")
        == "ascending"
    )
    assert "Đồng Hới" in names.nth(1).inner_text()
    # The map: today's units drawn, the two with reports coloured, a legend.
    page.wait_for_function(
        "() => Number(document.getElementById('scores-map').dataset.units) > 0"
    )
    assert page.locator("#scores-map").get_attribute("data-coloured") == "2"
    assert page.locator(".scores-legend").is_visible()
    fills = page.evaluate(
        """() => Array.from(document.querySelectorAll('#scores-map path.leaflet-interactive'))
                 .map(p => p.getAttribute('fill'))"""
    )
    assert "#fc8d59" in fills  # 66.7 %: the 50–70 % class
    # The tooltip of the coloured unit gives its figures.
    page.locator('#scores-map path[fill="#fc8d59"]').first.hover()
    # The pointer may cross a neighbour on its way, whose tooltip can linger while
    # it fades: wait for the coloured unit's own.
    tip = page.locator(".leaflet-tooltip", has_text="66,7 %")
    tip.wait_for()
    assert "66,7 %" in tip.inner_text()
    assert "2 trễ hạn / 6" in tip.inner_text()
    screenshot_of(page, "portal-scorecards")
    # English through the switch (the cached page carries no CSRF token).
    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_selector("html[lang=en]")
    assert "Scorecards by unit and department" in page.inner_text("h1")
