"""Bulk assignment of a million points: ``points_assign`` against raw polygons.

Both variants are the same single ``INSERT … SELECT DISTINCT ON``; the baseline joins
the raw MultiPolygons (thousands of vertices) with ``ST_Contains`` instead of the
``ST_Subdivide`` pieces with ``ST_Covers``. The points are drawn in SQL into a TEMP
table with a GiST index, as a caller of ``points_assign`` would load them.

``points_assign`` runs several times on the same points, plain and with the
ambiguity flag (as ``manage.py points_assign`` runs it): its speed once swung tenfold
between identical runs as the planner turned the join round, so the spread of the
runs (max / min) is reported, and the plan is checked to keep the pieces outside.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from bench.sample import DAYS, Extent
from boundaries.bulk import assign_statement, points_assign, quote_table, valid_set_ids
from boundaries.levels import DEPTH

POINTS = "bench_points"
BY_PIECES = "bench_by_pieces"
BY_POLYGONS = "bench_by_polygons"
FLAGGED = "bench_flagged"

_DEPTH_SQL = " ".join(
    f"WHEN '{level!s}' THEN {depth}" for level, depth in DEPTH.items()
)

_BASELINE = f"""
    INSERT INTO {{into}} (point_id, unit_id)
    SELECT DISTINCT ON (pt.id) pt.id, u.id
    FROM boundaries_adminunit u
    JOIN {{table}} pt ON ST_Contains(u.geom, pt.geom)
    WHERE u.boundary_set_id = ANY(%(sets)s::bigint[])
    ORDER BY pt.id, CASE u.level {_DEPTH_SQL} END DESC, u.code
"""


def baseline_statement(*, table: str, into: str) -> str:
    return _BASELINE.format(table=quote_table(table), into=quote_table(into))


def polygons_assign(*, table: str, into: str, day: dt.date) -> int:
    """The baseline: the same statement over the raw polygons."""
    with connection.cursor() as cursor:
        cursor.execute(
            baseline_statement(table=table, into=into), {"sets": valid_set_ids(day)}
        )
        return cursor.rowcount


def _execute(sql: str, params: Any = None) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return time.perf_counter() - start


def load_points(extent: Extent, count: int) -> dict[str, float]:
    """Draw ``count`` points uniformly in ``extent`` into a TEMP table; seconds taken."""
    # A fresh session: temp tables live in local buffers (temp_buffers, 8 MB by
    # default), which can be raised only before the session touches its first one.
    connection.close()
    _execute("SET temp_buffers = '512MB'")
    _execute("SELECT setseed(0.42)")
    _execute(f"CREATE TEMP TABLE {POINTS} (id bigint, geom geometry(Point, 4326))")
    for name in (BY_PIECES, BY_POLYGONS):
        _execute(f"CREATE TEMP TABLE {name} (point_id bigint, unit_id bigint)")
    _execute(
        f"CREATE TEMP TABLE {FLAGGED} (point_id bigint, unit_id bigint, ambiguous boolean)"
    )
    insert_s = _execute(
        f"""
        INSERT INTO {POINTS} (id, geom)
        SELECT g, ST_SetSRID(ST_MakePoint(
            %(x0)s + random() * (%(x1)s - %(x0)s),
            %(y0)s + random() * (%(y1)s - %(y0)s)), 4326)
        FROM generate_series(1, %(n)s) g
        """,
        {
            "x0": extent.min_lon,
            "x1": extent.max_lon,
            "y0": extent.min_lat,
            "y1": extent.max_lat,
            "n": count,
        },
    )
    index_s = _execute(f"CREATE INDEX ON {POINTS} USING gist (geom)")
    analyze_s = _execute(f"ANALYZE {POINTS}")
    return {
        "generate_s": round(insert_s, 3),
        "gist_index_s": round(index_s, 3),
        "analyze_s": round(analyze_s, 3),
    }


def drop_tables() -> None:
    names = ", ".join(
        f"pg_temp.{name}" for name in (POINTS, BY_PIECES, BY_POLYGONS, FLAGGED)
    )
    _execute(f"DROP TABLE IF EXISTS {names}")


def _plan(sql: str, day: dt.date) -> list[dict[str, Any]]:
    """The statement's plan (EXPLAIN, no run), as parsed JSON."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", {"sets": valid_set_ids(day)})
        plan = cursor.fetchone()[0]
    return json.loads(plan) if isinstance(plan, str) else plan  # text or parsed


def outer_relation(sql: str, day: dt.date) -> dict[str, str | None]:
    """The join node of the plan and the table on its outer side (EXPLAIN, no run)."""
    return _outer_of(_plan(sql, day))


def _outer_of(plan: list[dict[str, Any]]) -> dict[str, str | None]:
    join = _find(
        plan[0]["Plan"], lambda n: "Join" in n["Node Type"] or "Loop" in n["Node Type"]
    )
    if join is None:
        return {"join": None, "outer": None}
    outer = _find(join["Plans"][0], lambda n: "Relation Name" in n)
    return {
        "join": join["Node Type"],
        "outer": outer["Relation Name"] if outer else None,
    }


def points_inner(sql: str, day: dt.date, table: str = POINTS) -> bool:
    """Whether every join that reaches the points has them on its inner side (the
    pieces outside, each probing the points' index), by EXPLAIN, without a run."""
    return _points_inner_of(_plan(sql, day), table)


def _points_inner_of(plan: list[dict[str, Any]], table: str = POINTS) -> bool:

    def holds(node: dict[str, Any]) -> bool:
        return node.get("Relation Name") == table or any(
            holds(child) for child in node.get("Plans", [])
        )

    def inner_only(node: dict[str, Any]) -> bool:
        children = node.get("Plans", [])
        is_join = "Join" in node["Node Type"] or "Loop" in node["Node Type"]
        if is_join and len(children) == 2 and holds(children[0]):
            return False
        return all(inner_only(child) for child in children)

    root = plan[0]["Plan"]
    return holds(root) and inner_only(root)


def rates(count: int, seconds: list[float]) -> dict[str, float]:
    """Points per second of the runs: min, median, max, and max / min."""
    per_s = [count / s for s in seconds]
    return {
        "min": round(min(per_s)),
        "median": round(statistics.median(per_s)),
        "max": round(max(per_s)),
        "spread": round(max(per_s) / min(per_s), 3),
    }


def _find(
    node: dict[str, Any], match: Callable[[dict[str, Any]], bool]
) -> dict[str, Any] | None:
    if match(node):
        return node
    for child in node.get("Plans", []):
        found = _find(child, match)
        if found is not None:
            return found
    return None


def _timed(
    assign: Callable[..., int], into: str, day: dt.date, repeats: int
) -> tuple[int, list[float]]:
    seconds: list[float] = []
    assigned = 0
    for _ in range(repeats):
        _execute(f"TRUNCATE {into}")
        start = time.perf_counter()
        assigned = assign(table=POINTS, into=into, day=day)
        seconds.append(time.perf_counter() - start)
    return assigned, seconds


def compare() -> dict[str, int]:
    """Points the two variants place differently, and how many lie on a unit edge."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH differ AS (
                SELECT coalesce(a.point_id, b.point_id) AS point_id,
                       a.unit_id AS a_unit, b.unit_id AS b_unit
                FROM {BY_PIECES} a FULL JOIN {BY_POLYGONS} b ON b.point_id = a.point_id
                WHERE a.unit_id IS DISTINCT FROM b.unit_id
            )
            SELECT count(*),
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM boundaries_adminunit u
                       WHERE u.id IN (d.a_unit, d.b_unit)
                         AND ST_DWithin(ST_Boundary(u.geom), pt.geom, 1e-9)))
            FROM differ d JOIN {POINTS} pt ON pt.id = d.point_id
            """
        )
        differ, on_edge = cursor.fetchone()
    return {"differ": differ, "differ_on_edge": on_edge}


def _pieces(
    into: str, day: dt.date, count: int, repeats: int, *, ambiguous: bool
) -> dict[str, Any]:
    assign = functools.partial(points_assign, ambiguous=ambiguous)
    assigned, seconds = _timed(assign, into, day, repeats)
    plan = _plan(assign_statement(table=POINTS, into=into, ambiguous=ambiguous), day)
    spread = rates(count, seconds)
    return {
        "assigned": assigned,
        "seconds": [round(s, 3) for s in seconds],
        "points_per_s": spread["max"],
        "rates": spread,
        "plan": _outer_of(plan),
        "pieces_outer": _points_inner_of(plan),
    }


def run(
    extent: Extent, *, count: int, repeats: int, baseline_repeats: int = 2
) -> dict[str, Any]:
    """Load the points, then assign them for each day with both variants
    (``points_assign`` ``repeats`` times, plain and flagged; the baseline
    ``baseline_repeats`` times)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        parallel = cursor.fetchone()[0]
    result: dict[str, Any] = {
        "points": count,
        "repeats": repeats,
        "baseline_repeats": baseline_repeats,
        "max_parallel_workers_per_gather": parallel,
        # Other work on the machine shows in the spread: the load before and after.
        "load_average": [round(os.getloadavg()[0], 2)],
    }
    try:
        result["load"] = load_points(extent, count)
        result["days"] = {}
        for day in DAYS:
            pieces = _pieces(BY_PIECES, day, count, repeats, ambiguous=False)
            flagged = _pieces(FLAGGED, day, count, repeats, ambiguous=True)
            polygons, polygons_s = _timed(
                polygons_assign, BY_POLYGONS, day, baseline_repeats
            )
            result["days"][str(day)] = {
                "sets": valid_set_ids(day),
                "pieces": pieces,
                "flagged": flagged,
                "polygons": {
                    "assigned": polygons,
                    "seconds": [round(s, 3) for s in polygons_s],
                    "points_per_s": round(count / min(polygons_s)),
                    "plan": outer_relation(
                        baseline_statement(table=POINTS, into=BY_POLYGONS), day
                    ),
                },
                **compare(),
            }
    finally:
        drop_tables()
    result["load_average"].append(round(os.getloadavg()[0], 2))
    return result
