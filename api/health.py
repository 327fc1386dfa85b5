"""Liveness of the service and its database: GET /healthz.

The answer is for load balancers and monitors, and anyone can read it: a plain
``{"status": "ok"}`` (200) or ``{"status": "unavailable"}`` (503), never the
versions of PostgreSQL and PostGIS (they tell an attacker which flaws to try) nor
the database's error text (host names, user names). Those go to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def database_health(conn: BaseDatabaseWrapper) -> dict[str, Any]:
    """The database and PostGIS versions, or the reason the database cannot answer
    (for the log and for operators, not for the public answer)."""
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('server_version'), postgis_lib_version()"
            )
            pg_version, postgis_version = cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "error": str(exc).strip().splitlines()[0][:300]}
    return {"ok": True, "postgresql": pg_version, "postgis": postgis_version}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_health(connection)
    if database["ok"]:
        return JsonResponse({"status": "ok"})
    log.error("healthz: database unavailable: %s", database["error"])
    return JsonResponse({"status": "unavailable"}, status=503)
