"""The web suite: what the citizen's page (``/``) weighs and how soon its map works.

1. Weight: the page's scripts and style sheets as served, gzip-compressed (level 6,
   as nginx and WhiteNoise compress), against a budget of 250 KB; the HTML and the
   first outline request (which the page preloads) beside them, outside the budget.
2. Time until the map is interactive, in Debian's headless Chromium on this machine:
   ``HT.timings.map_ready`` (``performance.now()`` from the navigation's start once
   Leaflet has fired ``load`` and the first unit outlines are painted; the first
   tiles too when a basemap is set; here none, as offline), over fresh browser
   contexts (cold cache) and a phone-sized window, against a target of 1 s.

The server is gunicorn with two sync workers, as ``bench.api`` starts it, on the demo
database (``make bench`` loads the fixtures), with ``MAP_TILES_URL`` empty.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import statistics
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.api import HOST, WORKERS, gunicorn
from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_ratio

SUITES = ("web",)
PAGE = "/"
BUDGET_KB = 250.0
TARGET_MS = 1000.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
_ASSET = re.compile(
    r'<script[^>]+src="([^"]+)"|<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"'
)
_PRELOAD = re.compile(r'<link rel="preload" href="([^"]+)" as="fetch"')


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("web", "web", SUITES, lambda: run(quick=quick), sections)


def _get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return body


def _kb(size: int) -> float:
    return round(size / 1024, 1)


def weigh(port: int) -> dict[str, Any]:
    """Every script and style sheet of the page: raw and gzip-compressed sizes."""
    html = _get(port, PAGE).decode()
    assets = []
    for script, sheet in _ASSET.findall(html):
        path = (script or sheet).replace("&amp;", "&")
        body = _get(port, path)
        assets.append(
            {
                "path": path,
                "kind": "js" if script else "css",
                "bytes": len(body),
                "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
            }
        )
    preload = _PRELOAD.search(html)
    outlines = _get(port, preload.group(1).replace("&amp;", "&")) if preload else b""
    total = sum(a["gzip_bytes"] for a in assets)
    return {
        "assets": assets,
        "js_css_gzip_kb": _kb(total),
        "js_css_kb": _kb(sum(a["bytes"] for a in assets)),
        "html_gzip_kb": _kb(len(gzip.compress(html.encode(), compresslevel=6))),
        "outlines_kb": _kb(len(outlines)),
        "outlines_gzip_kb": _kb(len(gzip.compress(outlines, compresslevel=6))),
        "budget_kb": BUDGET_KB,
    }


def time_to_map(port: int, *, runs: int, browser: Any = None) -> dict[str, Any]:
    """``HT.timings`` of ``runs`` cold loads of the page (a new context each), in
    ``browser`` (a Playwright Chromium) or one started here."""
    from playwright.sync_api import sync_playwright

    if browser is None:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            try:
                return time_to_map(port, runs=runs, browser=chromium)
            finally:
                chromium.close()
    samples: list[dict[str, float]] = []
    for index in range(runs + 1):
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        page.goto(f"http://{HOST}:{port}{PAGE}")
        page.wait_for_selector("#map[data-ready='1']", timeout=30_000)
        timings = page.evaluate("() => window.HT.timings")
        context.close()
        if index:  # the first load warms the server's processes, not counted
            samples.append(timings)
    ready = [s["map_ready"] for s in samples]
    return {
        "runs": runs,
        "chromium": browser.version,
        "viewport": PHONE,
        "map_ready_ms": {
            "p50": round(statistics.median(ready), 1),
            "min": round(min(ready), 1),
            "max": round(max(ready), 1),
        },
        "map_load_p50_ms": round(statistics.median(s["map_load"] for s in samples), 1),
        "units_drawn_p50_ms": round(
            statistics.median(s["units_drawn"] for s in samples), 1
        ),
        "target_ms": TARGET_MS,
        "samples": samples,
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    """Start gunicorn, weigh the page and time its map; return every figure."""
    base = Path(settings.BASE_DIR)
    os.environ["MAP_TILES_URL"] = ""  # offline: outlines and names only
    results: dict[str, Any] = {"environment": environment()}
    # The timing is wall-clock on a 2-CPU machine: say how busy it was.
    results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    with gunicorn(
        cwd=base, log=base / ".data" / "bench" / "gunicorn-web.log"
    ) as server:
        port = server.port
        results["server"] = f"gunicorn config.wsgi -w {WORKERS} (sync workers)"
        progress("web: weighing the citizen page")
        results["weight"] = weigh(port)
        progress("web: timing the map in headless Chromium")
        results["map"] = time_to_map(port, runs=3 if quick else 10)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def sections(results: dict[str, Any]) -> list[Section]:
    weight, timing = results["weight"], results["map"]
    rows = [
        Row(
            "JS + CSS, gzip (budget)",
            f"{weight['js_css_gzip_kb']:.1f} KB",
            f"≤ {weight['budget_kb']:.0f} KB",
            fmt_ratio(weight["js_css_gzip_kb"] / weight["budget_kb"]),
        )
    ]
    rows += [
        Row(f"  {asset['path']}", f"{_kb(asset['gzip_bytes']):.1f} KB")
        for asset in weight["assets"]
    ]
    rows += [
        Row("HTML, gzip", f"{weight['html_gzip_kb']:.1f} KB"),
        Row(
            "First outlines (preloaded GeoJSON), gzip",
            f"{weight['outlines_gzip_kb']:.1f} KB",
        ),
    ]
    ready = timing["map_ready_ms"]
    map_rows = [
        Row(
            f"Map interactive, p50 of {timing['runs']} cold loads (target)",
            f"{ready['p50']:.0f} ms",
            f"≤ {timing['target_ms']:.0f} ms",
            fmt_ratio(ready["p50"] / timing["target_ms"]),
        ),
        Row(
            "Map interactive, min – max", f"{ready['min']:.0f} – {ready['max']:.0f} ms"
        ),
        Row("Leaflet 'load', p50", f"{timing['map_load_p50_ms']:.0f} ms"),
        Row("First outlines painted, p50", f"{timing['units_drawn_p50_ms']:.0f} ms"),
    ]
    return [
        Section(
            "Citizen page (/): weight",
            rows,
            [
                "gzip level 6 of each file as served; the JavaScript catalog "
                "(/jsi18n/) counts as a script",
            ],
        ),
        Section(
            f"Citizen page (/): map in headless Chromium {timing['chromium']}",
            map_rows,
            [
                "ms from the navigation's start (performance.now()); phone window "
                f"{timing['viewport']['width']}×{timing['viewport']['height']}, no "
                "basemap, a fresh browser context per load",
                f"server: {results['server']}",
                "load average (1, 5, 15 min) before "
                f"{results['load_average_before']}, after "
                f"{results['load_average_after']}: wall-clock figures grow with it",
            ],
        ),
    ]
