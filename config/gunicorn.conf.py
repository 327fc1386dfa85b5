"""gunicorn's settings for every server of the project: `make demo`, `make serve`
and the systemd unit (deploy/hientruong-web.service) all start
``gunicorn -c config/gunicorn.conf.py config.wsgi``; command-line options win over
these (the demo passes ``-b``).

Threaded workers (gthread) with keep-alive: a sync worker answers
``Connection: close``, so every request paid a TCP handshake (and behind nginx, a
new upstream connection); gthread keeps idle connections in its poller without
holding a thread. A submission is CPU-bound (25–60 ms of Python and SQL, bench/intake),
so the parallelism comes from processes (one more than the cores, so the CPU stays
busy while one waits on PostgreSQL) and the threads cover waiting on the database,
Redis and slow clients.

Environment (all optional):
  GUNICORN_BIND      127.0.0.1:8000 (nginx in front; a private address for
                     several web nodes)
  GUNICORN_WORKERS   cores + 1 (the cores this process may run on)
  GUNICORN_THREADS   4 per worker
  GUNICORN_TIMEOUT   60 s: a worker silent this long is restarted (exports of a
                     large selection are the slowest pages, ~10 s at 1M reports)
  GUNICORN_KEEPALIVE 20 s idle on a kept-alive connection (above nginx's upstream
                     keepalive_timeout, so nginx closes first and never sends on a
                     socket gunicorn is closing)
  LOG_FORMAT         json (one object per line, with the request id) under
                     config.settings.production, else plain
  PROMETHEUS_MULTIPROC_DIR  where the workers' metric files live (see below)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours taskset and cgroup cpusets
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", _cores() + 1)
threads = _int("GUNICORN_THREADS", 4)
keepalive = _int("GUNICORN_KEEPALIVE", 20)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# A worker is replaced after this many requests (±jitter, so not all at once): a
# slow leak in a library cannot grow for weeks. Not fewer: a new worker imports the
# whole application (about 2 s of CPU, 5 s on a busy 2-core machine), and at 5,000
# requests a worker serving lookups at full speed was replaced every 12 s, spending
# a seventh of the CPU on boots and holding a request for the boot's length
# (bench/mapit.py: p99 and max).
max_requests = 100_000
max_requests_jitter = 10_000
# Headers larger than this are refused (cookies and a long bbox query fit).
limit_request_field_size = 16384
# gunicorn 24+ opens a control socket in the home directory by default; systemd's
# ProtectHome makes that read-only, and nothing here uses it.
control_socket_disable = True

production = os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production")
os.environ.setdefault("LOG_FORMAT", "json" if production else "plain")
accesslog = "-"
errorlog = "-"
logger_class = "config.gunicorn_logging.JsonAccessLogger"

# Prometheus: each worker is a process with its own counters, and a scrape reaches
# one worker at a time, so the workers write their metrics to files in one
# directory that /metrics adds up (prometheus_client's multiprocess mode; see
# api/metrics.py). The variable must be set before any worker imports
# prometheus_client, which is why it is set here, in the master.
metrics_dir = Path(
    os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    or Path(tempfile.gettempdir()) / f"hientruong-metrics-{os.getpid()}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def on_starting(server: Any) -> None:
    """A fresh metrics directory: files left by a previous master's workers would
    count their requests again."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, mode=0o700)


def child_exit(server: Any, worker: Any) -> None:
    """A worker's live gauges leave with it (its counters stay summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    shutil.rmtree(metrics_dir, ignore_errors=True)
