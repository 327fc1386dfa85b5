"""Query plans for the tables: capture what a service runs, and outline its plan."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def captured() -> Iterator[list[tuple[str, Any]]]:
    """Every (sql, params) the block sends to the database, in order."""
    statements: list[tuple[str, Any]] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield statements


def explain(sql: str, params: Any = None, *, analyze: bool = False) -> dict[str, Any]:
    """The plan of ``sql`` as the root node: estimated, or with ``analyze`` run and
    counted (``TIMING OFF``: row counts without the clock's overhead)."""
    options = "ANALYZE, TIMING OFF, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # the driver may hand back the JSON text
        plan = json.loads(plan)
    return plan[0]["Plan"]


def _label(node: dict[str, Any]) -> str:
    parts = [node["Node Type"]]
    if node.get("Subplan Name"):
        parts.insert(0, f"{node['Subplan Name']}:")
    for key, fmt in (
        ("Relation Name", "on {}"),
        ("CTE Name", "CTE {}"),
        ("Index Name", "using {}"),
        ("Join Type", "({})"),
    ):
        if key in node and not (key == "Join Type" and node[key] == "Inner"):
            parts.append(fmt.format(node[key]))
    return " ".join(parts)


def outline(node: dict[str, Any], depth: int = 0, limit: int = 40) -> list[str]:
    """The plan tree, one short line per node (type, relation or CTE, index)."""
    lines = ["  " * depth + _label(node)]
    for child in node.get("Plans", []):
        if len(lines) >= limit:
            break
        lines += outline(child, depth + 1, limit - len(lines))
    return lines


def spatial_join(node: dict[str, Any], inner_relation: str) -> str | None:
    """``<join>, outer <first relation or CTE of the outer side>, inner <relation> by
    <index>`` for the deepest join whose inner side reaches ``inner_relation``
    through an index, or None."""
    plans = node.get("Plans", [])
    for child in plans:
        found = spatial_join(child, inner_relation)
        if found:
            return found
    if ("Join" in node["Node Type"] or "Loop" in node["Node Type"]) and len(plans) == 2:
        inner = _first(plans[1], lambda n: n.get("Relation Name") == inner_relation)
        # A bitmap heap scan names the index on its child.
        index = inner and _first(inner, lambda n: "Index Name" in n)
        if index is not None:
            outer = _first(plans[0], lambda n: "Relation Name" in n or "CTE Name" in n)
            name = (outer or {}).get("CTE Name") or (outer or {}).get("Relation Name")
            return (
                f"{node['Node Type']}, outer {name}, inner {inner_relation} "
                f"by {index['Index Name']}"
            )
    return None


def estimated_rows(node: dict[str, Any], subplan: str) -> int | None:
    """The planner's row estimate for the named subplan (``CTE pieces``), or None."""
    found = _first(node, lambda n: n.get("Subplan Name") == subplan)
    return int(found["Plan Rows"]) if found else None


def index_probes(
    root: dict[str, Any], relation: str, joined: str
) -> dict[str, int] | None:
    """For the first index scan of ``relation`` in an analysed plan: how many times it
    was probed, the rows its index condition let through, those its filter kept, and
    those left by the nearest join above it that brings in ``joined`` (actual counts
    are per-loop averages, so the totals are approximate)."""
    path = _path_to_scan(root, relation)
    if path is None:
        return None
    node = path[-1]
    loops = int(node["Actual Loops"])
    kept = round(node["Actual Rows"] * loops)
    removed = round(node.get("Rows Removed by Filter", 0) * loops)
    above = next(
        (
            round(n["Actual Rows"] * n["Actual Loops"])
            for n in reversed(path[:-1])
            if ("Join" in n["Node Type"] or "Loop" in n["Node Type"])
            and _first(n, lambda m: m.get("Relation Name") == joined) is not None
        ),
        None,
    )
    return {
        "probes": loops,
        "from_index": kept + removed,
        "after_filter": kept,
        "after_join": above if above is not None else kept,
    }


def _path_to_scan(node: dict[str, Any], relation: str) -> list[dict[str, Any]] | None:
    """The nodes from ``node`` down to the first index scan of ``relation``."""
    if node.get("Relation Name") == relation and node["Node Type"] in (
        "Index Scan",
        "Index Only Scan",
        "Bitmap Heap Scan",
    ):
        return [node]
    for child in node.get("Plans", []):
        below = _path_to_scan(child, relation)
        if below is not None:
            return [node, *below]
    return None


def _first(
    node: dict[str, Any], match: Callable[[dict[str, Any]], bool]
) -> dict[str, Any] | None:
    if match(node):
        return node
    for child in node.get("Plans", []):
        found = _first(child, match)
        if found is not None:
            return found
    return None
