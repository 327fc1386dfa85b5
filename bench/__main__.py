"""``python -m bench [--quick] [--only service,http,bulk,routing] [--out DIR]``.

Suites ``service``, ``http`` and ``bulk`` form the boundary benchmark (written to
``boundaries.json``); ``routing`` is the routing benchmark (``routing.json``). With
``--quick`` the files are ``*-quick.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _title(name: str, results: dict[str, Any], quick: bool) -> list[str]:
    env = results["environment"]
    return [
        f"Hiện Trường {name} benchmark — {env['when']}" + (" (quick)" if quick else ""),
        f"PostgreSQL {env['postgresql']}, PostGIS {env['postgis']}, {env['cpus']} CPUs,"
        f" max_parallel_workers_per_gather={env['max_parallel_workers_per_gather']},"
        f" work_mem={env['work_mem']}, jit={env['jit']}, DEBUG={env['debug']}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="ten times fewer points and reports (a smoke run)",
    )
    parser.add_argument(
        "--only",
        default="service,http,bulk,routing",
        help="comma list of suites to run (default: all)",
    )
    parser.add_argument(
        "--out", type=Path, help="folder for the JSON files (default .data/bench)"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings

    from bench import analytics, boundaries, intake, mapit, places, portal, routing, web
    from bench.report import Section, render, write_json

    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(boundaries.SUITES) - set(routing.SUITES)
    unknown -= {"analytics", *intake.SUITES, *web.SUITES, *places.SUITES}
    unknown -= set(portal.SUITES) | set(mapit.SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    folder = args.out or Path(settings.BASE_DIR) / ".data" / "bench"
    suffix = "-quick.json" if args.quick else ".json"

    benchmarks: list[
        tuple[
            str,
            str,
            tuple[str, ...],
            Callable[[], dict[str, Any]],
            Callable[..., list[Section]],
        ]
    ] = [
        (
            "boundaries",
            "boundary",
            boundaries.SUITES,
            lambda: boundaries.run(
                quick=args.quick,
                only=tuple(s for s in only if s in boundaries.SUITES),
            ),
            boundaries.sections,
        ),
        (
            "routing",
            "routing",
            routing.SUITES,
            lambda: routing.run(quick=args.quick),
            routing.sections,
        ),
    ]
    benchmarks.append(analytics.benchmark(args.quick))  # opt-in: --only analytics
    benchmarks.append(intake.benchmark(args.quick))  # opt-in: --only intake
    benchmarks.append(web.benchmark(args.quick))  # opt-in: --only web
    benchmarks.append(places.benchmark(args.quick))  # opt-in: --only places
    benchmarks.append(portal.benchmark(args.quick))  # opt-in: --only portal
    benchmarks.append(mapit.benchmark(args.quick))  # --only mapit (MAPIT_ROOT set)
    start_all = time.perf_counter()
    for name, title, suites, run, sections in benchmarks:
        if not set(suites) & set(only):
            continue
        start = time.perf_counter()
        results = run()
        results["wall_s"] = round(time.perf_counter() - start, 1)
        out = folder / f"{name}{suffix}"
        print(render(_title(title, results, args.quick), sections(results)))
        write_json(out, results)
        print(f"\n{results['wall_s']} s; results in {out}\n")
    print(f"{time.perf_counter() - start_all:.1f} s in all")


if __name__ == "__main__":
    main()
