"""scripts/backup.sh and scripts/restore.sh on a PostgreSQL cluster of the test's
own (never the project's): rows written before a moment T come back, rows written
after it do not."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

# The scripts are copied into the test's folder: the postgres user runs them (and
# the archive_command names the copy), and it may not enter a private checkout
# (a clone in a 0700 home); a server keeps them in /opt/hientruong, readable.
SCRIPTS = ("backup.sh", "restore.sh")
BINDIR = Path(
    sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[
        -1
    ]
)
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    """A free port, preferring the range kept for helper clusters (54361-54369)."""
    for port in range(54361, 54370):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(port: int, sql: str) -> str:
    command = [BINDIR / "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    done = subprocess.run(
        [*command, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def pg_ctl(datadir: Path, *args: str) -> None:
    subprocess.run(
        [*AS_POSTGRES, BINDIR / "pg_ctl", "-D", datadir, *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def folder() -> Iterator[Path]:
    """A temporary folder the postgres user can use (clusters, backups, WAL)."""
    path = Path(tempfile.mkdtemp(prefix="ht-backup-"))
    path.chmod(0o755)
    for name in SCRIPTS:
        shutil.copy(ROOT / "scripts" / name, path / name)
        (path / name).chmod(0o755)
    if AS_POSTGRES:
        shutil.chown(path, "postgres", "postgres")
    clusters: list[Path] = []
    try:
        yield path
    finally:
        for datadir in path.glob("*/postmaster.pid"):
            clusters.append(datadir.parent)
        for datadir in clusters:
            subprocess.run(
                [
                    *AS_POSTGRES,
                    BINDIR / "pg_ctl",
                    "-D",
                    datadir,
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
            )
        shutil.rmtree(path, ignore_errors=True)


def env(folder: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "BACKUP_DIR": str(folder / "backups"),
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:{port}/postgres",
        "PG_BINDIR": str(BINDIR),
    }


def script(*args: str, environment: dict[str, str], owner: list[str] = ()) -> str:
    done = subprocess.run(
        [*owner, "bash", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_restore_to_a_point_in_time_keeps_what_came_before(folder):
    """Base backup, then rows before T, then rows after T; restored at T into a new
    cluster on another port, only the rows before T are there."""
    started = time.monotonic()
    port = free_port()
    primary = folder / "primary"
    backups = env(folder, port)
    (folder / "backups").mkdir()
    if AS_POSTGRES:
        shutil.chown(folder / "backups", "postgres", "postgres")
    subprocess.run(
        [
            *AS_POSTGRES,
            BINDIR / "initdb",
            "-D",
            primary,
            "-U",
            "postgres",
            "-A",
            "trust",
        ],
        check=True,
        capture_output=True,
    )
    archive = script(str(folder / "backup.sh"), "archive-config", environment=backups)
    assert "archive_command = '" in archive
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(archive)
        conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\n")
        conf.write("unix_socket_directories = ''\nshared_buffers = 32MB\n")
    pg_ctl(primary, "-l", str(primary / "log"), "-w", "start")

    psql(
        port,
        "CREATE TABLE reports (code text PRIMARY KEY, at timestamptz DEFAULT now())",
    )
    psql(port, "INSERT INTO reports (code) VALUES ('in-base-backup')")
    # As production's cron job runs it: as the postgres user, who owns the archive.
    base = (
        script(
            str(folder / "backup.sh"), "base", environment=backups, owner=AS_POSTGRES
        )
        .strip()
        .splitlines()[-1]
    )
    assert (Path(base) / "base.tar.gz").is_file()

    # Written after the base backup: they come back only through the archived WAL.
    psql(port, "INSERT INTO reports (code) VALUES ('before-1'), ('before-2')")
    time.sleep(1.1)
    target = psql(port, "SELECT clock_timestamp()")
    time.sleep(1.1)
    psql(port, "INSERT INTO reports (code) VALUES ('after-1')")
    segment = psql(port, "SELECT pg_walfile_name(pg_switch_wal())")
    deadline = time.monotonic() + 30
    while psql(port, "SELECT last_archived_wal FROM pg_stat_archiver") < segment:
        assert time.monotonic() < deadline, (primary / "log").read_text()[-3000:]
        time.sleep(0.2)
    # The primary is lost.
    pg_ctl(primary, "-m", "immediate", "stop")

    restored_port = free_port()
    restored = folder / "restored"
    out = script(
        str(folder / "restore.sh"),
        str(restored),
        target,
        "--port",
        str(restored_port),
        environment=backups,
    )
    assert "restored to" in out
    codes = psql(
        restored_port, "SELECT string_agg(code, ',' ORDER BY code) FROM reports"
    )
    assert codes == "before-1,before-2,in-base-backup"
    # Promoted: the restored cluster takes writes.
    psql(restored_port, "INSERT INTO reports (code) VALUES ('after-restore')")
    assert time.monotonic() - started < 120


def test_restore_refuses_a_directory_in_use(folder):
    (folder / "busy").mkdir()
    (folder / "busy" / "PG_VERSION").write_text("15\n")
    done = subprocess.run(
        ["bash", str(folder / "restore.sh"), str(folder / "busy"), "latest"],
        env=env(folder, 1),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "not empty" in done.stderr
