"""The routing suite: one decision, an impact preview and a bulk re-route, each beside
a naive baseline in the same run.

1. ``route_decide`` for single reports at random points of Đồng Hới (read only);
2. ``impact_preview`` of ten draft zones over a million reports and a hundred zones;
3. ``reports_reroute`` of the open reports once the drafts are in force.

Parts 2 and 3 write their zones and reports inside one transaction that is rolled
back at the end, so the demo never sees them; afterwards the touched tables are
vacuumed, which gives back the dead rows' space and the demo's planner statistics
(skipped when the caller holds a transaction, as a test does).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench import decide, impact, reroute, seed
from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us
from bench.sample import dong_hoi_extent

SUITES = ("routing",)
TEMP_BUFFERS = "512MB"
# Reports span the 2025 boundary set, from its first day to the run.
SINCE = dt.date(2025, 7, 1)
TOUCHED = (
    "routing_report",
    "routing_assignment",
    "routing_responsibilityzone",
    "routing_responsibilityzone_categories",
    "routing_zonehistory",
    "routing_zoneedge",
)


def sizes(*, quick: bool) -> dict[str, Any]:
    """Full: a million reports; quick: a hundred thousand."""
    scale = 10 if quick else 1
    return {
        "decisions": 5_000 // scale,
        "warmup": 250 // scale,
        "breakdown": 500 // scale,
        "explained": 200 // scale,
        "reports": 1_000_000 // scale,
        "zones": 100,
        "drafts": 10,
        "reroute_sample": 2_000 // scale,
        "naive_sample": 10_000 // scale,
        "naive_budget_s": 120,
        "repeats": 2,
    }


# The smallest configuration that still exercises every path (the smoke test's).
SMOKE: dict[str, Any] = {
    "decisions": 200,
    "warmup": 10,
    "breakdown": 20,
    "explained": 20,
    "reports": 2_000,
    "zones": 10,
    "drafts": 2,
    "reroute_sample": 100,
    "naive_sample": 500,
    "naive_budget_s": 120,
    "repeats": 1,
}


class _Rollback(Exception):
    """Raised to roll the suite's transaction back."""


def run(*, quick: bool = False, n: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the suite and return every figure, ready for JSON."""
    n = n or sizes(quick=quick)
    fresh = not connection.in_atomic_block
    if fresh:
        # A fresh session: nothing left by an earlier suite (temp_buffers, temp tables).
        connection.close()
    extent = dong_hoi_extent()
    results: dict[str, Any] = {
        "quick": quick,
        "sizes": n,
        "environment": environment(),
        "extent": vars(extent),
    }
    progress(f"routing decisions: {n['decisions']:,} points …")
    results["decision"] = decide.run(
        decide.cases(extent, n["decisions"]),
        warmup=n["warmup"],
        breakdown=n["breakdown"],
        explained=n["explained"],
    )
    try:
        with transaction.atomic():
            if fresh:
                # The staging tables are TEMP: give them room before the session
                # touches its first one (only possible then), as bench.assign does.
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL temp_buffers = '{TEMP_BUFFERS}'")
            results |= _write_suites(n, extent)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        results["cleanup_s"] = _vacuum()
    return results


def _write_suites(n: dict[str, Any], extent: Any) -> dict[str, Any]:
    at = timezone.now()
    since = timezone.make_aware(dt.datetime.combine(SINCE, dt.time()))
    out: dict[str, Any] = {}
    progress(
        f"seeding {n['zones']} zones, {n['drafts']} drafts, {n['reports']:,} reports …"
    )
    start = time.perf_counter()
    published, drafts = seed.zones_create(
        count=n["zones"],
        extent=extent,
        valid_from=since,
        drafts=n["drafts"],
        seed=seed.SEED,
    )
    zones_s = round(time.perf_counter() - start, 3)
    out["seed"] = seed.reports_create(
        count=n["reports"], extent=extent, since=since, until=at, at=at
    )
    out["seed"]["zones"] = {
        "published": len(published),
        "drafts": len(drafts),
        "seconds": zones_s,
    }
    progress("impact preview …")
    out["impact"] = impact.run(
        drafts=drafts,
        at=at,
        naive_sample=n["naive_sample"],
        naive_budget_s=n["naive_budget_s"],
        repeats=n["repeats"],
    )
    progress("bulk re-route …")
    out["reroute"] = reroute.run(drafts=drafts, at=at, sample=n["reroute_sample"])
    return out


def _vacuum() -> float | None:
    """Give back the rolled-back rows' space and restore the planner statistics."""
    if connection.in_atomic_block:
        return None
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(TOUCHED)}")
    return round(time.perf_counter() - start, 1)


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def sections(results: dict[str, Any]) -> list[Section]:
    """The printed table, from the results."""
    out = [_decision_section(results["decision"])]
    if "impact" in results:
        out.append(_impact_section(results["impact"], results["seed"]))
    if "reroute" in results:
        out.append(_reroute_section(results["reroute"]))
    return out


def _decision_section(r: dict[str, Any]) -> Section:
    ours, naive = r["latency"]["route_decide"], r["latency"]["naive_orm"]
    section = Section(
        f"Routing one report, {r['decisions']:,} points in Đồng Hới "
        f"({' / '.join(r['days'])}), {r['categories']} categories"
    )
    for p in ("p50", "p99"):
        key = f"{p}_us"
        section.rows.append(
            Row(
                f"  route_decide {p} (vs naive ORM)",
                fmt_us(ours[key]),
                fmt_us(naive[key]),
                fmt_ratio(naive[key] / ours[key]),
            )
        )
    b = r["breakdown"]
    section.rows += [
        Row("  of which unit_candidate p50", fmt_us(b["unit_candidate"]["p50_us"])),
        Row("  of which zone_candidates p50", fmt_us(b["zone_candidates"]["p50_us"])),
    ]
    a, o, z = r["agreement"], r["outcomes"], r["zone_query"]
    section.notes += [
        f"same department for {a['same_department']:,} of {a['compared']:,} points "
        f"both found inside a unit (same unit {a['same_unit']:,}); different: "
        f"{a['differ']} ({a['differ_on_edge']} on an edge)",
        f"rules {o['rules']}; near an edge {o['near_edge']:,}; pins at sea given the "
        f"nearest unit {o['nearest_unit']:,}, refused {o['refused']:,} (the naive way "
        f"finds no unit for {o['naive_no_unit']:,})",
        f"zone query: {z['zones_in_force_in_box_per_decision']} zones in force in "
        "the point's box go through its spatial filter per decision, "
        f"{z['of_the_category_per_decision']} of them of the report's category "
        "(the category join comes after the filter; plan in the JSON)",
        f"breakdown over {b['decisions']:,} points; warm-up {r['warmup']:,}; "
        "ratio = baseline / ours (higher is better)",
    ]
    return section


def _impact_section(r: dict[str, Any], s: dict[str, Any]) -> Section:
    ours, naive, sample = r["ours"], r["naive"], r["sample"]
    best = min(ours["seconds"])
    estimated = " (est.)" if naive["mode"] == "extrapolated" else ""
    section = Section(
        f"Impact preview, {r['reports']:,} reports ({s['open']:,} open), "
        f"{r['zones_in_state']} zones in the state of which {r['drafts']} drafts"
    )
    section.rows += [
        Row(
            "  impact_preview (vs correlated subquery)",
            fmt_s(best),
            fmt_s(naive["seconds"]) + estimated,
            fmt_ratio(naive["seconds"] / best),
        ),
        Row(
            "  reports/s",
            fmt_int(ours["reports_per_s"]),
            fmt_int(naive["reports_per_s"]),
            fmt_ratio(ours["reports_per_s"] / naive["reports_per_s"]),
        ),
        Row(
            f"  on a sample of {sample['reports']:,} reports",
            fmt_s(sample["ours_seconds"]),
            fmt_s(sample["naive_seconds"]),
            fmt_ratio(sample["naive_seconds"] / sample["ours_seconds"]),
        ),
        Row(
            "  zones_topology_check of the same state", fmt_s(r["topology"]["seconds"])
        ),
    ]
    seconds = s["seconds"]
    section.notes += [
        f"would change: open {ours['open_changed']:,} of {ours['open_total']:,}, past "
        f"{ours['past_changed']:,} of {ours['past_total']:,} ({ours['moves']} moves); "
        f"baseline {'agrees' if r['agree'] else 'DISAGREES'}"
        + (
            f" (run in full; the sample predicted {naive['estimate_s']} s)"
            if naive["mode"] == "measured"
            else " on the sample (full run estimated from it, over the "
            f"{naive['budget_s']} s budget)"
        ),
        f"seed check: as the zones are, "
        f"{r['seed_check']['open_changed'] + r['seed_check']['past_changed']} of the "
        f"{r['seed_check']['reports']:,} sampled reports would move (the seed routes "
        "every report as the engine does)",
        f"plan: {ours['plan']} (the planner expects {ours['pieces']['estimated']:,} "
        f"zone pieces, there are {ours['pieces']['actual']:,})",
        _probes_note(ours["report_index"]),
        f"seeded in SQL: points {sum(seconds['points'].values()):.1f} s, units "
        f"{seconds['units_assign']} s, routing {seconds['route']} s (category "
        f"lanes, see bench.seed), reports "
        f"{seconds['insert_reports']} s, assignments {seconds['insert_assignments']} s,"
        f" zones {s['zones']['seconds']} s (not counted; rolled back)",
        f"best of {len(ours['seconds'])} runs {ours['seconds']}; ratio = baseline / ours",
    ]
    return section


def _probes_note(p: dict[str, int] | None) -> str:
    if p is None:
        return "EXPLAIN ANALYZE: no index scan of the reports"
    return (
        f"EXPLAIN ANALYZE: {p['probes']:,} probes of the reports' index let "
        f"≈{p['from_index']:,} report rows through, ST_Covers kept "
        f"≈{p['after_filter']:,}, the category join then ≈{p['after_join']:,}"
    )


def _reroute_section(r: dict[str, Any]) -> Section:
    ours, naive, a = r["ours"], r["naive"], r["agreement"]
    section = Section(
        f"Bulk re-route of {r['open_reports']:,} open reports after publishing, reports/s"
    )
    section.rows.append(
        Row(
            "  reports_reroute (vs route_decide + assignment_record)",
            fmt_int(ours["reports_per_s"]),
            fmt_int(naive["reports_per_s"]),
            fmt_ratio(ours["reports_per_s"] / naive["reports_per_s"]),
        )
    )
    section.notes += [
        f"ours: {r['open_reports']:,} reports in {ours['seconds']} s, {ours['moved']:,} "
        f"moved; baseline: a sample of {naive['reports']:,} in {naive['seconds']} s, "
        f"{naive['moved']:,} moved (rolled back to a savepoint before ours ran)",
        f"sample after ours: same department as the baseline chose for "
        f"{a['same_department']:,} of {a['sample']:,}; one current assignment each: "
        f"{a['one_current_assignment']}",
        "ratio = ours / baseline (higher is better)",
    ]
    return section
