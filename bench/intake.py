"""The intake suite: sustained report submissions over HTTP, and the proof that
retried submissions lose and duplicate nothing.

It never touches the demo: it builds a database of its own from the migrations and
the fixtures (``bench.intake_server`` says why not a copy of the demo), serves it
with gunicorn (rate limits off; Celery on an empty Redis database, so notifications
are queued as in production and never delivered), loads it from client threads on
loopback (``bench.intake_load``), counts the result in the database
(``bench.intake_proof``) and drops the database at the end.

1. *Sustained*: at 4 and at 8 clients, windows with an Idempotency-Key on every
   submission alternate with windows without one (the baseline: what the key costs),
   so the machine's drift is shared alike.
2. *Retries*: 30 % of submissions are sent twice (a replay, a race, a delayed copy,
   a dropped connection); then the database is counted against every answer.
   Baseline: the same clients without a key, which is what a naive client or API
   does, and which stores a second report for nearly every retry.
"""

from __future__ import annotations

import os
import secrets
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

from bench.api import Server, gunicorn
from bench.boundaries import environment, progress
from bench.intake_cpu import CpuMeter, cpu_add, cpu_json
from bench.intake_load import Load, Tally, load_run, tally_json
from bench.intake_proof import categories, points_sample, proof_count, wards
from bench.intake_server import BenchDatabase, bench_database, celery_broker
from bench.intake_table import sections
from bench.report import latency

SUITES = ("intake",)
SEED = 20_250_701
RETRY_SHARE = 0.3
# Three sync worker processes: a submission is CPU-bound (~60 ms of Python and SQL
# on an idle core), so threads of one process would queue on the GIL while
# processes do not, and one worker more than the cores keeps the CPU busy while
# another waits on PostgreSQL. Against gthread (2 workers × 4 threads) and 4 sync
# workers, served side by side in alternating windows, the rates were within the
# noise of a machine shared with other work; gthread's keep-alive saves only a
# loopback TCP handshake per request. ``--preload`` imports Django once, not per
# worker, which only shortens the start.
SERVERS: dict[str, list[str]] = {
    "sync": ["-w", "3", "--preload"],
    "gthread": ["-k", "gthread", "-w", "2", "--threads", "4", "--preload"],
}
SERVER = "sync"


def sizes(*, quick: bool) -> dict[str, Any]:
    """Seconds of load: full ~2.5 minutes, quick ~12 s; building the database and
    starting gunicorn come on top (10–60 s on a loaded machine)."""
    if quick:
        return {
            "points": 500,
            "warmup_s": 1.0,
            "clients": [4, 8],
            "rounds": 1,
            "window_s": 1.5,
            "replay_s": 1.0,
            "retry_clients": 8,
            "retry_s": 3.0,
            "naive_retry_s": 1.5,
        }
    return {
        "points": 2_000,
        "warmup_s": 5.0,
        "clients": [4, 8],
        "rounds": 2,
        "window_s": 12.0,
        "replay_s": 8.0,
        "retry_clients": 8,
        "retry_s": 30.0,
        "naive_retry_s": 10.0,
    }


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class _Phase:
    """Runs loads against one server and keeps what each showed."""

    def __init__(
        self,
        port: int,
        *,
        meter: CpuMeter,
        run_id: str,
        points: list[tuple[float, float]],
        categories: list[str],
    ) -> None:
        self.port = port
        self.meter = meter
        self.run_id = run_id
        self.points = points
        self.categories = categories

    def run(self, load: Load) -> tuple[Tally, dict[str, Any]]:
        cpu = self.meter.sample()
        before = _loadavg()
        tally, seconds = load_run(
            self.port,
            load,
            run_id=self.run_id,
            points=self.points,
            categories=self.categories,
            seed=SEED,
        )
        summary = tally_json(tally, seconds)
        summary["cpu"] = cpu_json(cpu, self.meter.sample(), tally.submissions)
        summary["load_average"] = {"before": before, "after": _loadavg()}
        return tally, summary


def _sustained(phase: _Phase, n: dict[str, Any]) -> list[dict[str, Any]]:
    levels = []
    for clients in n["clients"]:
        modes: dict[str, tuple[Tally, float, list[dict[str, Any]]]] = {
            mode: (Tally(), 0.0, []) for mode in ("keyed", "no_key")
        }
        for round_ in range(n["rounds"]):
            # keyed, unkeyed, unkeyed, keyed …: neither always runs first.
            order = ("keyed", "no_key") if round_ % 2 == 0 else ("no_key", "keyed")
            for mode in order:
                progress(
                    f"  {clients} clients, {mode}, round {round_ + 1}: "
                    f"{n['window_s']} s …"
                )
                load = Load(
                    f"{mode}{clients}r{round_}",
                    clients=clients,
                    seconds=n["window_s"],
                    keyed=mode == "keyed",
                )
                tally, summary = phase.run(load)
                total, seconds, windows = modes[mode]
                total.merge(tally)
                windows.append(summary)
                modes[mode] = (total, seconds + summary["seconds"], windows)
        level: dict[str, Any] = {"clients": clients}
        for mode, (total, seconds, windows) in modes.items():
            level[mode] = {
                **tally_json(total, seconds),
                "latency": latency(total.times.get(201, [])),
                "cpu": cpu_add([w["cpu"] for w in windows], total.submissions),
                "windows": windows,
            }
        levels.append(level)
    return levels


def _retries(
    phase: _Phase, cursor: Any, n: dict[str, Any], *, keyed: bool
) -> dict[str, Any]:
    name = "retry" if keyed else "naive"
    load = Load(
        name,
        clients=n["retry_clients"],
        seconds=n["retry_s"] if keyed else n["naive_retry_s"],
        keyed=keyed,
        retry_share=RETRY_SHARE,
    )
    tally, summary = phase.run(load)
    summary["retry_share"] = load.retry_share
    summary["proof"] = proof_count(
        cursor, sent=tally.codes, prefix=f"{phase.run_id}-{name}-", keyed=keyed
    )
    return summary


def _replays(phase: _Phase, n: dict[str, Any]) -> dict[str, Any]:
    """One client, each submission sent again once answered: the service time of a
    replay against a creation, with no queue in front of either."""
    load = Load(
        "replay",
        clients=1,
        seconds=n["replay_s"],
        keyed=True,
        retry_share=1.0,
        kinds=("after",),
    )
    tally, summary = phase.run(load)
    summary["latency_created"] = latency(tally.times.get(201, []))
    summary["latency_replayed"] = latency(tally.times.get(200, []))
    return summary


def run(
    *, quick: bool = False, n: dict[str, Any] | None = None, server: str = SERVER
) -> dict[str, Any]:
    """Run the suite and return every figure, ready for JSON."""
    n = n or sizes(quick=quick)
    results: dict[str, Any] = {
        "quick": quick,
        "sizes": n,
        "environment": environment(),
        "load_average_start": _loadavg(),
    }
    connection.close()  # the demo's; the suite talks to its own database only
    start = time.perf_counter()
    run_id = "b" + secrets.token_hex(4)
    with ExitStack() as stack:
        setup = _setup(stack, n=n, server=server)
        results["setup"] = {
            "seconds": round(time.perf_counter() - start, 1),
            "database": setup.db.name,
            "made_from": setup.db.made_from,
            "database_s": setup.db.seconds,
            "reports_before": setup.reports_before,
            "wards": [f"{code} {name}" for code, name in wards(setup.cursor)],
            "points": len(setup.points),
            "categories": len(setup.categories),
            "server": f"gunicorn config.wsgi {' '.join(SERVERS[server])}",
            "broker": setup.broker,
            "run_id": run_id,
        }
        results |= _phases_run(setup, n, run_id=run_id)
    results["load_average_end"] = _loadavg()
    return results


@dataclass(frozen=True)
class _Setup:
    """What the suite loads and counts: its database and a cursor on it, the
    points and categories the clients send, the broker and the server."""

    db: BenchDatabase
    cursor: Any  # the proof functions take psycopg's cursor and Django's alike
    points: list[tuple[float, float]]
    categories: list[str]
    reports_before: int
    broker: str
    served: Server


def _setup(stack: ExitStack, *, n: dict[str, Any], server: str) -> _Setup:
    """The suite's own database, sampled, and gunicorn serving it (both closed
    with ``stack``)."""
    base = Path(settings.BASE_DIR)
    logs = base / ".data" / "bench"
    progress("intake: bench database …")
    db = stack.enter_context(
        bench_database(
            dict(settings.DATABASES["default"]),
            cwd=base,
            log=logs / "intake-fixtures.log",
        )
    )
    cursor: Any = stack.enter_context(
        psycopg.connect(**db.conninfo, autocommit=True)
    ).cursor()
    points = points_sample(cursor, n["points"], seed=SEED % 1000 + 1)
    phase_categories = categories(cursor)
    cursor.execute("SELECT count(*) FROM routing_report")
    (reports_before,) = cursor.fetchone()
    broker = stack.enter_context(celery_broker(settings.REDIS_URL))
    served = stack.enter_context(
        gunicorn(
            cwd=base,
            log=logs / "gunicorn-intake.log",
            env={
                "DATABASE_URL": db.url,
                "REPORT_RATE_PER_IP_HOUR": "0",
                "REPORT_RATE_PER_PHONE_HOUR": "0",
                "CELERY_BROKER_URL": broker,
            },
            options=SERVERS[server],
        )
    )
    return _Setup(
        db=db,
        cursor=cursor,
        points=points,
        categories=phase_categories,
        reports_before=reports_before,
        broker=broker,
        served=served,
    )


def _phases_run(setup: _Setup, n: dict[str, Any], *, run_id: str) -> dict[str, Any]:
    """Warm-up, sustained submissions, replays and retries (with and without
    keys), then the database counted."""
    cursor = setup.cursor
    meter = CpuMeter(server_pid=setup.served.pid, cursor=cursor, database=setup.db.name)
    phase = _Phase(
        setup.served.port,
        meter=meter,
        run_id=run_id,
        points=setup.points,
        categories=setup.categories,
    )
    progress(f"intake: warm-up {n['warmup_s']} s …")
    phase.run(
        Load("warmup", clients=max(n["clients"]), seconds=n["warmup_s"], keyed=True)
    )
    results: dict[str, Any] = {}
    progress("intake: sustained submissions …")
    results["sustained"] = _sustained(phase, n)
    progress(f"intake: replays, 1 client, {n['replay_s']} s …")
    results["replay"] = _replays(phase, n)
    progress(f"intake: retries, {n['retry_s']} s with keys …")
    results["retry"] = _retries(phase, cursor, n, keyed=True)
    progress(f"intake: retries, {n['naive_retry_s']} s without keys …")
    results["naive_retry"] = _retries(phase, cursor, n, keyed=False)
    cursor.execute(
        "SELECT (SELECT count(*) FROM routing_report),"
        " (SELECT count(*) FROM routing_notification WHERE status = 'pending')"
    )
    reports_after, pending = cursor.fetchone()
    results["database_after"] = {
        "reports": reports_after,
        "notifications_pending": pending,
    }
    return results


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("intake", "intake", SUITES, lambda: run(quick=quick), sections)
