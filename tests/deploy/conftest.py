"""A production-profile server for the deployment tests: collectstatic into a
temporary STATIC_ROOT, then gunicorn started with config/gunicorn.conf.py and
config.settings.production on the test database, as the systemd unit starts it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from bench.api import Server, gunicorn

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2


def database_url() -> str:
    """The test database (pytest-django's), as a URL for another process."""
    s = connection.settings_dict
    user = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgis://{user}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def production_env(**extra: str) -> dict[str, str]:
    """The environment deploy/hientruong.env gives a server, for the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1",
        "MAP_TILES_URL": "",
        **extra,
    }
    for inherited in ("LOG_FORMAT", "PROMETHEUS_MULTIPROC_DIR", "HT_DEMO"):
        if inherited not in extra:
            env.pop(inherited, None)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, django_db_setup) -> Path:
    """collectstatic under the production settings (hashed names, gzip copies)."""
    root = tmp_path_factory.mktemp("static")
    done = manage(
        "collectstatic", "--noinput", env=production_env(STATIC_ROOT=str(root))
    )
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="session")
def server(static_root, tmp_path_factory) -> Iterator[tuple[Server, Path]]:
    """gunicorn on the production profile; yields the server and its log file."""
    logs = tmp_path_factory.mktemp("gunicorn")
    log = logs / "gunicorn.log"
    env = production_env(STATIC_ROOT=str(static_root), MEDIA_ROOT=str(logs / "media"))
    options = ["-c", "config/gunicorn.conf.py", "-w", str(WORKERS)]
    with gunicorn(cwd=ROOT, log=log, options=options, env=env) as running:
        yield running, log
