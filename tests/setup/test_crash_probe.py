"""The crash probe: what a client was told is stored, even when PostgreSQL dies.

A durable cluster of the probe's own (``scripts/pg.sh start``, on a free port, in
a private temporary folder) is migrated and loaded with the boundary and routing
fixtures, gunicorn serves the app on it, and client threads submit reports on
loopback, each with an Idempotency-Key, retrying on 503 and on a lost connection
until they get their tracking code. Twice during the run the cluster is killed
(``pg_ctl stop -m immediate``: no checkpoint, no goodbye to clients) and started
again. Then every acknowledged tracking code (201, or 200 for a retry whose first
attempt was stored) must be in the database, no submission stored twice, and no
answer a 500: during the outage the API says 503 with Retry-After.

With the test cluster's fast settings (synchronous_commit off) the same probe lost
acknowledged reports; the durable start is what makes this pass.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from bench.api import HOST, free_port, gunicorn
from bench.intake_load import PATH, submission_make
from bench.intake_proof import categories, points_sample
from bench.intake_server import BUILD, celery_broker

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
LOAD_S = 24.0
KILLS_AT_S = (6.0, 14.0)
DOWN_S = 2.0
# A submission not acknowledged this long after it was first sent is given up.
GIVE_UP_S = 40.0
# Clients honour Retry-After, capped so that the probe stays short.
RETRY_WAIT_CAP_S = 1.0

pytestmark = pytest.mark.cluster


@dataclass(frozen=True)
class Cluster:
    port: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"postgis://postgres@{HOST}:{self.port}/hientruong"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host=HOST, port=self.port, user="postgres", dbname="hientruong"
        )

    def build(self, log: Path) -> None:
        """Migrated and loaded with the boundary and routing fixtures, as the
        intake benchmark builds its database."""
        with log.open("w") as out:
            subprocess.run(
                [sys.executable, "-c", BUILD],
                cwd=ROOT,
                env={
                    **self.env,
                    "DJANGO_SETTINGS_MODULE": "config.settings.base",
                    "DATABASE_URL": self.url,
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=300,
            )

    def pg(self, *args: str) -> None:
        subprocess.run(
            ["bash", "scripts/pg.sh", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=90,
        )

    def kill(self) -> None:
        """An immediate shutdown: the server processes quit at once, no checkpoint."""
        datadir = os.path.realpath(self.env["HT_PG_DATA"])
        bindir = Path(
            subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
        as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run(
            [
                *as_owner,
                str(bindir / "pg_ctl"),
                "-D",
                datadir,
                "-m",
                "immediate",
                "stop",
            ],
            cwd="/",
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A durable cluster started by scripts/pg.sh in a private temporary folder,
    removed at the end."""
    env = {
        **os.environ,
        "HT_PG_DATA": str(tmp_path / "pg"),
        "HT_PG_PORT": str(free_port()),
    }
    env.pop("DATABASE_URL", None)
    probe = Cluster(port=int(env["HT_PG_PORT"]), env=env)
    probe.pg("start")
    try:
        yield probe
    finally:
        probe.pg("remove")


@dataclass
class Seen:
    """What the clients saw, shared by their threads (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    acknowledged: dict[str, str] = field(default_factory=dict)  # token → code
    retry_after: Counter[str] = field(default_factory=Counter)
    given_up: int = 0
    submissions: int = 0


def _post(port: int, body: bytes, key: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": key,
        }
        conn.request("POST", PATH, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _deliver(port: int, token: str, body: bytes, seen: Seen) -> None:
    """Send until acknowledged: again after a 503 (waiting as Retry-After says, up
    to the cap) or a lost connection; any other answer ends the submission."""
    give_up = time.monotonic() + GIVE_UP_S
    while time.monotonic() < give_up:
        try:
            status, headers, payload = _post(port, body, token)
        except (OSError, http.client.HTTPException) as error:
            with seen.lock:
                seen.statuses[f"error:{type(error).__name__}"] += 1
            time.sleep(0.2)
            continue
        with seen.lock:
            seen.statuses[str(status)] += 1
        if status in (200, 201):
            with seen.lock:
                seen.acknowledged[token] = json.loads(payload)["tracking_code"]
            return
        if status != 503:
            return
        with seen.lock:
            seen.retry_after[headers.get("Retry-After", "none")] += 1
        time.sleep(min(float(headers.get("Retry-After", "1")), RETRY_WAIT_CAP_S))
    with seen.lock:
        seen.given_up += 1


def _client(
    index: int,
    port: int,
    *,
    run_id: str,
    points: list[tuple[float, float]],
    kinds: list[str],
    stop_at: float,
    seen: Seen,
) -> None:
    rng = random.Random(f"{run_id}-{index}")
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        sub = submission_make(
            rng,
            token=f"{run_id}-{index}-{n}",
            points=points,
            categories=kinds,
            keyed=True,
        )
        with seen.lock:
            seen.submissions += 1
        _deliver(port, sub.token, sub.body, seen)


def _stored(cursor: psycopg.Cursor, run_id: str) -> tuple[set[str], Counter[str]]:
    """Tracking codes stored for the run, and how many reports each token made
    (read from the token at the head of each description, not from the key)."""
    cursor.execute(
        "SELECT tracking_code, split_part(substr(description, 2), ']', 1)"
        " FROM routing_report WHERE description LIKE %s",
        [f"[{run_id}-%"],
    )
    rows = cursor.fetchall()
    return {code for code, _ in rows}, Counter(token for _, token in rows)


def test_acknowledged_reports_survive_two_crashes(cluster: Cluster, tmp_path: Path):
    """Clients retrying with keys through two immediate shutdowns of a durable
    cluster: every acknowledged report is stored, once, and no answer is a 500."""
    run_id = "crash" + secrets.token_hex(3)
    with ExitStack() as stack:
        cluster.build(tmp_path / "build.log")
        with cluster.connect() as conn:
            points = points_sample(conn.cursor(), 300, seed=11)
            kinds = categories(conn.cursor())
        broker = stack.enter_context(celery_broker(settings.REDIS_URL))
        served = stack.enter_context(
            gunicorn(
                cwd=ROOT,
                log=tmp_path / "gunicorn.log",
                env={
                    "DJANGO_SETTINGS_MODULE": "config.settings.base",
                    "DATABASE_URL": cluster.url,
                    "CELERY_BROKER_URL": broker,
                    "CACHE_URL": "redis://127.0.0.1:6379/15",
                    "REPORT_RATE_PER_IP_HOUR": "0",
                    "REPORT_RATE_PER_PHONE_HOUR": "0",
                },
                options=["-w", "3"],
            )
        )
        seen = Seen()
        start = time.monotonic()
        threads = [
            threading.Thread(
                target=_client,
                args=(i, served.port),
                kwargs={
                    "run_id": run_id,
                    "points": points,
                    "kinds": kinds,
                    "stop_at": start + LOAD_S,
                    "seen": seen,
                },
            )
            for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        outages = []
        for at in KILLS_AT_S:
            time.sleep(max(0.0, start + at - time.monotonic()))
            cluster.kill()
            time.sleep(DOWN_S)
            cluster.pg("start")
            outages.append(round(time.monotonic() - start - at, 1))
        for thread in threads:
            thread.join(timeout=LOAD_S + GIVE_UP_S + 30)
        elapsed = time.monotonic() - start
        with cluster.connect() as conn:
            stored, per_token = _stored(conn.cursor(), run_id)
    lost = set(seen.acknowledged.values()) - stored
    summary = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "outages_s": outages,
        "submissions": seen.submissions,
        "acknowledged": len(seen.acknowledged),
        "stored": len(stored),
        "lost": len(lost),
        "stored_twice": sum(count > 1 for count in per_token.values()),
        "given_up": seen.given_up,
        "statuses": dict(sorted(seen.statuses.items())),
        "retry_after": dict(seen.retry_after),
    }
    print("crash probe:", json.dumps(summary))
    assert not any(thread.is_alive() for thread in threads)
    assert lost == set(), summary
    assert summary["stored_twice"] == 0, summary
    assert not [s for s in seen.statuses if s.startswith("5") and s != "503"], summary
    # The probe probed: both outages were met with 503s, and work went on after.
    assert seen.statuses["503"] > 0, summary
    assert len(seen.acknowledged) > 50, summary
