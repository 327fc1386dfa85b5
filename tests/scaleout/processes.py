"""Real processes for the scale-out tests: PostgreSQL clusters (a primary and a
streaming replica), pgbouncer, moto's S3 server and gunicorn, each on a free
loopback port with its files in a folder of its own, stopped by whoever started it.

PostgreSQL refuses to run as root: as root, the clusters belong to the postgres
user and their folder is made by ``tempfile.mkdtemp`` (pytest's own tmp folders are
private to root, which the postgres user cannot enter).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.api import HOST, free_port
from bench.intake_server import BUILD

ROOT = Path(__file__).resolve().parents[2]
PG_BINDIR = Path(
    os.environ.get("PG_BINDIR")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/nonexistent"))
)
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
MOTO_SERVER = Path(sys.executable).with_name("moto_server")
AS_ROOT = os.geteuid() == 0
START_TIMEOUT_S = 30
# Fast and throw-away: these clusters hold nothing worth a crash.
CLUSTER_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_wal_senders = 4
wal_level = replica
hot_standby = on
wal_keep_size = 256MB
"""


def need(path: str | Path, what: str) -> None:
    """Skip when a program is not installed (``scripts/system-deps.sh`` installs
    them; a machine without them cannot run these tests)."""
    if not Path(path).exists():
        pytest.skip(f"{what} is not installed ({path}); run scripts/system-deps.sh")


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if AS_ROOT else command


def private_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if AS_ROOT:
        shutil.chown(folder, "postgres", "postgres")
    return folder


def wait_until(check, *, what: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} after {timeout} s"
        time.sleep(0.05)


@dataclass
class Cluster:
    """A PostgreSQL cluster in ``datadir`` listening on 127.0.0.1:``port``."""

    datadir: Path
    port: int

    @property
    def log(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.log"

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host={HOST} port={self.port} user=postgres dbname={dbname}"

    def url(self, dbname: str, port: int | None = None) -> str:
        return f"postgis://postgres@{HOST}:{port or self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.conninfo(dbname), autocommit=True)

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_owner([str(PG_BINDIR / "pg_ctl"), "-D", str(self.datadir), *args]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S), "start")

    def stop(self) -> None:
        """An immediate stop: nothing here needs a clean shutdown."""
        if (self.datadir / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "-w", "stop")

    def query(self, sql: str, dbname: str = "hientruong") -> object:
        with self.connect(dbname) as conn:
            row = conn.execute(sql).fetchone()
        return row[0] if row else None

    @classmethod
    def primary(cls, folder: Path) -> Cluster:
        """initdb, configure and start a primary that allows replication."""
        cluster = cls(folder / "primary", free_port())
        subprocess.run(
            _as_owner(
                [
                    str(PG_BINDIR / "initdb"),
                    "--no-sync",
                    *("-D", str(cluster.datadir), "-U", "postgres", "-A", "trust"),
                    *("-E", "UTF8", "--locale=C.UTF-8"),
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with (cluster.datadir / "postgresql.conf").open("a") as conf:
            conf.write(CLUSTER_CONF.format(port=cluster.port))
        cluster.start()
        return cluster

    def replica(self, folder: Path) -> Cluster:
        """``pg_basebackup -R`` of this cluster (it writes standby.signal and the
        primary's address), started on a port of its own."""
        replica = Cluster(folder / "replica", free_port())
        subprocess.run(
            _as_owner(
                [
                    str(PG_BINDIR / "pg_basebackup"),
                    *("-h", HOST, "-p", str(self.port), "-U", "postgres"),
                    *("-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast"),
                    "--no-sync",
                ]
            ),
            check=True,
        )
        with (replica.datadir / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        return replica

    def replayed(self, primary: Cluster) -> bool:
        """True once this replica has replayed everything the primary wrote."""
        target = primary.query("SELECT pg_current_wal_lsn()::text", "postgres")
        return bool(
            self.query(
                f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", "postgres"
            )
        )


def django_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a Django process of ours on database ``url``: base
    settings as in production, rate limits off, caches in the tests' Redis database,
    and a Celery broker nobody listens on, so notifications stay in the outbox
    (publishing fails at once, as ``CELERY_BROKER_TRANSPORT_OPTIONS`` says)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": url,
        "SECRET_KEY": "scale-out-tests-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "CACHE_URL": "redis://127.0.0.1:6379/15",
        "CELERY_BROKER_URL": f"redis://{HOST}:{free_port()}/0",
        "REPORT_RATE_PER_IP_HOUR": "0",
        "REPORT_RATE_PER_PHONE_HOUR": "0",
        "MAP_TILES_URL": "",
        **extra,
    }
    for name in ("DATABASE_POOL", "DATABASE_REPLICA_URL", "MEDIA_S3_BUCKET"):
        if name not in extra:
            env.pop(name, None)
    return env


def django_run(env: dict[str, str], script: str) -> str:
    """Run ``script`` in a Django process with ``env``; its output."""
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def database_build(cluster: Cluster, dbname: str = "hientruong") -> None:
    """The database migrated and loaded with the fixtures, as the intake benchmark
    builds its own (``bench.intake_server.BUILD``)."""
    with cluster.connect() as conn:
        conn.execute(f"CREATE DATABASE {dbname}")
    subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=ROOT,
        env=django_env(cluster.url(dbname)),
        check=True,
        capture_output=True,
        timeout=600,
    )


STAFF = """
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

for name, role in {users!r}:
    call_command("staff_create", name, "--role", role, stdout=StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    print("session", name, client.cookies["sessionid"].value)
"""


def staff_sessions(env: dict[str, str], users: list[tuple[str, str]]) -> dict[str, str]:
    """Staff accounts with these (username, role) pairs and a signed-in session
    each: username → session id."""
    out = django_run(env, STAFF.format(users=users))
    found = [line.split() for line in out.splitlines() if line.startswith("session ")]
    return {name: session for _, name, session in found}


PGBOUNCER_INI = """
[databases]
hientruong = host={host} port={upstream} dbname=hientruong pool_size=2
; one server connection only: what one client leaves in a session, the next sees
hientruong_one = host={host} port={upstream} dbname=hientruong pool_size=1

[pgbouncer]
listen_addr = {host}
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 200
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
; pgbouncer will not run as root: it drops to this user after start
user = postgres
"""


@contextlib.contextmanager
def pgbouncer(
    upstream: Cluster, users: tuple[str, ...] = ("postgres",)
) -> Iterator[int]:
    """Debian's pgbouncer in transaction mode in front of ``upstream``; yields its
    port and is terminated at the end."""
    need(PGBOUNCER, "pgbouncer")
    folder = private_folder("ht-pgbouncer-")
    port = free_port()
    (folder / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in users))
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        PGBOUNCER_INI.format(
            host=HOST, upstream=upstream.port, port=port, folder=folder
        )
    )
    if AS_ROOT:
        for path in folder.iterdir():
            shutil.chown(path, "postgres", "postgres")
    else:
        ini.write_text(ini.read_text().replace("user = postgres\n", ""))
    process = subprocess.Popen(
        [PGBOUNCER, str(ini)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:

        def up() -> bool:
            assert process.poll() is None, (folder / "pgbouncer.log").read_text()
            try:
                psycopg.connect(
                    f"host={HOST} port={port} user=postgres dbname=pgbouncer",
                    autocommit=True,
                    connect_timeout=1,
                ).close()
            except psycopg.OperationalError:
                return False
            return True

        wait_until(up, what="pgbouncer did not start")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def pgbouncer_stats(port: int) -> dict[str, dict[str, Any]]:
    """``SHOW STATS`` of pgbouncer's admin console, by database."""
    with psycopg.connect(
        f"host={HOST} port={port} user=postgres dbname=pgbouncer", autocommit=True
    ) as admin:
        cursor = admin.execute("SHOW STATS")
        names = [column.name for column in cursor.description or []]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}
