"""A newcomer's first steps, in a checkout the postgres user cannot enter.

The repository (this checkout's HEAD) is cloned into a fresh ``0700`` folder made
by ``mkdtemp``, as root clones into root's home: ``scripts/pg.sh`` must make the
cluster in postgres's home folder and give PostgreSQL's tools the real path. The
clone then migrates with nothing but HT_PG_PORT set, runs ``make test`` on a
small part of the suite against its own cluster, switches that cluster to durable
with ``make db``, and removes it. The clone uses this virtualenv through a link,
and make is told the virtualenv is installed, so nothing is installed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from bench.api import free_port

ROOT = Path(__file__).resolve().parents[2]
# make must never reinstall the linked virtualenv: its stamp counts as up to date.
MAKE = ["make", "-o", ".venv/.installed"]
# What the suite's own run sets (pytest-django, the outer make test) and a newcomer's
# shell would not have.
OUTER = {
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "TEST_DATABASE_NAME",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
}

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        os.getuid() != 0,
        reason="a folder the postgres user cannot enter needs another user: root",
    ),
]


@dataclass(frozen=True)
class Checkout:
    path: Path
    port: int

    def environment(self) -> dict[str, str]:
        """This process's environment as a newcomer's shell has it: no
        DATABASE_URL, no settings module, nothing of pytest's; the cluster's port."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in OUTER and not key.startswith("PYTEST")
        }
        return {**env, "HT_PG_PORT": str(self.port)}

    def run(self, *command: str, timeout: float = 120) -> str:
        result = subprocess.run(
            command,
            cwd=self.path,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        return result.stdout


@pytest.fixture
def clone() -> Iterator[Checkout]:
    folder = Path(tempfile.mkdtemp(prefix="ht-private-"))
    assert folder.stat().st_mode & 0o777 == 0o700
    checkout = Checkout(path=folder / "hientruong", port=free_port())
    subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(checkout.path)], check=True, timeout=60
    )
    (checkout.path / ".venv").symlink_to(sys.prefix)
    try:
        yield checkout
    finally:
        subprocess.run(
            ["bash", "scripts/pg.sh", "remove"],
            cwd=checkout.path,
            env=checkout.environment(),
            capture_output=True,
            timeout=90,
        )
        shutil.rmtree(folder)


def _settings(port: int) -> list[str]:
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="hientruong"
    ) as conn:
        return [
            conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        ]


def test_a_private_checkout_sets_up_tests_and_tears_down(clone: Checkout):
    """pg.sh start, migrate, a query, make test, make db (durable), remove: all in a
    folder only root may enter."""
    python = str(clone.path / ".venv" / "bin" / "python")
    clone.run("bash", "scripts/pg.sh", "start", "--fast")
    link = clone.path / ".data" / "pg"
    postgres = pwd.getpwnam("postgres")
    assert link.is_symlink()
    real = link.resolve()
    assert real.parent == Path(postgres.pw_dir)
    assert real.stat().st_uid == postgres.pw_uid
    assert _settings(clone.port) == ["off", "off", "off"]

    # Only HT_PG_PORT says where the cluster is: the settings derive the URL.
    clone.run(python, "manage.py", "migrate", "--noinput", "-v", "0", timeout=300)
    count = clone.run(
        python,
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor();"
        " c.execute('SELECT count(*) FROM django_migrations'); print(c.fetchone()[0])",
    )
    assert int(count) > 20

    dry_run = clone.run(*MAKE, "-n", "test")
    assert "pip install" not in dry_run
    assert "scripts/pg.sh start --fast" in dry_run
    tests = clone.run(
        *MAKE,
        "test",
        "PYTEST_ARGS=-q -p no:cacheprovider tests/unit/test_layers.py",
        timeout=300,
    )
    assert " passed" in tests

    switched = clone.run(*MAKE, "db")
    assert "switched to durable" in switched
    assert _settings(clone.port) == ["on", "on", "on"]

    clone.run("bash", "scripts/pg.sh", "remove")
    assert not link.is_symlink()
    assert not real.exists()
