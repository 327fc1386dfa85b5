"""Point lookups side by side with MapIt 3.0: ``python -m bench --only mapit``.

mySociety's MapIt is the point-in-polygon service FixMyStreet asks which council
covers a pin; our goal for the lookup is a ratio to it, measured in one run on the
same machine, units and points. The anchor scripts (``MAPIT_ANCHOR``, default
``../shared/anchors/mapit`` beside the repository) install MapIt on the same 15 Đồng
Hới units (``setup.sh``, once, into ``MAPIT_ROOT``) and run both services
interleaved (``compare.sh``): per rep, 10,000 sequential lookups with correctness
checked against shapely's ``covers``, then ``wrk`` with 16 connections.

This stage runs only when ``MAPIT_ROOT`` is set (``make bench`` passes it on) and
MapIt is set up there. It starts MapIt (``serve.sh start 600``: 2 sync workers,
persistent database connections, as measured before) and our server as in
production (``-c config/gunicorn.conf.py``: gthread, keep-alive) with the same two
worker processes, on the fixtures database; both are stopped afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.api import HOST, gunicorn
from bench.boundaries import environment
from bench.report import Row, Section, fmt_ratio

SUITES = ("mapit",)
WORKERS = "2"  # MapIt's serve.sh runs two sync workers


def anchor() -> Path:
    default = Path(settings.BASE_DIR).parent / "shared" / "anchors" / "mapit"
    return Path(os.environ.get("MAPIT_ANCHOR") or default)


def available() -> str | None:
    """Why the stage cannot run, or None when it can."""
    root = os.environ.get("MAPIT_ROOT")
    if not root:
        return "MAPIT_ROOT is not set"
    if not (Path(root) / "venv" / "bin" / "python").exists():
        return f"MapIt is not set up in {root} (run the anchor's setup.sh)"
    if not (anchor() / "compare.sh").exists():
        return f"no compare.sh in {anchor()} (set MAPIT_ANCHOR)"
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install wrk)"
    return None


def _anchor_env() -> dict[str, str]:
    """Our environment without our Django settings: MapIt is a Django site too, and
    would start on ``config.settings.base`` (``python -m bench`` sets it)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


@contextmanager
def _mapit() -> Iterator[None]:
    serve = str(anchor() / "serve.sh")
    env = _anchor_env()
    subprocess.run([serve, "start", "600"], check=True, capture_output=True, env=env)
    try:
        yield
    finally:
        subprocess.run([serve, "stop"], check=False, capture_output=True, env=env)


def _parse(output: str) -> list[dict[str, Any]]:
    """compare.sh's lines: 'rep N SERVICE MODE load…' then one JSON result."""
    measures: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for line in output.splitlines():
        if line.startswith("rep "):
            _, rep, service, mode, *_ = line.split()
            current = {"rep": int(rep), "service": service, "mode": mode}
        elif current is not None and line.strip():
            text = line.removeprefix("WRKJSON ").strip()
            if text.startswith("{"):
                measures.append(current | json.loads(text))
                current = None
    return measures


def run(*, quick: bool) -> dict[str, Any]:
    reason = available()
    results: dict[str, Any] = {"environment": environment(), "skipped": reason}
    if reason:
        return results
    reps, duration = ("1", "10s") if quick else ("3", "30s")
    log = Path(settings.BASE_DIR) / ".data" / "bench" / "mapit-gunicorn.log"
    env = {"GUNICORN_WORKERS": WORKERS, "HT_DEMO": "1"}
    with (
        _mapit(),
        gunicorn(
            cwd=Path(settings.BASE_DIR),
            log=log,
            options=["-c", "config/gunicorn.conf.py"],
            env=env,
        ) as server,
    ):
        done = subprocess.run(
            ["bash", str(anchor() / "compare.sh")],
            cwd=anchor(),
            env={
                **_anchor_env(),
                "PRODUCT_URL": f"http://{HOST}:{server.port}",
                "REPS": reps,
                "DUR": duration,
            },
            capture_output=True,
            text=True,
            check=False,
        )
    results["measures"] = _parse(done.stdout)
    results["reps"], results["duration"] = int(reps), duration
    if done.returncode or not results["measures"]:
        results["error"] = (done.stderr or done.stdout)[-2000:]
    return results


def _median(measures: list[dict[str, Any]], service: str, mode: str, key: str) -> float:
    values = [m[key] for m in measures if m["service"] == service and m["mode"] == mode]
    return statistics.median(values) if values else float("nan")


def sections(results: dict[str, Any]) -> list[Section]:
    if results.get("skipped"):
        return [Section("MapIt side by side: skipped", [], [results["skipped"]])]
    measures = results.get("measures") or []
    if not measures:
        return [Section("MapIt side by side: failed", [], [results.get("error", "")])]

    def both(mode: str, key: str) -> tuple[float, float]:
        return (
            _median(measures, "product", mode, key),
            _median(measures, "mapit", mode, key),
        )

    rows = []
    for label, mode, key, higher_better in (
        ("sequential p50 (ms)", "seq", "p50_ms", False),
        ("sequential p99 (ms)", "seq", "p99_ms", False),
        ("sequential req/s", "seq", "req_per_s", True),
        ("16 connections req/s", "c16", "req_per_s", True),
        ("16 connections p50 (ms)", "c16", "p50_ms", False),
        ("16 connections p99 (ms)", "c16", "p99_ms", False),
    ):
        ours, theirs = both(mode, key)
        ratio = ours / theirs if higher_better else theirs / ours
        rows.append(Row(label, f"{ours:,.1f}", f"{theirs:,.1f}", fmt_ratio(ratio)))
    correct = [
        m.get("match_shapely", 0) / max(m.get("n", 1), 1)
        for m in measures
        if m["service"] == "product" and m["mode"] == "seq"
    ]
    notes = [
        "Baseline column: MapIt 3.0 (2 sync workers); ratio: how many times better "
        "we are (higher is better).",
        f"Median of {results['reps']} interleaved reps; wrk {results['duration']}.",
        f"Our answers equal to shapely's covers: {min(correct, default=0):.4%}.",
    ]
    return [Section("Point lookup over HTTP vs MapIt 3.0", rows, notes)]


def benchmark(quick: bool) -> tuple[str, str, tuple[str, ...], Any, Any]:
    return ("mapit", "MapIt side-by-side", SUITES, lambda: run(quick=quick), sections)
