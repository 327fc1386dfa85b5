"""A stage's database: created, migrated and loaded with the fixtures, filled with
generated reports in one bulk load, kept between runs on request, and switched to.

Not a copy of the demo: a fresh migrate, which is what CI and a new machine have.
The Django connection is pointed at one database at a time (``database_use``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from analytics.rebuild import TABLES as AGGREGATE_TABLES
from demo.synthetic import reports_generate

BENCH_DB = "hientruong_bench_analytics"


def admin_execute(sql: str) -> None:
    """One statement on the current database, in autocommit (CREATE DATABASE and
    VACUUM cannot run in a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _manage(*args: str, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def database_create(name: str) -> dict[str, Any]:
    """A stage's database, migrated and loaded with the fixtures (~10 s).

    Not a copy of the demo (``TEMPLATE``): that needs nobody connected to it, and
    it copies whatever state the demo's schema is in; a fresh migrate is what CI
    and a new machine would have."""
    start = time.perf_counter()
    admin_execute(f"DROP DATABASE IF EXISTS {name}")
    admin_execute(f"CREATE DATABASE {name}")
    s = connection.settings_dict
    url = f"postgis://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
    _manage("migrate", "-v0", url=url)
    _manage("boundaries_load_fixtures", url=url)
    _manage("routing_load_fixtures", url=url)
    return {"how": "migrate", "seconds": round(time.perf_counter() - start, 1)}


def database_name(count: int) -> str:
    """The database of the stage with ``count`` reports."""
    return f"{BENCH_DB}_{count}"


def database_kept(name: str, count: int) -> dict[str, Any] | None:
    """The generation record of a kept stage database holding ``count`` reports."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            return None
    back = connection.settings_dict["NAME"]
    database_use(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_generated') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT record FROM bench_generated")
            row = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM routing_report")
            have = cursor.fetchone()[0]
    finally:
        database_use(back)
    if row is None or have != count:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def database_fill(count: int, years: float) -> dict[str, Any]:
    """Fill the current (empty) database with ``count`` reports in one bulk load,
    then VACUUM ANALYZE; the record is kept in the database (``bench_generated``)."""
    start = time.perf_counter()
    done = reports_generate(
        count=count, seed=1, years=years, unchecked=True, reindex=True
    )
    loaded = time.perf_counter() - start
    for table in ("routing_report", "routing_assignment", *AGGREGATE_TABLES):
        admin_execute(f"VACUUM ANALYZE {table}")
    seconds = time.perf_counter() - start
    record = {
        "count": done.reports,
        "seconds": round(seconds, 1),
        "load_seconds": round(loaded, 1),
        "vacuum_seconds": round(seconds - loaded, 1),
        "reports_per_s": round(done.reports / loaded),
        "steps": done.seconds,
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_generated (record jsonb)")
        cursor.execute(
            "INSERT INTO bench_generated VALUES (%s::jsonb)", [json.dumps(record)]
        )
    return record


def database_use(name: str) -> None:
    """Point the Django connection at the database ``name`` (reconnects)."""
    connection.close()
    connection.settings_dict["NAME"] = name
