"""The lookup over HTTP: gunicorn as in production, a plain ``http.client`` client.

gunicorn's default *sync* workers answer ``Connection: close``, so the client's
keep-alive connection is re-opened for every request (``http.client`` does it by
itself); the figures include that TCP connect, as any client of a sync worker pays.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import latency
from bench.sample import Probe

HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def gunicorn(
    *,
    cwd: Path,
    log: Path,
    options: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Serve ``config.wsgi`` on a free port until the block ends; yields its port and
    the master's pid. ``options`` replace the default ``-w WORKERS``; ``env`` is added
    to ours (DATABASE_URL and DJANGO_SETTINGS_MODULE as the bench's).

    The server is terminated on the way out whatever happens, and killed if it does not
    stop within 10 s.
    """
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "-b",
        f"{HOST}:{port}",
        *(options if options is not None else ["-w", str(WORKERS)]),
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(server, port, log)
            yield Server(port=port, pid=server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({server.returncode}):\n{log.read_text()}"
            )
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/healthz")
            healthy = conn.getresponse().status == 200
            conn.close()
            if healthy:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn not healthy after {START_TIMEOUT_S} s:\n{log.read_text()}"
    )


def lookup_path(probe: Probe) -> str:
    return (
        f"/api/v1/boundaries/lookup?lon={probe.lon:.7f}&lat={probe.lat:.7f}"
        f"&date={probe.day.isoformat()}"
    )


def fetch(port: int, paths: list[str]) -> tuple[list[int], Counter[int], bool]:
    """GET every path in turn on one connection: latencies (ns), statuses, and whether
    the server kept the connection open."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    times: list[int] = []
    statuses: Counter[int] = Counter()
    kept_alive = True
    try:
        for path in paths:
            start = time.perf_counter_ns()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter_ns() - start)
            statuses[response.status] += 1
            kept_alive = kept_alive and not response.will_close
    finally:
        conn.close()
    return times, statuses, kept_alive


def run_clients(port: int, paths: list[str], clients: int) -> dict[str, Any]:
    """Send ``paths`` split between ``clients`` threads; latency and requests/s."""
    shares = [paths[i::clients] for i in range(clients)]
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda share: fetch(port, share), shares))
    elapsed = time.perf_counter() - start
    times = [t for result in results for t in result[0]]
    statuses: Counter[int] = sum((result[1] for result in results), Counter())
    return {
        "clients": clients,
        "requests": len(paths),
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(paths) / elapsed, 1),
        "latency": latency(times),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "server_kept_alive": all(result[2] for result in results),
    }


def run(probes: list[Probe], *, warmup: int, cwd: Path, log: Path) -> dict[str, Any]:
    """Lookups over HTTP with one client and with two, and the ``/healthz`` floor."""
    paths = [lookup_path(p) for p in probes]
    health = ["/healthz"] * max(len(probes) // 10, 100)
    with gunicorn(cwd=cwd, log=log) as server:
        port = server.port
        fetch(port, paths[:warmup] + health[:warmup])
        return {
            "server": f"gunicorn config.wsgi -w {WORKERS} (sync workers)",
            "one_client": run_clients(port, paths, 1),
            "two_clients": run_clients(port, paths, 2),
            "healthz_one_client": run_clients(port, health, 1),
        }
