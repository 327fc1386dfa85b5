"""``python -m bench.submit_profile``: one anonymous JSON submission, in process.

Server time of ``POST /api/v1/reports/`` through Django's test client (no socket, no
gunicorn), on the database ``DATABASE_URL`` names, loaded like the demo (fixtures
and ``demo_history``): p50 and p99 over ``--n`` submissions, every SQL statement of
one submission, and with ``--profile K`` cProfile's top lines over K more. Each
submission commits (as in production): run it on a database of its own, never on
the demo's. Celery's broker and the cache should point at an empty Redis database
(``CELERY_BROKER_URL``, ``CACHE_URL``); rate limits are turned off here.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import time
from typing import Any

SQL_WIDTH = int(os.environ.get("SQL_WIDTH", "230"))
PHRASES = ("Rác thải ven đường", "Đèn đường hỏng", "Ổ gà trên mặt đường")


def _bodies(n: int, seed: int) -> list[bytes]:
    from django.db import connection

    from bench.intake_proof import categories, points_sample

    with connection.cursor() as cursor:
        points = points_sample(cursor, n, seed=seed)
        codes = categories(cursor)
    rng = random.Random(seed)
    return [
        json.dumps(
            {
                "lon": round(lon, 7),
                "lat": round(lat, 7),
                "category": rng.choice(codes),
                "description": f"[profile {i}] {rng.choice(PHRASES)}.",
                "anonymous": True,
            },
            ensure_ascii=False,
        ).encode()
        for i, (lon, lat) in enumerate(points)
    ]


def _post(client: Any, body: bytes) -> None:
    answer = client.post("/api/v1/reports/", data=body, content_type="application/json")
    assert answer.status_code == 201, (answer.status_code, answer.content[:400])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.submit_profile")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", type=int, default=100)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20_251_207)
    parser.add_argument("--dump", help="write the cProfile stats to this file")
    parser.add_argument(
        "--per-statement",
        action="store_true",
        help="also time every statement of the timed submissions (mean by kind)",
    )
    args = parser.parse_args()
    for name in (
        "REPORT_RATE_PER_IP_HOUR",
        "REPORT_RATE_PER_PHONE_HOUR",
        "REPORT_RATE_PER_EMAIL_HOUR",
    ):
        os.environ[name] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    bodies = _bodies(args.n + args.profile + 21, args.seed)
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        for body in bodies[:20]:  # warm-up: imports, connection, caches
            _post(client, body)
        with CaptureQueriesContext(connection) as captured:
            _post(client, bodies[20])
        # A copy: the log is a live list that the next request clears.
        statements = list(captured.captured_queries)
        times = []
        spent: dict[str, list[float]] = {}
        cpu_start = time.process_time()
        for body in bodies[21 : 21 + args.n]:
            with CaptureQueriesContext(connection) as each:
                start = time.perf_counter_ns()
                _post(client, body)
                times.append((time.perf_counter_ns() - start) / 1e6)
                if args.per_statement:
                    for query in each.captured_queries:
                        kind = " ".join(query["sql"].split())[:48]
                        spent.setdefault(kind, []).append(float(query["time"]))
        cpu_ms = (time.process_time() - cpu_start) * 1000 / max(len(times), 1)
        profile = cProfile.Profile()
        profile.enable()
        for body in bodies[21 + args.n :]:
            _post(client, body)
        profile.disable()
    if args.dump:
        profile.dump_stats(args.dump)
    cuts = statistics.quantiles(times, n=100)
    print(f"load average {os.getloadavg()}")
    print(
        f"n={len(times)} p50={statistics.median(times):.1f} ms "
        f"p99={cuts[98]:.1f} ms mean={statistics.fmean(times):.1f} ms "
        f"client CPU {cpu_ms:.1f} ms/submission"
    )
    for kind, seconds in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
        mean_ms = statistics.fmean(seconds) * 1000
        print(f"{mean_ms:7.3f} ms x{len(seconds):4d}  {kind}")
    print(f"{len(statements)} SQL statements in one submission:")
    for i, query in enumerate(statements, 1):
        sql = " ".join(query["sql"].split())
        print(f"{i:3d}. ({query['time']} s) {sql[:SQL_WIDTH]}")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
