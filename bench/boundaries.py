"""The boundary suite: what it runs, in what sizes, and how its results read."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from bench import api, assign, assign_command, service
from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us
from bench.sample import DAYS, dong_hoi_extent, probes

SUITES = ("service", "http", "bulk")


def sizes(*, quick: bool) -> dict[str, int]:
    scale = 10 if quick else 1
    return {
        "lookups": 10_000 // scale,
        "warmup": 500 // scale,
        "bulk_points": 1_000_000 // scale,
        "bulk_repeats": 5,
        "baseline_repeats": 2,
        "csv_rows": 200_000 // scale,
    }


def environment() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), postgis_lib_version(), "
            "current_setting('max_parallel_workers_per_gather'), "
            "current_setting('work_mem'), current_setting('jit')"
        )
        pg, postgis, parallel, work_mem, jit = cursor.fetchone()
    return {
        "when": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "postgresql": pg,
        "postgis": postgis,
        "max_parallel_workers_per_gather": parallel,
        "work_mem": work_mem,
        "jit": jit,
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "debug": settings.DEBUG,
    }


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(*, quick: bool, only: tuple[str, ...] = SUITES) -> dict[str, Any]:
    """Run the chosen suites and return every figure, ready for JSON."""
    n = sizes(quick=quick)
    extent = dong_hoi_extent()
    results: dict[str, Any] = {
        "quick": quick,
        "sizes": n,
        "environment": environment(),
        "extent": vars(extent),
    }
    points = probes(extent, n["lookups"])
    if "service" in only:
        progress(f"service lookup: {n['lookups']:,} points …")
        results["service"] = service.run(points, warmup=n["warmup"])
    if "http" in only:
        progress(f"HTTP lookup: {n['lookups']:,} requests, 1 then 2 clients …")
        base = Path(settings.BASE_DIR)
        results["http"] = api.run(
            points,
            warmup=n["warmup"],
            cwd=base,
            log=base / ".data" / "bench" / "gunicorn.log",
        )
    if "bulk" in only:
        progress(f"bulk assignment: {n['bulk_points']:,} points …")
        results["bulk"] = assign.run(
            extent,
            count=n["bulk_points"],
            repeats=n["bulk_repeats"],
            baseline_repeats=n["baseline_repeats"],
        )
        progress(f"manage.py points_assign: {n['csv_rows']:,} CSV rows …")
        results["bulk"]["csv"] = assign_command.run(
            extent, rows=n["csv_rows"], day=DAYS[-1]
        )
    return results


def sections(results: dict[str, Any]) -> list[Section]:
    """The printed table, from the results."""
    out: list[Section] = []
    if "service" in results:
        out.append(_service_section(results["service"]))
    if "http" in results:
        out.append(_http_section(results["http"], results.get("service")))
    if "bulk" in results:
        out.append(_bulk_section(results["bulk"]))
    return out


def _service_section(r: dict[str, Any]) -> Section:
    ours, orm = r["latency"]["point_lookup"], r["latency"]["orm_first"]
    bare = r["latency"]["covering_unit_id"]
    a = r["agreement"]
    covered = r["latency_covered_points"]
    section = Section(
        f"Service lookup, {r['points']:,} points in Đồng Hới ({' / '.join(r['days'])})"
    )
    for p in ("p50", "p99"):
        key = f"{p}_us"
        section.rows.append(
            Row(
                f"  point_lookup {p} (vs ORM .first())",
                fmt_us(ours[key]),
                fmt_us(orm[key]),
                fmt_ratio(orm[key] / ours[key]),
            )
        )
    section.rows.append(
        Row(
            "  covering_unit_id p50 (id only, no chain)",
            fmt_us(bare["p50_us"]),
            fmt_us(orm["p50_us"]),
            fmt_ratio(orm["p50_us"] / bare["p50_us"]),
        )
    )
    section.notes += [
        f"same unit: {a['same_unit']:,}; outside every unit for both: "
        f"{a['outside_both']:,}; different: {a['differ']} ({a['differ_on_edge']} "
        "on an edge)",
        f"covered points only: point_lookup p50 {fmt_us(covered['point_lookup']['p50_us'])}"
        f" p99 {fmt_us(covered['point_lookup']['p99_us'])}; ORM p50 "
        f"{fmt_us(covered['orm_first']['p50_us'])} p99 "
        f"{fmt_us(covered['orm_first']['p99_us'])} (a point outside costs point_lookup "
        "a nearest-unit search for the refusal)",
        f"warm-up {r['warmup']:,} points; ratio = baseline / ours (higher is better)",
    ]
    return section


def _http_section(r: dict[str, Any], service_results: dict[str, Any] | None) -> Section:
    one, two, health = r["one_client"], r["two_clients"], r["healthz_one_client"]
    section = Section(f"HTTP lookup, {one['requests']:,} GETs, {r['server']}")
    service_p50 = (
        service_results["latency"]["point_lookup"]["p50_us"]
        if service_results
        else None
    )
    for p in ("p50", "p99"):
        key = f"{p}_us"
        section.rows.append(
            Row(
                f"  GET /lookup {p}, 1 client (vs /healthz)",
                fmt_us(one["latency"][key]),
                fmt_us(health["latency"][key]),
                fmt_ratio(one["latency"][key] / health["latency"][key]),
            )
        )
    section.rows += [
        Row(
            "  requests/s, 1 client (vs /healthz)",
            fmt_int(one["requests_per_s"]),
            fmt_int(health["requests_per_s"]),
            fmt_ratio(one["requests_per_s"] / health["requests_per_s"]),
        ),
        Row(
            f"  requests/s, 2 clients; p50 {fmt_us(two['latency']['p50_us'])}",
            fmt_int(two["requests_per_s"]),
        ),
    ]
    if service_p50:
        section.rows.append(
            Row(
                "  HTTP overhead: HTTP p50 / service p50",
                fmt_us(one["latency"]["p50_us"]),
                fmt_us(service_p50),
                fmt_ratio(one["latency"]["p50_us"] / service_p50),
            )
        )
    section.notes += [
        f"statuses {one['statuses']} (404 = outside every unit, a refusal naming the "
        "nearest); the server closed the connection after each response"
        if not one["server_kept_alive"]
        else f"statuses {one['statuses']}; connection kept alive",
        "/healthz (one SELECT, no DRF) is the floor a request costs; ratio = ours / it",
    ]
    return section


def _bulk_section(r: dict[str, Any]) -> Section:
    section = Section(f"Bulk assignment, {r['points']:,} random points, points/s")
    for day, d in r["days"].items():
        pieces, flagged, polygons = d["pieces"], d["flagged"], d["polygons"]
        section.rows.append(
            Row(
                f"  points_assign {day} (vs raw polygons)",
                fmt_int(pieces["points_per_s"]),
                fmt_int(polygons["points_per_s"]),
                fmt_ratio(pieces["points_per_s"] / polygons["points_per_s"]),
            )
        )
        for name, runs in (("plain", pieces), ("ambiguous=True", flagged)):
            rate = runs["rates"]
            section.rows.append(
                Row(
                    f"    {name}: {len(runs['seconds'])} runs, min / median / max; "
                    "spread max/min",
                    f"{fmt_int(rate['min'])} / {fmt_int(rate['median'])} / "
                    f"{fmt_int(rate['max'])}",
                    "",
                    fmt_ratio(rate["spread"]),
                )
            )
        section.notes.append(
            f"{day}: assigned {pieces['assigned']:,} by pieces, {polygons['assigned']:,}"
            f" by polygons, {d['differ']} placed differently ({d['differ_on_edge']} on"
            f" an edge); runs {pieces['seconds']} s (flagged {flagged['seconds']} s) vs"
            f" {polygons['seconds']} s; plans: {_plan(pieces['plan'])} | "
            f"{_plan(polygons['plan'])}; pieces outer, points probed inside: "
            f"{'yes' if pieces['pieces_outer'] and flagged['pieces_outer'] else 'NO'}"
        )
    if "csv" in r:
        c = r["csv"]
        section.rows.append(
            Row(
                f"  manage.py points_assign, {c['rows']:,} CSV rows end to end, rows/s",
                fmt_int(c["rows_per_s"]),
            )
        )
        section.notes.append(
            f"points_assign: {c['seconds']} s for a {c['file_mb']} MB file on "
            f"{c['day']}, {c['written']:,} rows written; {c['assigned']}; "
            f"{c['steps']}"
        )
    load = r["load"]
    section.notes += [
        f"points drawn in SQL in {load['generate_s']} s, GiST index {load['gist_index_s']}"
        f" s, ANALYZE {load['analyze_s']} s (not counted)",
        f"max_parallel_workers_per_gather = {r['max_parallel_workers_per_gather']} "
        "(default; PostgreSQL runs no INSERT … SELECT in parallel, and TEMP tables are "
        "parallel-restricted, so one core does the work)",
        "best of the runs; ratio = ours / baseline (higher is better); spread = "
        "fastest / slowest run of the same statement on the same points; 1-minute "
        f"load average before / after: {' / '.join(map(str, r.get('load_average', [])))}"
        f" on {os.cpu_count()} CPUs",
    ]
    return section


def _plan(plan: dict[str, str | None]) -> str:
    return f"{plan['join']}, outer {plan['outer']}"
