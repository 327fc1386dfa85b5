"""Timing one stage: each of our analytics paths beside its naive baseline.

The parts (``PARTS``) and zoom levels measured can be narrowed by environment
variables, to re-measure one path on a kept database without the rest. Viewports
are drawn around a few busy places of Đồng Hới with a fixed seed, so two runs time
the same requests.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

from django.db import connection
from django.utils import timezone

from analytics.clusters import clusters_select
from analytics.hotspots import hotspots_compute
from analytics.rebuild import cellday_rebuild
from analytics.selection import ReportFilter
from analytics.stats import stats_select
from analytics.tiles import tile_render
from bench.analytics.naive import (
    exact_times,
    naive_clusters,
    naive_hotspots,
    naive_stats,
    naive_tile,
    tile_of,
)
from bench.boundaries import progress
from bench.report import latency
from routing.models import Category

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


def _naive_repeats(n: dict[str, Any], count: int) -> int:
    return max(3, min(n["naive_requests"], round(n["naive_requests"] * 1e6 / count)))


def _timed(call: Callable[[], Any], repeats: int) -> tuple[dict[str, float], Any]:
    samples: list[int] = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter_ns()
        result = call()
        samples.append(time.perf_counter_ns() - start)
    return latency(samples), result


R = TypeVar("R")
Viewport = tuple[float, float, float, float]


def _per_viewport(
    clusters: Callable[[ReportFilter, int], R],
    base: ReportFilter,
    zoom: int,
    boxes: Iterator[Viewport],
) -> Callable[[], R]:
    """A call of ``clusters`` on the next of ``boxes`` each time."""
    return lambda: clusters(base.but(bbox=next(boxes)), zoom)


def _per_tile(
    render: Callable[[int, int, int, ReportFilter], R],
    base: ReportFilter,
    zoom: int,
    tiles: Iterator[tuple[int, int]],
) -> Callable[[], R]:
    """A call of ``render`` on the next of ``tiles`` each time."""
    return lambda: render(zoom, *next(tiles), base)


def _viewport(zoom: int, rng: random.Random) -> tuple[float, float, float, float]:
    lon, lat = rng.choice(CENTRES)
    lon += rng.uniform(-0.005, 0.005)
    lat += rng.uniform(-0.005, 0.005)
    half_lon = SCREEN[0] / 2 * 360 / (256 * 2**zoom)
    half_lat = SCREEN[1] / 2 * 360 / (256 * 2**zoom) * 0.954  # cos(17.5°)
    return (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


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


def stage_measure(n: dict[str, Any], count: int) -> dict[str, Any]:
    """Every chosen part at one stage (``count`` reports in the current database)."""
    out: dict[str, Any] = {"reports": count}
    naive_n = _naive_repeats(n, count)
    out["naive_repeats"] = naive_n
    out["aggregate"] = _aggregate_sizes()
    end_day = timezone.localdate()
    filters = _filters(end_day)
    parts, zooms = _chosen()
    rng = random.Random(42)
    out["clusters"] = _measure_clusters(
        n, filters, zooms if "clusters" in parts else (), rng, naive_n
    )
    out["tiles"] = _measure_tiles(
        n, filters, zooms if "tiles" in parts else (), naive_n
    )
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


def _aggregate_sizes() -> dict[str, Any]:
    """Rows and bytes of the aggregates and of the reports' fine-cell index, beside
    the reports' bytes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM analytics_cellday), "
            "pg_total_relation_size('analytics_cellday'), "
            "(SELECT count(*) FROM analytics_cellmonth), "
            "pg_total_relation_size('analytics_cellmonth'), "
            "(SELECT count(*) FROM analytics_cellyear), "
            "pg_total_relation_size('analytics_cellyear'), "
            "(SELECT count(*) FROM analytics_blockyear), "
            "pg_total_relation_size('analytics_blockyear'), "
            "pg_relation_size('analytics_report_fine'), "
            "pg_total_relation_size('routing_report')"
        )
        row = cursor.fetchone()
    names = (
        "rows",
        "bytes",
        "rollup_rows",
        "rollup_bytes",
        "cell_year_rows",
        "cell_year_bytes",
        "block_year_rows",
        "block_year_bytes",
        "fine_index_bytes",
        "report_bytes",
    )
    return dict(zip(names, row, strict=True))


def _measure_clusters(
    n: dict[str, Any],
    filters: dict[str, ReportFilter],
    zooms: tuple[int, ...],
    rng: random.Random,
    naive_n: int,
) -> dict[str, Any]:
    """Clusters for random viewports at each zoom, ours against the naive GROUP BY."""
    clusters: dict[str, Any] = {}
    for zoom in zooms:
        for name, base in filters.items():
            boxes = [_viewport(zoom, rng) for _ in range(n["requests"])]
            it = iter(boxes * 2)
            clusters_select(selection=base.but(bbox=boxes[0]), zoom=zoom)  # warm
            ours, last = _timed(
                _per_viewport(
                    lambda s, z: clusters_select(selection=s, zoom=z), base, zoom, it
                ),
                n["requests"],
            )
            naive, _ = _timed(
                _per_viewport(naive_clusters, base, zoom, iter(boxes)), naive_n
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
    return clusters


def _measure_tiles(
    n: dict[str, Any],
    filters: dict[str, ReportFilter],
    zooms: tuple[int, ...],
    naive_n: int,
) -> dict[str, Any]:
    """The tiles over ``CENTRES`` at each zoom, ours against the naive MVT."""
    tiles: dict[str, Any] = {}
    for zoom in zooms:
        coords = [tile_of(lon, lat, zoom) for lon, lat in CENTRES]
        for name, base in filters.items():
            it = iter(coords * n["tiles"])
            sizes_ = [
                len(tile_render(z=zoom, x=x, y=y, selection=base)) for x, y in coords
            ]
            ours, _ = _timed(
                _per_tile(
                    lambda z, x, y, s: tile_render(z=z, x=x, y=y, selection=s),
                    base,
                    zoom,
                    it,
                ),
                n["tiles"],
            )
            naive, _ = _timed(
                _per_tile(naive_tile, base, zoom, iter(coords * 4)), naive_n
            )
            tiles[f"z{zoom}_{name}"] = {
                "ours": ours,
                "naive": naive,
                "bytes": max(sizes_),
            }
            progress(f"  tile z{zoom} {name}: p50 {ours['p50_us'] / 1000:.1f} ms")
    return tiles


def _measure_hotspots(filters: dict[str, ReportFilter], count: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    end_day = filters["filtered"].day_to
    year = filters["filtered"].but(category_ids=None, statuses=None)
    ours, result = _timed(lambda: hotspots_compute(selection=year), 3)
    naive, _ = _timed(lambda: naive_hotspots(year), 2)
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
        ours, answer = _timed(partial(stats_select, selection=base), 3)
        counts, _ = _timed(partial(naive_stats, base), min(3, naive_n))
        times, exact = _timed(partial(exact_times, base), min(3, naive_n))
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
