"""CPU time spent by the benchmark's server, its database sessions and its client,
read from ``/proc`` around each load window.

On a machine shared with other work, submissions per second say as much about the
neighbours as about the code; CPU seconds per submission do not, and two cores
divided by them give the rate the server could reach on a machine of its own.
A process that ends inside a window takes its time with it (gunicorn's sync workers
and their database sessions live for the whole run, so none does here).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process; 0 when it is gone or unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * TICK_S  # utime, stime


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def machine_s() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine since boot, all cores."""
    values = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - values[3] - values[4]) * TICK_S, total * TICK_S


@dataclass(frozen=True)
class CpuSample:
    gunicorn: dict[int, float]
    postgres: dict[int, float]
    client_s: float
    busy_s: float
    total_s: float


class CpuMeter:
    """Samples the gunicorn master and workers, and the PostgreSQL sessions on the
    benchmark's database other than the meter's own."""

    def __init__(self, *, server_pid: int, cursor: Any, database: str) -> None:
        self.server_pid = server_pid
        self.cursor = cursor
        self.database = database

    def sample(self) -> CpuSample:
        self.cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.database],
        )
        backends = [pid for (pid,) in self.cursor.fetchall()]
        server = [self.server_pid, *children(self.server_pid)]
        busy, total = machine_s()
        return CpuSample(
            gunicorn={pid: process_cpu_s(pid) for pid in server},
            postgres={pid: process_cpu_s(pid) for pid in backends},
            client_s=time.process_time(),
            busy_s=busy,
            total_s=total,
        )


def cpu_json(before: CpuSample, after: CpuSample, submissions: int) -> dict[str, Any]:
    """What the window cost: seconds per side, per submission, and shares of the
    machine's CPU (1.0 = every core busy)."""

    def spent(a: dict[int, float], b: dict[int, float]) -> float:
        return sum(value - a.get(pid, 0.0) for pid, value in b.items())

    gunicorn = spent(before.gunicorn, after.gunicorn)
    postgres = spent(before.postgres, after.postgres)
    client = after.client_s - before.client_s
    total = max(after.total_s - before.total_s, 1e-9)
    server = gunicorn + postgres
    return {
        "gunicorn_s": round(gunicorn, 2),
        "postgres_s": round(postgres, 2),
        "client_s": round(client, 2),
        "server_ms_per_submission": round(1000 * server / max(submissions, 1), 1),
        "machine_busy_share": round((after.busy_s - before.busy_s) / total, 3),
        "benchmark_share": round((server + client) / total, 3),
    }


def cpu_add(parts: list[dict[str, Any]], submissions: int) -> dict[str, Any]:
    """Windows' CPU figures added up (shares averaged, weighted alike)."""
    gunicorn = sum(p["gunicorn_s"] for p in parts)
    postgres = sum(p["postgres_s"] for p in parts)
    n = max(len(parts), 1)
    return {
        "gunicorn_s": round(gunicorn, 2),
        "postgres_s": round(postgres, 2),
        "client_s": round(sum(p["client_s"] for p in parts), 2),
        "server_ms_per_submission": round(
            1000 * (gunicorn + postgres) / max(submissions, 1), 1
        ),
        "machine_busy_share": round(sum(p["machine_busy_share"] for p in parts) / n, 3),
        "benchmark_share": round(sum(p["benchmark_share"] for p in parts) / n, 3),
    }
