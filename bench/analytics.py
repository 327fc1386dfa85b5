"""The analytics suite: clusters, tiles, hot spots and statistics over millions of
reports, each beside a naive query over the raw rows in the same run.

Each stage (1M, 10M reports) gets a database of its own,
``hientruong_bench_analytics_<N>``, created, migrated and loaded with the fixtures,
then filled by ``reports_generate`` in one bulk load (10 years of Đồng Hới; triggers
and secondary indexes off during the insert, aggregates counted and indexes built
once after it). The database is dropped after its stage, so the demo never holds the
rows — unless BENCH_ANALYTICS_KEEP=1, which keeps it and reuses it next time.
BENCH_ANALYTICS_PARTS (e.g. ``clusters,tiles``) and BENCH_ANALYTICS_ZOOMS (e.g.
``16``) measure only some parts, to re-measure one path on a kept database.

Baselines ("naive") answer the same question from ``routing_report`` alone: a GROUP
BY of each report's projected cell (``ST_Transform`` per row) for clusters and tiles,
every point of the period fetched and binned to H3 in Python for hot spots, and a
GROUP BY plus the exact ``percentile_cont`` over the raw rows for the dashboard.
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
from analytics.stats import stats_select
from analytics.tiles import tile_render
from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us, latency
from demo.synthetic import reports_generate
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
PARTS = ("clusters", "tiles", "hotspots", "stats", "triggers", "rebuild")


def _chosen() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The parts and zoom levels to measure: all, unless BENCH_ANALYTICS_PARTS
    (comma list of ``PARTS``) or BENCH_ANALYTICS_ZOOMS (e.g. ``16``) narrow them,
    to re-measure one path on a kept database without the rest."""
    parts = os.environ.get("BENCH_ANALYTICS_PARTS", ",".join(PARTS))
    zooms = os.environ.get("BENCH_ANALYTICS_ZOOMS", ",".join(map(str, ZOOMS)))
    chosen = tuple(p.strip() for p in parts.split(",") if p.strip())
    unknown = set(chosen) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown BENCH_ANALYTICS_PARTS: {', '.join(sorted(unknown))}")
    return chosen, tuple(int(z) for z in zooms.split(",") if z.strip())


def sizes(*, quick: bool) -> dict[str, Any]:
    """1M then 10M reports (a tenth with ``--quick``); BENCH_ANALYTICS_REPORTS=1000000
    (comma list) picks other stages. Each stage has a database of its own, filled in
    one bulk load (``reports_generate(reindex=True, unchecked=True)``: triggers and
    secondary indexes off during the insert, the aggregates counted once and the
    indexes built once after it). The naive baselines read every report each time,
    so they are repeated fewer times on larger stages (10 at 1M, 3 at 10M)."""
    scale = 10 if quick else 1
    stages = os.environ.get("BENCH_ANALYTICS_REPORTS", "1000000,10000000")
    return {
        "reports": [int(count) // scale for count in stages.split(",")],
        "years": 10,
        "requests": 40 // (2 if quick else 1),
        "naive_requests": 10,
        "tiles": 20,
    }


def _naive_repeats(n: dict[str, Any], count: int) -> int:
    return max(3, min(n["naive_requests"], round(n["naive_requests"] * 1e6 / count)))


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


def _database_create(name: str) -> dict[str, Any]:
    """A stage's database, migrated and loaded with the fixtures (~10 s).

    Not a copy of the demo (``TEMPLATE``): that needs nobody connected to it, and
    it copies whatever state the demo's schema is in; a fresh migrate is what CI
    and a new machine would have."""
    start = time.perf_counter()
    _admin(f"DROP DATABASE IF EXISTS {name}")
    _admin(f"CREATE DATABASE {name}")
    s = connection.settings_dict
    url = f"postgis://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
    _manage("migrate", "-v0", url=url)
    _manage("boundaries_load_fixtures", url=url)
    _manage("routing_load_fixtures", url=url)
    return {"how": "migrate", "seconds": round(time.perf_counter() - start, 1)}


def _stage_db(count: int) -> str:
    return f"{BENCH_DB}_{count}"


def _kept(name: str, count: int) -> dict[str, Any] | None:
    """The generation record of a kept stage database holding ``count`` reports."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            return None
    back = connection.settings_dict["NAME"]
    _use(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_generated') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT record FROM bench_generated")
            row = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM routing_report")
            have = cursor.fetchone()[0]
    finally:
        _use(back)
    if row is None or have != count:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def _generate(count: int, years: float) -> dict[str, Any]:
    """Fill the current (empty) database with ``count`` reports in one bulk load,
    then VACUUM ANALYZE; the record is kept in the database (``bench_generated``)."""
    start = time.perf_counter()
    done = reports_generate(
        count=count, seed=1, years=years, unchecked=True, reindex=True
    )
    loaded = time.perf_counter() - start
    _admin("VACUUM ANALYZE routing_report")
    _admin("VACUUM ANALYZE routing_assignment")
    _admin("VACUUM ANALYZE analytics_cellday")
    _admin("VACUUM ANALYZE analytics_cellmonth")
    seconds = time.perf_counter() - start
    record = {
        "count": done.reports,
        "seconds": round(seconds, 1),
        "load_seconds": round(loaded, 1),
        "vacuum_seconds": round(seconds - loaded, 1),
        "reports_per_s": round(done.reports / loaded),
        "steps": done.seconds,
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_generated (record jsonb)")
        cursor.execute(
            "INSERT INTO bench_generated VALUES (%s::jsonb)", [json.dumps(record)]
        )
    return record


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
          AND {where}
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


def _naive_tile(z: int, x: int, y: int, selection: ReportFilter) -> bytes:
    x0, y0, x1, y1 = tile_bounds(z, x, y)
    size = (x1 - x0) / 4096 * 64  # 64-pixel cells in the tile's own metres
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_TILE.format(where=selection.raw_where(box=False)),
            {
                **selection.params(),
                "x0": x0,
                "y0": y0,
                "x1": x1,
                "y1": y1,
                "size": size,
            },
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


# The dashboard's times and rates read exactly from the raw rows (what
# ``stats_select`` did before the monthly outcomes): the exact percentiles sort
# every resolution time of the selection.
_TIMES = """
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY h) FILTER (WHERE h IS NOT NULL),
           count(h),
           count(*) FILTER (WHERE r.status = ANY(%(open)s)),
           count(*) FILTER (WHERE r.status = ANY(%(open)s) AND r.due_at < %(now)s),
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL),
           count(*) FILTER (WHERE r.resolved_at > r.due_at),
           count(*) FILTER (WHERE r.rating = 'satisfied'),
           count(*) FILTER (WHERE r.rating = 'acceptable'),
           count(*) FILTER (WHERE r.rating = 'dissatisfied'),
           count(*) FILTER (WHERE r.status IN ('resolved', 'closed'))
    FROM routing_report r
    CROSS JOIN LATERAL (
        SELECT extract(epoch FROM r.resolved_at - r.reported_at) / 3600.0 AS h
    ) d
    WHERE {where}
"""


def _times(selection: ReportFilter) -> tuple:
    """The times and rates, exact, from the raw rows (the median/p90 baseline)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _TIMES.format(where=selection.raw_where()),
            {
                **selection.params(),
                "open": ["received", "assigned", "in_progress", "reopened"],
                "now": timezone.now(),
            },
        )
        return cursor.fetchone()


def _naive_stats(selection: ReportFilter) -> int:
    """The dashboard's counts from the raw rows (its times and rates: ``_times``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _NAIVE_STATS.format(where=selection.raw_where()), selection.params()
        )
        return len(cursor.fetchall())


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
    naive_n = _naive_repeats(n, count)
    out["naive_repeats"] = naive_n
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM analytics_cellday), "
            "pg_total_relation_size('analytics_cellday'), "
            "(SELECT count(*) FROM analytics_cellmonth), "
            "pg_total_relation_size('analytics_cellmonth'), "
            "pg_total_relation_size('routing_report')"
        )
        rows, agg_bytes, month_rows, month_bytes, report_bytes = cursor.fetchone()
    out["aggregate"] = {
        "rows": rows,
        "bytes": agg_bytes,
        "rollup_rows": month_rows,
        "rollup_bytes": month_bytes,
        "report_bytes": report_bytes,
    }
    end_day = timezone.localdate()
    filters = _filters(end_day)
    parts, zooms = _chosen()
    rng = random.Random(42)
    clusters: dict[str, Any] = {}
    for zoom in zooms if "clusters" in parts else ():
        for name, base in filters.items():
            boxes = [_viewport(zoom, rng) for _ in range(n["requests"])]
            it = iter(boxes * 2)
            clusters_select(selection=base.but(bbox=boxes[0]), zoom=zoom)  # warm
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
                naive_n,
            )
            clusters[f"z{zoom}_{name}"] = {
                "ours": ours,
                "naive": naive,
                # the last answer's size, mode and features (one viewport)
                "payload_bytes": len(json.dumps(last)),
                "mode": last["mode"],
                "features": len(last["features"]),
            }
            progress(f"  clusters z{zoom} {name}: p50 {ours['p50_us'] / 1000:.1f} ms")
    out["clusters"] = clusters
    tiles: dict[str, Any] = {}
    for zoom in zooms if "tiles" in parts else ():
        coords = [_tile_of(lon, lat, zoom) for lon, lat in CENTRES]
        for name, base in filters.items():
            it = iter(coords * n["tiles"])
            sizes_ = [
                len(tile_render(z=zoom, x=x, y=y, selection=base)) for x, y in coords
            ]
            ours, _ = _timed(
                lambda zoom=zoom, it=it, base=base: tile_render(
                    z=zoom, x=(c := next(it))[0], y=c[1], selection=base
                ),
                n["tiles"],
            )
            nit = iter(coords * 4)
            naive, _ = _timed(
                lambda zoom=zoom, it=nit, base=base: _naive_tile(zoom, *next(it), base),
                naive_n,
            )
            tiles[f"z{zoom}_{name}"] = {
                "ours": ours,
                "naive": naive,
                "bytes": max(sizes_),
            }
            progress(f"  tile z{zoom} {name}: p50 {ours['p50_us'] / 1000:.1f} ms")
    out["tiles"] = tiles
    if "hotspots" in parts:
        out.update(_measure_hotspots(filters, count))
    if "stats" in parts:
        out["stats"] = _measure_stats(filters, naive_n)
    if "triggers" in parts:
        out["triggers"] = _trigger_cost()
    if "rebuild" in parts:
        start = time.perf_counter()
        cellday_rebuild()
        out["rebuild_s"] = round(time.perf_counter() - start, 1)
    return out


def _measure_hotspots(filters: dict[str, ReportFilter], count: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    end_day = filters["filtered"].day_to
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
        lambda: hotspots_compute(selection=filters["none"].but(day_to=end_day)),
        1 if count > 3_000_000 else 2,
    )
    out["hotspots_all"] = {"ours": ours}
    progress(f"  hotspots: p50 {out['hotspots']['ours']['p50_us'] / 1e6:.2f} s")
    return out


def _measure_stats(
    filters: dict[str, ReportFilter], naive_n: int
) -> dict[str, dict[str, Any]]:
    stats: dict[str, Any] = {}
    for name, base in filters.items():
        ours, answer = _timed(lambda base=base: stats_select(selection=base), 3)
        counts, _ = _timed(lambda base=base: _naive_stats(base), min(3, naive_n))
        times, exact = _timed(lambda base=base: _times(base), min(3, naive_n))
        # The naive dashboard is both raw queries, one after the other.
        naive = {"p50_us": counts["p50_us"] + times["p50_us"]}
        stats[name] = {
            "ours": ours,
            "naive": naive,
            "naive_counts": counts,
            "times": times,
            "median_h": [answer["resolution_hours"]["median"], exact[1]],
            "p90_h": [answer["resolution_hours"]["p90"], exact[2]],
        }
        progress(f"  stats {name}: p50 {ours['p50_us'] / 1e6:.2f} s")
    return stats


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
    """Run the suite, a database per stage, and drop each; every figure for JSON.

    BENCH_ANALYTICS_KEEP=1 keeps the stage databases and reuses one that already
    holds its stage's reports (its generation record is kept with it);
    BENCH_ANALYTICS_GENERATE_ONLY=1 fills them without measuring (to prepare a large
    stage while doing something else)."""
    n = n or sizes(quick=quick)
    keep = os.environ.get("BENCH_ANALYTICS_KEEP") == "1"
    measure = os.environ.get("BENCH_ANALYTICS_GENERATE_ONLY") != "1"
    results: dict[str, Any] = {"quick": quick, "sizes": n, "environment": environment()}
    demo = connection.settings_dict["NAME"]
    stages = []
    results["stages"] = stages
    for count in n["reports"]:
        name = _stage_db(count)
        generated = _kept(name, count) if keep else None
        reused = generated is not None
        try:
            if not reused:
                progress(f"creating {name} …")
                results.setdefault("database", _database_create(name))
                _use(name)
                progress(f"generating {count:,} reports …")
                generated = _generate(count, n["years"])
                progress(
                    f"  {generated['seconds']} s ({generated['reports_per_s']:,}/s "
                    f"load): {generated['steps']}"
                )
            _use(name)
            if not measure:
                continue
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            progress(f"measuring at {count:,} reports …")
            stage = _measure(n, count)
            stage["generated"] = {**generated, "reused": reused}
            stages.append(stage)
        finally:
            _use(demo)
            if not keep:
                _admin(f"DROP DATABASE IF EXISTS {name}")
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
            f"(bulk load {g['load_seconds']} s = {g['reports_per_s']:,} reports/s, "
            f"+ {g['vacuum_seconds']} s VACUUM ANALYZE; cell × day "
            f"{fmt_int(a['rows'])} rows / {a['bytes'] / 2**20:.0f} MB, block × month "
            f"{fmt_int(a['rollup_rows'])} rows / {a['rollup_bytes'] / 2**20:.0f} MB, "
            f"reports {a['report_bytes'] / 2**20:.0f} MB; naive baselines "
            f"{stage['naive_repeats']} runs each)"
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
        _rest(section, stage)
        out.append(section)
    return out


def _rest(section: Section, stage: dict[str, Any]) -> None:
    """The rows of the parts after clusters and tiles, those that were measured."""
    if "hotspots" in stage:
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
    for key, r in stage.get("stats", {}).items():
        section.rows.append(
            _pair(f"  stats {key} (whole answer)", r["ours"], r["naive"], "p50_us")
        )
        section.rows.append(
            Row(
                f"    exact median/p90 from raw rows {key}",
                "",
                fmt_us(r["times"]["p50_us"]),
            )
        )
        section.notes.append(
            f"stats {key}: median {r['median_h'][0]} h (exact "
            f"{r['median_h'][1]:.2f}), p90 {r['p90_h'][0]} h (exact "
            f"{r['p90_h'][1]:.2f})"
        )
    if "triggers" in stage:
        t = stage["triggers"]
        section.rows.append(
            Row(
                "  UPDATE 100k reports: triggers / none",
                f"{t['with']:.2f} s",
                f"{t['without']:.2f} s",
                fmt_ratio(t["with"] / t["without"]),
            )
        )
    if "rebuild_s" in stage:
        section.rows.append(Row("  analytics_rebuild", f"{stage['rebuild_s']} s"))
    section.notes.append(f"bulk load steps (s): {stage['generated']['steps']}")
