"""The analytics suite: clusters, tiles, hot spots and statistics over millions of
reports, each beside a naive query over the raw rows in the same run.

Data go into a database of their own, ``hientruong_bench_analytics``, created,
migrated and loaded with the fixtures; ``reports_generate`` then fills it (10 years
of Đồng Hới). The database is dropped at the end, so the demo never holds the
million rows.

Baselines ("naive") answer the same question from ``routing_report`` alone: a GROUP
BY of each report's projected cell (``ST_Transform`` per row) for clusters and tiles,
every point of the period fetched and binned to H3 in Python for hot spots, and a
GROUP BY over the raw rows for the dashboard counts.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from analytics.clusters import clusters_select
from analytics.grid import CELL_M
from analytics.hotspots import hotspots_compute
from analytics.rebuild import cellday_rebuild
from analytics.selection import ReportFilter
from analytics.stats import _TIMES, stats_select
from analytics.synthetic import reports_generate
from analytics.tiles import tile_render
from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us, latency
from geo.grid import cluster_factor, h3_bin, h3_neighbours, tile_bounds
from geo.hotspots import classify, gi_star
from routing.models import Category

SUITES = ("analytics",)
BENCH_DB = "hientruong_bench_analytics"
# Viewport centres (lon, lat): the market, Đồng Phú, Bắc Lý, Nam Lý, Bảo Ninh.
CENTRES = (
    (106.6232, 17.4703),
    (106.6150, 17.4781),
    (106.5803, 17.4786),
    (106.6016, 17.4667),
    (106.6400, 17.4550),
)
SCREEN = (1280, 800)  # pixels
ZOOMS = (10, 13, 16)


def sizes(*, quick: bool) -> dict[str, Any]:
    """1M then 3M reports (a tenth with ``--quick``); BENCH_ANALYTICS_REPORTS=1000000
    (comma list) picks other stages. 10M does not fit the ~10 minutes on 2 cores."""
    scale = 10 if quick else 1
    stages = os.environ.get("BENCH_ANALYTICS_REPORTS", "1000000,3000000")
    return {
        "reports": [int(count) // scale for count in stages.split(",")],
        "years": 10,
        "requests": 40 // (2 if quick else 1),
        "naive_requests": 10,
        "tiles": 20,
    }


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("analytics", "analytics", SUITES, lambda: run(quick=quick), sections)


# -- the database ---------------------------------------------------------------------


def _admin(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _manage(*args: str, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _database_create() -> dict[str, Any]:
    """The bench database, migrated and loaded with the fixtures (~10 s).

    Not a copy of the demo (``TEMPLATE``): that needs nobody connected to it, and
    it copies whatever state the demo's schema is in; a fresh migrate is what CI
    and a new machine would have."""
    start = time.perf_counter()
    _admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(f"CREATE DATABASE {BENCH_DB}")
    s = connection.settings_dict
    url = f"postgis://{s['USER']}@{s['HOST']}:{s['PORT']}/{BENCH_DB}"
    _manage("migrate", "-v0", url=url)
    _manage("boundaries_load_fixtures", url=url)
    _manage("routing_load_fixtures", url=url)
    return {"how": "migrate", "seconds": round(time.perf_counter() - start, 1)}


def _use(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


# -- timing ---------------------------------------------------------------------------


def _timed(call: Callable[[], Any], repeats: int) -> tuple[dict[str, float], Any]:
    samples: list[int] = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter_ns()
        result = call()
        samples.append(time.perf_counter_ns() - start)
    return latency(samples), result


def _viewport(zoom: int, rng: random.Random) -> tuple[float, float, float, float]:
    lon, lat = rng.choice(CENTRES)
    lon += rng.uniform(-0.005, 0.005)
    lat += rng.uniform(-0.005, 0.005)
    half_lon = SCREEN[0] / 2 * 360 / (256 * 2**zoom)
    half_lat = SCREEN[1] / 2 * 360 / (256 * 2**zoom) * 0.954  # cos(17.5°)
    return (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


_NAIVE_CLUSTERS = """
    SELECT floor(ST_X(p) / %(size)s) AS gx, floor(ST_Y(p) / %(size)s) AS gy,
           r.category_id, r.status, count(*), avg(ST_X(p)), avg(ST_Y(p))
    FROM routing_report r CROSS JOIN LATERAL ST_Transform(r.location, 32648) p
    WHERE {where}
    GROUP BY 1, 2, 3, 4
"""


def _naive_clusters(selection: ReportFilter, zoom: int) -> list[tuple]:
    lat = (selection.bbox[1] + selection.bbox[3]) / 2 if selection.bbox else 17.47
    size = CELL_M * cluster_factor(zoom, lat, CELL_M)
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_CLUSTERS.format(where=selection.raw_where()),
            {**selection.params(), "size": size},
        )
        return cursor.fetchall()


_NAIVE_TILE = """
    WITH cl AS (
        SELECT count(*) AS n, avg(ST_X(p)) AS x, avg(ST_Y(p)) AS y
        FROM routing_report r CROSS JOIN LATERAL ST_Transform(r.location, 3857) p
        WHERE r.location && ST_Transform(
                  ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857), 4326)
        GROUP BY floor(ST_X(p) / %(size)s), floor(ST_Y(p) / %(size)s)
    )
    SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
        SELECT n AS count, ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857),
               ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857), 4096, 64, true)
               AS geom
        FROM cl
    ) t
"""


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _naive_tile(z: int, x: int, y: int) -> bytes:
    x0, y0, x1, y1 = tile_bounds(z, x, y)
    size = (x1 - x0) / 4096 * 64  # 64-pixel cells in the tile's own metres
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_TILE, {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "size": size}
        )
        return bytes(cursor.fetchone()[0] or b"")


def _naive_hotspots(selection: ReportFilter) -> int:
    """Every point of the period to Python, binned to H3 and tested (no study
    area: only hexagons with reports, which is what a naive version does)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(r.location), ST_X(r.location) FROM routing_report r "
            f"WHERE {selection.raw_where()}",
            selection.params(),
        )
        rows = cursor.fetchall()
    import numpy as np

    points = np.array(rows, dtype=np.float64)
    cells, counts = h3_bin(points[:, 0], points[:, 1], np.ones(len(points)), 8)
    result = gi_star(counts, h3_neighbours(cells))
    classes, _ = classify(result.z, result.p_fdr)
    return int((classes != "not_significant").sum())


_NAIVE_STATS = """
    SELECT GROUPING(r.unit_id, r.category_id, r.status,
                    date_trunc('month', r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')),
           count(*)
    FROM routing_report r WHERE {where}
    GROUP BY GROUPING SETS ((r.unit_id), (r.category_id), (r.status),
        (date_trunc('month', r.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')), ())
"""


def _naive_stats(selection: ReportFilter) -> int:
    """The counts from the raw rows, plus the same times-and-rates query as ours."""
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_STATS.format(where=selection.raw_where()), selection.params()
        )
        rows = len(cursor.fetchall())
        cursor.execute(
            _TIMES.format(where=selection.raw_where()),
            {**selection.params(), "open": ["received"], "now": timezone.now()},
        )
        return rows


# -- the suite ------------------------------------------------------------------------


def _filters(end_day: Any) -> dict[str, ReportFilter]:
    ids = tuple(
        Category.objects.filter(code__in=("VSMT", "CTN")).values_list("id", flat=True)
    )
    return {
        "none": ReportFilter(),
        "filtered": ReportFilter(
            day_from=end_day.replace(year=end_day.year - 1),
            day_to=end_day,
            category_ids=ids,
            statuses=("received", "assigned", "in_progress", "resolved", "closed"),
        ),
    }


def _measure(n: dict[str, Any], count: int) -> dict[str, Any]:
    out: dict[str, Any] = {"reports": count}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('analytics_cellday'), "
            "pg_total_relation_size('routing_report') FROM analytics_cellday"
        )
        rows, agg_bytes, report_bytes = cursor.fetchone()
    out["aggregate"] = {"rows": rows, "bytes": agg_bytes, "report_bytes": report_bytes}
    end_day = timezone.localdate()
    filters = _filters(end_day)
    rng = random.Random(42)
    clusters: dict[str, Any] = {}
    for zoom in ZOOMS:
        for name, base in filters.items():
            boxes = [_viewport(zoom, rng) for _ in range(n["requests"])]
            it = iter(boxes * 2)
            size = len(
                json.dumps(
                    clusters_select(selection=base.but(bbox=boxes[0]), zoom=zoom)
                )
            )
            ours, last = _timed(
                lambda base=base, zoom=zoom, it=it: clusters_select(
                    selection=base.but(bbox=next(it)), zoom=zoom
                ),
                n["requests"],
            )
            naive_it = iter(boxes)
            naive, _ = _timed(
                lambda base=base, zoom=zoom, it=naive_it: _naive_clusters(
                    base.but(bbox=next(it)), zoom
                ),
                n["naive_requests"],
            )
            clusters[f"z{zoom}_{name}"] = {
                "ours": ours,
                "naive": naive,
                "payload_bytes": size,
                "mode": last["mode"],
                "features": len(last["features"]),
            }
            progress(f"  clusters z{zoom} {name}: p50 {ours['p50_us'] / 1000:.1f} ms")
    out["clusters"] = clusters
    tiles: dict[str, Any] = {}
    for zoom in (10, 13, 16):
        coords = [_tile_of(lon, lat, zoom) for lon, lat in CENTRES]
        it = iter(coords * n["tiles"])
        sizes_ = [
            len(tile_render(z=zoom, x=x, y=y, selection=ReportFilter()))
            for x, y in coords
        ]
        ours, _ = _timed(
            lambda zoom=zoom, it=it: tile_render(
                z=zoom, x=(c := next(it))[0], y=c[1], selection=ReportFilter()
            ),
            n["tiles"],
        )
        nit = iter(coords * 4)
        naive, _ = _timed(
            lambda zoom=zoom, it=nit: _naive_tile(zoom, *next(it)), min(n["tiles"], 10)
        )
        tiles[f"z{zoom}"] = {"ours": ours, "naive": naive, "bytes": max(sizes_)}
        progress(f"  tile z{zoom}: p50 {ours['p50_us'] / 1000:.1f} ms")
    out["tiles"] = tiles
    year = filters["filtered"].but(category_ids=None, statuses=None)
    ours, result = _timed(lambda: hotspots_compute(selection=year), 3)
    naive, _ = _timed(lambda: _naive_hotspots(year), 2)
    out["hotspots"] = {
        "ours": ours,
        "naive": naive,
        "cells": result["cells"],
        "significant": result["significant"],
    }
    ours, _ = _timed(
        lambda: hotspots_compute(selection=filters["none"].but(day_to=end_day)), 2
    )
    out["hotspots_all"] = {"ours": ours}
    progress(f"  hotspots: p50 {out['hotspots']['ours']['p50_us'] / 1e6:.2f} s")
    ours, _ = _timed(lambda: stats_select(selection=filters["none"]), 3)
    naive, _ = _timed(lambda: _naive_stats(filters["none"]), 3)
    out["stats"] = {"ours": ours, "naive": naive}
    out["triggers"] = _trigger_cost()
    start = time.perf_counter()
    cellday_rebuild()
    out["rebuild_s"] = round(time.perf_counter() - start, 1)
    return out


def _trigger_cost() -> dict[str, float]:
    """A set-based UPDATE of 100,000 reports' department (a re-route), with and
    without the aggregate triggers, each rolled back."""
    results = {}
    for name, toggle in (("with", ""), ("without", "DISABLE TRIGGER USER")):
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            if toggle:
                cursor.execute(f"ALTER TABLE routing_report {toggle}")
            start = time.perf_counter()
            cursor.execute(
                "UPDATE routing_report SET department_id = "
                "(SELECT min(id) FROM routing_department WHERE kind = 'triage') "
                "WHERE id IN (SELECT id FROM routing_report ORDER BY id LIMIT 100000)"
            )
            results[name] = round(time.perf_counter() - start, 2)
            cursor.execute("ROLLBACK")
    return results


def run(*, quick: bool = False, n: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the suite in its own database and drop it; every figure for JSON."""
    n = n or sizes(quick=quick)
    results: dict[str, Any] = {"quick": quick, "sizes": n, "environment": environment()}
    demo = connection.settings_dict["NAME"]
    progress(f"creating {BENCH_DB} …")
    results["database"] = _database_create()
    try:
        _use(BENCH_DB)
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        stages = []
        have = 0
        for target in n["reports"]:
            progress(f"generating {target - have:,} reports …")
            start = time.perf_counter()
            done = reports_generate(
                count=target - have,
                seed=len(stages) + 1,
                years=n["years"],
                unchecked=True,
            )
            generated = {
                "count": done.reports,
                "seconds": round(time.perf_counter() - start, 1),
                "steps": done.seconds,
            }
            have = target
            _admin("VACUUM ANALYZE routing_report")
            _admin("VACUUM ANALYZE analytics_cellday")
            progress(f"measuring at {have:,} reports …")
            stage = _measure(n, have)
            stage["generated"] = generated
            stages.append(stage)
        results["stages"] = stages
    finally:
        _use(demo)
        _admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    return results


# -- the table ------------------------------------------------------------------------


def _pair(label: str, ours: dict[str, float], naive: dict[str, float], key: str) -> Row:
    return Row(
        label,
        fmt_us(ours[key]),
        fmt_us(naive[key]),
        fmt_ratio(naive[key] / ours[key]),
    )


def sections(results: dict[str, Any]) -> list[Section]:
    out = []
    for stage in results["stages"]:
        g, a = stage["generated"], stage["aggregate"]
        section = Section(
            f"{stage['reports']:,} reports over {results['sizes']['years']} years "
            f"(generated in {g['seconds']} s; {fmt_int(a['rows'])} aggregate rows, "
            f"{a['bytes'] / 2**20:.0f} MB beside {a['report_bytes'] / 2**20:.0f} MB "
            "of reports)"
        )
        for key, r in stage["clusters"].items():
            for p in ("p50_us", "p99_us"):
                section.rows.append(
                    _pair(f"  clusters {key} {p[:3]}", r["ours"], r["naive"], p)
                )
            section.notes.append(
                f"clusters {key}: {r['mode']}, {r['features']} features, "
                f"{r['payload_bytes']:,} B JSON"
            )
        for key, r in stage["tiles"].items():
            section.rows.append(
                _pair(f"  vector tile {key} p50", r["ours"], r["naive"], "p50_us")
            )
            section.notes.append(f"tile {key}: at most {r['bytes']:,} B")
        h = stage["hotspots"]
        section.rows.append(
            _pair("  hot spots, 12 months, H3 r8", h["ours"], h["naive"], "p50_us")
        )
        section.rows.append(
            Row(
                "  hot spots, 10 years, H3 r8",
                fmt_us(stage["hotspots_all"]["ours"]["p50_us"]),
            )
        )
        section.notes.append(
            f"hot spots: {h['cells']} hexagons in the study area, "
            f"{h['significant']} significant after FDR"
        )
        section.rows.append(
            _pair(
                "  stats counts, all",
                stage["stats"]["ours"],
                stage["stats"]["naive"],
                "p50_us",
            )
        )
        t = stage["triggers"]
        section.rows.append(
            Row(
                "  UPDATE 100k reports: triggers / none",
                f"{t['with']:.2f} s",
                f"{t['without']:.2f} s",
                fmt_ratio(t["with"] / t["without"]),
            )
        )
        section.rows.append(Row("  analytics_rebuild", f"{stage['rebuild_s']} s"))
        out.append(section)
    return out
