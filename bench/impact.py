"""Impact preview over many reports: ``impact_preview`` against a correlated subquery.

Ours is one set-based statement with the zones' ``ST_Subdivide`` pieces on the outer
side of the join (``routing.zones.bulk``). The baseline is the query one writes
first: for each report, a correlated subquery picks its best zone (``ORDER BY
priority DESC, area_m2, id LIMIT 1``), then the unit's default, then the triage desk;
same zones, same reports, same manual-assignment exclusion. It is timed on a random
sample first (ours too, and the seed is checked there: as the zones are, nothing
moves); the full run follows when the sample says it ends within the budget,
otherwise the full figure is the sample's rate extrapolated (``mode`` says which).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection

from bench.plans import (
    captured,
    estimated_rows,
    explain,
    index_probes,
    outline,
    spatial_join,
)
from routing.models import ResponsibilityZone
from routing.zones.bulk import OPEN, Impact, Selection, impact_preview
from routing.zones.state import ZoneState
from routing.zones.topology import zones_topology_check

T = TypeVar("T")

_NAIVE = f"""
    WITH d AS (
        SELECT r.status = ANY(%(open)s) AS is_open,
               r.department_id AS old_department_id,
               COALESCE(
                   (SELECT z.department_id
                    FROM routing_responsibilityzone z
                    JOIN routing_responsibilityzone_categories zc
                      ON zc.responsibilityzone_id = z.id
                    WHERE zc.category_id = r.category_id AND {ZoneState.SQL}
                      AND ST_Covers(z.geom, r.location)
                    ORDER BY z.priority DESC, z.area_m2, z.id
                    LIMIT 1),
                   (SELECT x.department_id FROM routing_defaultdepartment x
                    JOIN routing_department dp ON dp.id = x.department_id AND dp.active
                    WHERE x.unit_id = r.unit_id),
                   (SELECT t.id FROM routing_department t
                    WHERE t.kind = 'triage' AND t.active
                      AND t.jurisdiction_code = r.jurisdiction_code
                    ORDER BY t.id LIMIT 1)
               ) AS new_department_id
        FROM routing_report r
        WHERE {{where}}
    )
    SELECT is_open, count(*),
           count(*) FILTER (WHERE old_department_id IS DISTINCT FROM new_department_id)
    FROM d GROUP BY is_open
"""


def naive_statement(selection: Selection) -> str:
    return _NAIVE.format(where=selection.sql())


def naive_preview(*, state: ZoneState, selection: Selection) -> dict[str, int]:
    """The baseline's counts, in the shape of :func:`counts`."""
    params = {**state.params(), **selection.params(), "open": OPEN}
    out = {"open_changed": 0, "past_changed": 0, "open_total": 0, "past_total": 0}
    with connection.cursor() as cursor:
        cursor.execute(naive_statement(selection), params)
        for is_open, total, changed in cursor.fetchall():
            kind = "open" if is_open else "past"
            out[f"{kind}_total"] += total
            out[f"{kind}_changed"] += changed
    return out


def counts(impact: Impact) -> dict[str, int]:
    return {
        "open_changed": impact.open_changed,
        "past_changed": impact.past_changed,
        "open_total": impact.open_total,
        "past_total": impact.past_total,
    }


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = call()
    return value, round(time.perf_counter() - start, 3)


def _best(call: Callable[[], T], repeats: int) -> tuple[T, list[float]]:
    seconds: list[float] = []
    value: T
    for _ in range(max(repeats, 1)):
        value, s = _timed(call)
        seconds.append(s)
    return value, seconds


def sample_ids(count: int, *, open_only: bool = False, seed: float = 0.17) -> list[int]:
    """``count`` report ids drawn at random (seeded), in id order."""
    where = "WHERE status = ANY(%(open)s)" if open_only else ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            f"SELECT id FROM (SELECT id FROM routing_report {where} "
            "ORDER BY id) r ORDER BY random() LIMIT %(n)s",
            {"open": OPEN, "n": count},
        )
        return sorted(row[0] for row in cursor.fetchall())


def run(
    *,
    drafts: list[ResponsibilityZone],
    at: Any,
    naive_sample: int,
    naive_budget_s: float,
    repeats: int,
) -> dict[str, Any]:
    """Preview publishing ``drafts`` at ``at`` over every report, both ways."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM routing_report")
        total = cursor.fetchone()[0]
    state = ZoneState.with_drafts(drafts, at)

    topology, topology_s = _timed(lambda: zones_topology_check(state=state))

    with captured() as statements:
        impact, ours_s = _best(lambda: impact_preview(state=state), repeats)
    ours_sql, ours_params = statements[-1]
    ours_plan = explain(ours_sql, ours_params)
    analysed = explain(ours_sql, ours_params, analyze=True)

    ids = sample_ids(min(naive_sample, total))
    seed_check, sample = _sample_measure(state, at, ids)
    estimate_s = sample["naive_seconds"] * total / max(len(ids), 1)
    result: dict[str, Any] = {
        "reports": total,
        "zones_in_state": _zones_in_state(state),
        "drafts": len(drafts),
        "seed_check": seed_check,
        "topology": {
            "seconds": topology_s,
            "ok": topology["ok"],
            "gaps": len(topology["gaps"]),
            "overlaps": len(topology["overlaps"]),
        },
        "ours": _ours(state, impact, ours_s, ours_plan, analysed, total),
        "sample": sample,
        "naive": {
            "estimate_s": round(estimate_s, 1),
            "budget_s": naive_budget_s,
            "plan_outline": outline(explain(*_naive_everything(state))),
        },
    }
    if estimate_s <= naive_budget_s:
        everything = Selection()
        full, full_s = _timed(lambda: naive_preview(state=state, selection=everything))
        result["naive"] |= {
            "mode": "measured",
            "seconds": full_s,
            "reports_per_s": round(total / full_s),
            **full,
        }
        result["agree"] = full == counts(impact)
    else:
        result["naive"] |= {
            "mode": "extrapolated",
            "seconds": round(estimate_s, 1),
            "reports_per_s": round(len(ids) / sample["naive_seconds"]),
        }
        result["agree"] = result["sample"]["agree"]
    return result


def _sample_measure(
    state: ZoneState, at: Any, ids: list[int]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """On a sample of reports: the seed check (as the zones are, nothing moves),
    then ours and the baseline timed and compared."""
    sample = Selection(ids=tuple(ids))
    # The seed routed every report as the engine would: as the zones are, none of
    # the sample moves (the smoke test checks every report).
    unchanged, unchanged_s = _timed(
        lambda: impact_preview(state=ZoneState(at=at), selection=sample)
    )
    ours_on_sample, ours_sample_s = _timed(
        lambda: impact_preview(state=state, selection=sample)
    )
    naive_on_sample, naive_sample_s = _timed(
        lambda: naive_preview(state=state, selection=sample)
    )
    seed_check = {"reports": len(ids), "seconds": unchanged_s, **counts(unchanged)}
    return seed_check, {
        "reports": len(ids),
        "ours_seconds": ours_sample_s,
        "naive_seconds": naive_sample_s,
        "ours": counts(ours_on_sample),
        "naive": naive_on_sample,
        "agree": counts(ours_on_sample) == naive_on_sample,
    }


def _ours(
    state: ZoneState,
    impact: Impact,
    seconds: list[float],
    plan: dict[str, Any],
    analysed: dict[str, Any],
    total: int,
) -> dict[str, Any]:
    """Our full preview: its timings, counts, largest moves and what its plan
    shows (the spatial join, the index probes, the zones' pieces)."""
    return {
        "seconds": seconds,
        "reports_per_s": round(total / min(seconds)),
        **counts(impact),
        "moves": len(impact.moves),
        "largest_moves": impact.moves[:3],
        "plan": spatial_join(plan, "routing_report"),
        "report_index": index_probes(
            analysed, "routing_report", "routing_responsibilityzone_categories"
        ),
        "pieces": {
            "estimated": estimated_rows(plan, "CTE pieces"),
            "actual": _pieces(state),
        },
        "plan_outline": outline(plan),
    }


def _naive_everything(state: ZoneState) -> tuple[str, dict[str, Any]]:
    """The baseline over every report: its statement and parameters."""
    everything = Selection()
    return (
        naive_statement(everything),
        {**state.params(), **everything.params(), "open": OPEN},
    )


def _zones_in_state(state: ZoneState) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM routing_responsibilityzone z WHERE {ZoneState.SQL}",
            state.params(),
        )
        return cursor.fetchone()[0]


def _pieces(state: ZoneState) -> int:
    """How many ``ST_Subdivide`` pieces the state's zones make."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT ST_Subdivide(z.geom, 64) "
            f"FROM routing_responsibilityzone z WHERE {ZoneState.SQL}) p",
            state.params(),
        )
        return cursor.fetchone()[0]
