"""``python -m bench [--quick] [--only service,http,bulk] [--out FILE]``."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="ten times fewer points (a smoke run)"
    )
    parser.add_argument(
        "--only",
        default="service,http,bulk",
        help="comma list of suites to run (default: all)",
    )
    parser.add_argument("--out", type=Path, help="JSON file to write")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings

    from bench import boundaries
    from bench.report import render, write_json

    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(boundaries.SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    out = args.out or Path(settings.BASE_DIR) / ".data" / "bench" / (
        "boundaries-quick.json" if args.quick else "boundaries.json"
    )

    start = time.perf_counter()
    results = boundaries.run(quick=args.quick, only=only)
    results["wall_s"] = round(time.perf_counter() - start, 1)
    env = results["environment"]
    title = [
        f"Hiện Trường boundary benchmark — {env['when']}"
        + (" (quick)" if args.quick else ""),
        f"PostgreSQL {env['postgresql']}, PostGIS {env['postgis']}, {env['cpus']} CPUs,"
        f" max_parallel_workers_per_gather={env['max_parallel_workers_per_gather']},"
        f" work_mem={env['work_mem']}, jit={env['jit']}, DEBUG={env['debug']}",
    ]
    print(render(title, boundaries.sections(results)))
    write_json(out, results)
    print(f"\n{results['wall_s']} s in all; results in {out}")


if __name__ == "__main__":
    main()
