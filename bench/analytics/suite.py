"""The analytics suite's run: its sizes, and each stage in a database of its own,
created and filled (or a kept one reused), measured, then dropped."""

from __future__ import annotations

import os
from typing import Any

from django.db import connection

from bench.analytics.database import (
    admin_execute,
    database_create,
    database_fill,
    database_kept,
    database_name,
    database_use,
)
from bench.analytics.measure import stage_measure
from bench.analytics.table import sections
from bench.boundaries import environment, progress

SUITES = ("analytics",)


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


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("analytics", "analytics", SUITES, lambda: run(quick=quick), sections)


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
    stages: list[dict[str, Any]] = []
    results["stages"] = stages
    for count in n["reports"]:
        name = database_name(count)
        generated = database_kept(name, count) if keep else None
        reused = generated is not None
        try:
            if generated is None:
                progress(f"creating {name} …")
                results.setdefault("database", database_create(name))
                database_use(name)
                progress(f"generating {count:,} reports …")
                generated = database_fill(count, n["years"])
                progress(
                    f"  {generated['seconds']} s ({generated['reports_per_s']:,}/s "
                    f"load): {generated['steps']}"
                )
            database_use(name)
            if not measure:
                continue
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            progress(f"measuring at {count:,} reports …")
            stage = stage_measure(n, count)
            stage["generated"] = {**generated, "reused": reused}
            stages.append(stage)
        finally:
            database_use(demo)
            if not keep:
                admin_execute(f"DROP DATABASE IF EXISTS {name}")
    return results
