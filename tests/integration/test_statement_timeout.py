"""The web process's statement timeout (``config.timeouts``): set only where the WSGI
application is loaded, and a statement it cuts off is a bilingual 503."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    c.execute('SHOW statement_timeout')\n"
    "    print(c.fetchone()[0])\n"
)


def _python(code: str, **env: str) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DB_STATEMENT_TIMEOUT_MS": "15000",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_the_web_process_has_the_timeout_and_commands_do_not():
    """Loading config.wsgi (gunicorn, runserver) sets statement_timeout on each
    connection; a management command (migrate, imports) or a Celery worker, which
    never loads it, keeps PostgreSQL's default of no limit."""
    web = _python("import config.wsgi\n" + SHOW)
    assert web == "15s"
    command = _python("import django\ndjango.setup()\n" + SHOW)
    assert command == "0"


def test_behind_pgbouncer_the_web_process_sets_nothing_per_connection():
    """In pgbouncer's transaction mode a session setting would outlive the client
    on the server connection, so the timeout is left to the database role."""
    pooled = _python("import config.wsgi\n" + SHOW, DATABASE_POOL="pgbouncer")
    assert pooled == "0"


class TableLock:
    """Another session holding an exclusive lock on ``table`` until released."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        params = connection.get_connection_params()
        with psycopg.connect(**params) as other, other.transaction():
            other.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
            self.locked.set()
            self.release.wait(30)

    def __enter__(self) -> TableLock:
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


@pytest.fixture
def short_timeout():
    """This test's connection as the web process has it, with a 300 ms timeout
    (set inside the test's transaction, so it ends with it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', '300', false)")


def test_an_api_statement_cut_off_is_a_bilingual_503(client, short_timeout):
    with TableLock("boundaries_boundaryset"):
        response = client.get("/api/v1/boundaries/sets")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "timeout"
    assert set(body["messages"]) == {"vi", "en"}
    assert int(response["Retry-After"]) > 0


def test_a_page_statement_cut_off_is_a_503_too(client, short_timeout):
    with TableLock("routing_category"):
        response = client.get("/")
    assert response.status_code == 503
    text = response.content.decode()
    assert "Vui lòng thử lại" in text
    assert "try again" in text
