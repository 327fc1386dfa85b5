"""Liveness of the service and its database: GET /healthz."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def database_health(conn: BaseDatabaseWrapper) -> dict[str, Any]:
    """The database and PostGIS versions, or the reason the database cannot answer."""
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
    status = "ok" if database.pop("ok") else "unavailable"
    return JsonResponse(
        {"status": status, "database": database}, status=200 if status == "ok" else 503
    )
