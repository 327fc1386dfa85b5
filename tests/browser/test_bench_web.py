"""The web benchmark's measurements work, and the page keeps its weight budget."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bench.report import render
from bench.web import BUDGET_KB, sections, time_to_map, weigh

pytestmark = pytest.mark.browser


def test_web_bench_measures_the_citizen_page(browser, fixtures_loaded, live_server):
    """The citizen page's scripts and style sheets stay within 250 KB gzip-compressed;
    the map timing reads the page's own marks."""
    port = urlsplit(live_server.url).port
    weight = weigh(port)
    assert weight["js_css_gzip_kb"] <= BUDGET_KB
    assert {a["path"] for a in weight["assets"]} >= {
        "/static/vendor/leaflet/leaflet.js",
        "/static/web/js/report.js",
        "/jsi18n/?lang=vi",
    }
    assert weight["outlines_gzip_kb"] > 1
    timing = time_to_map(port, runs=1, browser=browser.chromium)
    ready = timing["map_ready_ms"]["p50"]
    assert 0 < timing["map_load_p50_ms"] <= ready
    table = render(
        ["web"],
        sections(
            {
                "weight": weight,
                "map": timing,
                "server": "live_server",
                "load_average_before": [0, 0, 0],
                "load_average_after": [0, 0, 0],
            }
        ),
    )
    assert "JS + CSS, gzip (budget)" in table
