"""The hottest statements planned once per connection: point lookups.

A point lookup runs one statement whose execution takes about 0.1 ms, but PostgreSQL
plans it afresh on every call (a recursive CTE, the covering pieces, the
candidates: about 0.25 ms of planning) and Django's client-side binding sends its
2 KB text each time. Run as a prepared statement (psycopg's server-side binding,
``prepare=True``) the plan is made once per connection and reused.

Not behind pgbouncer in transaction mode: there consecutive transactions may reach
different server connections, where the prepared statement does not exist, so
``config.settings.scaleout.pooled`` turns prepared statements off for the connection
(``prepare_threshold`` None, Django's own default; ``config.settings.base`` allows
them) and the plain cursor is used. Errors are Django's (``wrap_database_errors``) and the
statement is logged like any other (``connection.queries``, and tests counting
queries see it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


def fetchall(statement: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` with ``params``, prepared when the connection allows."""
    # The wrapper itself, looked up once: every attribute read through
    # ``django.db.connection`` is a thread-local lookup.
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()
    start = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cur:
        cur.execute(statement, params, prepare=True)
        rows = cur.fetchall()
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": statement, "time": f"{time.monotonic() - start:.3f}"}
        )
    return rows
