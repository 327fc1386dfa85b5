"""The public portal under load: ``python -m bench --only portal``.

A database of its own (``hientruong_bench_portal_<count>``: migrate, fixtures and
``count`` synthetic reports over three years in one bulk load, kept between runs),
served by gunicorn as in production (``-c config/gunicorn.conf.py``: gthread
workers with keep-alive), then ``CLIENTS`` threads, each with one kept-alive
connection, asking the portal's addresses round-robin for ``seconds``:

- scorecards: the JSON (``/api/v1/public/scorecards``, units and departments, the
  default year and a quarter) and the page (``/ket-qua/xep-hang``);
- pages: the landing page ``/ket-qua/``, the list (three filters and pages), a
  sample of ``REPORT_PAGES`` report pages (different codes, listed ones) and the
  Atom feed (whole province, one category);
- json: ``/api/v1/public/reports`` (two pages, a filter) and
  ``/api/v1/public/clusters`` for a realistic set of map views: zooms 11 to 16,
  several pans each, the box snapped outward to the zoom's grid as the map does
  (``api.public.params.bbox_snap``).

An address the server answers 404 is left out, with a note. Twice: with the shared
public cache on (``PUBLIC_CACHE_SECONDS=60``) and off (``0``, every request
computed), every public throttle off (the bench is one address: a 429 is cheap
and would inflate requests/s). Latencies count 200 answers only; other statuses
are counted apart. Reported per group and mode: requests/s (200s), p50, p99,
non-200 answers, and the ratio cached/uncached.
"""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from bench.analytics.database import (
    database_create,
    database_fill,
    database_kept,
    database_use,
)
from bench.api import HOST, gunicorn
from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_ratio, fmt_us, latency
from geo.coords import BBox

SUITES = ("portal",)
CLIENTS = 16
YEARS = 3
GROUPS: dict[str, list[str]] = {
    "scorecards": [
        "/api/v1/public/scorecards",
        "/api/v1/public/scorecards?level=department",
        "/api/v1/public/scorecards?from=2025-07&to=2025-09",
        "/ket-qua/xep-hang",
        "/ket-qua/xep-hang?level=department",
    ],
    "pages": [
        "/ket-qua/",
        "/ket-qua/danh-sach",
        "/ket-qua/danh-sach?page=2",
        "/ket-qua/danh-sach?status=resolved",
        "/ket-qua/feed.atom",
    ],
    "json": [
        "/api/v1/public/reports",
        "/api/v1/public/reports?page=2",
        "/api/v1/public/reports?status=open",
    ],
}
MODES = {"cached": "60", "uncached": "0"}
# Report pages asked (listed reports, newest first, spread over the table).
REPORT_PAGES = 12
# The map's views: a 1280 × 800 screen around Đồng Hới, panned by half a screen.
CENTRE = (106.60, 17.47)
SCREEN = (1280, 800)
ZOOMS = (11, 12, 13, 14, 15, 16)
PANS = ((0, 0), (0.5, 0), (0, 0.5), (-0.5, -0.5))
# Every limit per address off: the bench asks from one address.
THROTTLES_OFF = (
    "PUBLIC_RATE_PER_IP_MINUTE",
    "PUBLIC_PAGE_RATE_PER_IP_MINUTE",
    "SCORECARD_RATE_PER_IP_MINUTE",
    "CITIZEN_RATE_PER_IP_MINUTE",
    "CITIZEN_RATE_PER_IP_HOUR",
    "PLACE_SEARCH_RATE_PER_IP_MINUTE",
    "PLACE_REVERSE_RATE_PER_IP_MINUTE",
)


def map_views() -> list[str]:
    """The clusters' addresses of the map views, snapped as the map snaps them."""
    from api.public.params import bbox_snap

    paths = []
    for zoom in ZOOMS:
        width = SCREEN[0] / 256 * 360 / 2**zoom
        height = SCREEN[1] / 256 * 360 / 2**zoom * 0.95  # cos(17.5°)
        for dx, dy in PANS:
            lon, lat = CENTRE[0] + dx * width, CENTRE[1] + dy * height
            box = bbox_snap(
                BBox(
                    lon - width / 2, lat - height / 2, lon + width / 2, lat + height / 2
                ),
                zoom,
            )
            text = ",".join(f"{v:.6f}" for v in box.as_tuple())
            paths.append(f"/api/v1/public/clusters?bbox={text}&zoom={zoom}")
    return paths


def report_pages(count: int = REPORT_PAGES) -> list[str]:
    """Pages of listed reports spread over the table (the connection's database)."""
    from routing.models import Report

    codes = list(
        Report.objects.publicly_listed()
        .order_by("-reported_at")
        .values_list("tracking_code", flat=True)[:2000]
    )
    step = max(1, len(codes) // count)
    return [f"/ket-qua/{code}" for code in codes[::step][:count]]


def sizes(*, quick: bool) -> dict[str, int]:
    return {"reports": 20_000 if quick else 200_000, "seconds": 5 if quick else 20}


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("portal", "public portal", SUITES, lambda: run(quick=quick), sections)


def _database(count: int) -> tuple[str, dict[str, Any]]:
    """The kept database with ``count`` reports, made when missing."""
    name = f"hientruong_bench_portal_{count}"
    record = database_kept(name, count)
    if record is None:
        progress(f"portal: database {name} …")
        database_create(name)
        database_use(name)
        record = database_fill(count, YEARS)
    database_use(name)
    return name, record


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path, headers={"Accept-Language": "vi"})
    response = conn.getresponse()
    response.read()
    return response.status


def _client(
    port: int, paths: list[str], until: float, start: int, out: dict[str, Any]
) -> None:
    """One visitor: GET ``paths`` round-robin on one kept-alive connection until
    ``until``; latencies (ns) and statuses per path into ``out``."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = start
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        begin = time.perf_counter_ns()
        try:
            status = _get(conn, path)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            status = 0
        took = time.perf_counter_ns() - begin
        with out["lock"]:
            if status == 200:
                out["ns"].setdefault(path, []).append(took)
            else:
                out["errors"][status] = out["errors"].get(status, 0) + 1
    conn.close()


def _load(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    """``CLIENTS`` visitors for ``seconds``: requests/s and latency of the group's
    200 answers; other statuses counted apart."""
    out: dict[str, Any] = {"lock": threading.Lock(), "ns": {}, "errors": {}}
    until = time.monotonic() + seconds
    begin = time.perf_counter()
    threads = [
        threading.Thread(target=_client, args=(port, paths, until, n, out))
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - begin
    every = [ns for samples in out["ns"].values() for ns in samples]
    return {
        "requests": len(every),
        "requests_per_s": round(len(every) / wall, 1),
        "non_200": sum(out["errors"].values()),
        **latency(every),
        "errors": {str(k): v for k, v in out["errors"].items()},
        "per_path": {path: latency(ns) for path, ns in out["ns"].items()},
    }


def _present(
    port: int, wanted: dict[str, list[str]]
) -> tuple[dict[str, list[str]], list[str]]:
    """The addresses the server answers, and notes on those it does not have."""
    groups: dict[str, list[str]] = {}
    notes = []
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for group, paths in wanted.items():
        for path in paths:
            status = _get(conn, path)
            if status == 404:
                notes.append(f"{path}: not served here (404), left out")
                continue
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            groups.setdefault(group, []).append(path)
    conn.close()
    return groups, notes


def _mode(
    name: str, cache: str, db: str, seconds: float, wanted: dict[str, list[str]]
) -> dict[str, Any]:
    base = Path(settings.BASE_DIR)
    s = connection.settings_dict
    url = f"postgis://{s['USER']}@{s['HOST']}:{s['PORT']}/{db}"
    env = {
        "DATABASE_URL": url,
        "PUBLIC_CACHE_SECONDS": cache,
        **dict.fromkeys(THROTTLES_OFF, "0"),
    }
    options = ["-c", "config/gunicorn.conf.py"]
    log = base / ".data" / "bench" / f"gunicorn-portal-{name}.log"
    with gunicorn(cwd=base, log=log, options=options, env=env) as server:
        groups, notes = _present(server.port, wanted)
        results: dict[str, Any] = {"notes": notes, "groups": {}}
        for group, paths in groups.items():
            for path in paths:  # warm: one request each (fills the cache when on)
                _load_one(server.port, path)
            progress(f"portal: {name} {group} for {seconds} s …")
            results["groups"][group] = _load(server.port, paths, seconds)
    return results


def _load_one(port: int, path: str) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    _get(conn, path)
    conn.close()


def run(*, quick: bool) -> dict[str, Any]:
    n = sizes(quick=quick)
    back = connection.settings_dict["NAME"]
    try:
        db, record = _database(n["reports"])
        wanted = {key: list(paths) for key, paths in GROUPS.items()}
        wanted["pages"] += report_pages()
        wanted["json"] += map_views()
        results: dict[str, Any] = {
            "environment": environment(),
            "sizes": n,
            "clients": CLIENTS,
            "database": {"name": db, **record},
            "modes": {},
        }
    finally:
        database_use(back)
    for name, cache in MODES.items():
        results["modes"][name] = _mode(name, cache, db, n["seconds"], wanted)
    return results


def sections(results: dict[str, Any]) -> list[Section]:
    cached, uncached = results["modes"]["cached"], results["modes"]["uncached"]
    n = results["sizes"]
    out = []
    for group, fast in cached["groups"].items():
        slow = uncached["groups"].get(group)
        if slow is None or not fast.get("n"):
            continue
        rows = [
            Row(
                "Requests/s (baseline: cache off)",
                f"{fast['requests_per_s']:,.0f}",
                f"{slow['requests_per_s']:,.0f}",
                fmt_ratio(fast["requests_per_s"] / max(slow["requests_per_s"], 0.1)),
            ),
            Row(
                "p50",
                fmt_us(fast["p50_us"]),
                fmt_us(slow["p50_us"]),
                fmt_ratio(slow["p50_us"] / fast["p50_us"]),
            ),
            Row(
                "p99",
                fmt_us(fast["p99_us"]),
                fmt_us(slow["p99_us"]),
                fmt_ratio(slow["p99_us"] / fast["p99_us"]),
            ),
            Row(
                "Non-200 answers (not in the figures above)",
                str(fast["non_200"]),
                str(slow["non_200"]),
            ),
        ]
        out.append(
            Section(
                f"{group}: {CLIENTS} clients × {n['seconds']} s, "
                f"{n['reports']:,} reports, cache 60 s vs off",
                rows,
                [f"{len(fast['per_path'])} addresses round-robin"],
            )
        )
    notes = sorted(set(cached["notes"]) | set(uncached["notes"]))
    if notes:
        out.append(Section("Left out", [], notes))
    return out
