"""The intake benchmark's own world: a copy of the demo database, a Celery broker in
an empty Redis database, and gunicorn serving ``config.wsgi`` on them.

Each is a context manager that undoes itself on the way out, also on failure: the
database is dropped, the broker's keys deleted, the server terminated (killed after
10 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import redis
from psycopg import sql

from bench.api import HOST

BENCH_DB = "hientruong_bench_intake"
# Built from the migrations and the fixtures, not copied from the demo: a copy (by
# CREATE DATABASE … TEMPLATE or pg_dump) carries the demo's schema as it was when
# each migration was applied, and a migration edited after it ran (seen here: the
# demo's routing_report lacked 0003's columns) would fail every submission. A copy
# also needs the demo without sessions, and brings its dead rows along.
BUILD = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("boundaries_load_fixtures")
call_command("routing_load_fixtures")
"""
BROKER_DATABASES = range(13, 0, -1)
# A broker that cannot be reached costs every submission ~2 s (kombu's connection
# timeout, measured), so the benchmark uses a real one in a Redis database of its own.


@dataclass(frozen=True)
class BenchDatabase:
    name: str
    url: str
    conninfo: dict[str, Any]
    made_from: str
    seconds: float


def _params(db: dict[str, Any], name: str) -> dict[str, Any]:
    params = {
        "host": db.get("HOST") or HOST,
        "port": int(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "dbname": name,
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return params


def _url(params: dict[str, Any]) -> str:
    auth = quote(params["user"])
    if "password" in params:
        auth += ":" + quote(params["password"])
    return f"postgis://{auth}@{params['host']}:{params['port']}/{params['dbname']}"


def _drop(admin: psycopg.Connection, name: str) -> None:
    admin.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


@contextmanager
def bench_database(
    db: dict[str, Any], *, cwd: Path, log: Path, name: str = BENCH_DB
) -> Iterator[BenchDatabase]:
    """A database ``name`` beside ``db`` (Django's settings dict), migrated and
    loaded with the fixtures, dropped at the end; a leftover of a crashed run is
    dropped first."""
    start = time.perf_counter()
    params = _params(db, name)
    url = _url(params)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        _drop(admin, name)
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("w") as out:
                subprocess.run(
                    [sys.executable, "-c", BUILD],
                    cwd=cwd,
                    env={
                        "DJANGO_SETTINGS_MODULE": "config.settings.base",
                        **os.environ,
                        "DATABASE_URL": url,
                    },
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    check=True,
                )
            yield BenchDatabase(
                name=name,
                url=url,
                conninfo=params,
                made_from="migrate + boundaries and routing fixtures",
                seconds=round(time.perf_counter() - start, 1),
            )
        finally:
            _drop(admin, name)


@contextmanager
def celery_broker(redis_url: str) -> Iterator[str]:
    """The URL of an empty Redis database for Celery's messages; the keys Celery
    made there are deleted at the end. Queued notifications stay in the bench
    database's outbox, which is dropped."""
    base = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    chosen = None
    for index in BROKER_DATABASES:
        client = redis.Redis.from_url(f"{base}/{index}")
        if client.dbsize() == 0:
            chosen = index
            break
        client.close()
    if chosen is None:
        raise RuntimeError("no empty Redis database for the benchmark's broker")
    try:
        yield f"{base}/{chosen}"
    finally:
        keys = [
            *client.scan_iter(match="celery*"),
            *client.scan_iter(match="_kombu.*"),
        ]
        if keys:
            client.delete(*keys)
        client.close()
