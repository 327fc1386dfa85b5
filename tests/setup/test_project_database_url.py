"""With DATABASE_URL unset, every entry point reaches the cluster ``scripts/pg.sh``
started: the port and database come from HT_PG_PORT and HT_PG_DB, as pg.sh's own
``url`` prints them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_DATABASE = (
    "from django.conf import settings; d = settings.DATABASES['default'];"
    " print(d['HOST'], d['PORT'], d['NAME'])"
)
# Each as the process starts it: its own settings module, its own way of loading it.
ENTRY_POINTS = {
    "manage.py": [
        sys.executable,
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        PRINT_DATABASE,
    ],
    "celery": [
        sys.executable,
        "-c",
        f"from config.celery import app; app.loader.import_default_modules();"
        f" {PRINT_DATABASE}",
    ],
    "gunicorn": [sys.executable, "-c", f"import config.wsgi; {PRINT_DATABASE}"],
    "pytest": [
        sys.executable,
        "-c",
        f"import django; django.setup(); {PRINT_DATABASE}",
    ],
}


def environment(**values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HT_PG_PORT"}
    }
    return {**env, **values}


def pg_url(env: dict[str, str]) -> str:
    return subprocess.run(
        ["bash", "scripts/pg.sh", "url"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_follows_ht_pg_port(entry):
    """manage.py, the Celery app, the WSGI application and the test settings all
    connect to 127.0.0.1:HT_PG_PORT/HT_PG_DB, the URL pg.sh gives the Makefile."""
    env = environment(HT_PG_PORT="54397", HT_PG_DB="ht_elsewhere")
    if entry == "pytest":
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    answer = subprocess.run(
        ENTRY_POINTS[entry],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert answer == ["127.0.0.1", "54397", "ht_elsewhere"]
    assert pg_url(env) == "postgis://postgres@127.0.0.1:54397/ht_elsewhere"


def test_without_ht_pg_port_the_default_cluster_is_used():
    """Nothing set: the project cluster's default port 54329, as pg.sh prints."""
    env = environment()
    env.pop("HT_PG_DB", None)
    answer = subprocess.run(
        ENTRY_POINTS["manage.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert answer == ["127.0.0.1", "54329", "hientruong"]
    assert pg_url(env) == "postgis://postgres@127.0.0.1:54329/hientruong"


def test_database_url_still_wins():
    """An explicit DATABASE_URL is used as given, whatever HT_PG_PORT says."""
    env = environment(
        HT_PG_PORT="54397", DATABASE_URL="postgis://u@db.example:6432/prod"
    )
    answer = subprocess.run(
        ENTRY_POINTS["manage.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert answer == ["db.example", "6432", "prod"]
