"""Where a read goes when a read replica is configured (``DATABASE_REPLICA_URL``).

Nothing is sent to the replica by model: the domain marks the reads that may lag
the primary by a few seconds with the hint ``lag_ok=True``
(``routing.reads.lag_ok_db``: analytics, exports, tiles, public tracking), and only
those go there. Every write, every read inside a transaction on the primary, and
every read of a client that has just written (read-your-writes) goes to the primary.

Read-your-writes: a request that may have written (any method but GET, HEAD,
OPTIONS and TRACE, answered below 400) sets a cookie that pins that client's reads
to the primary for ``DATABASE_REPLICA_PIN_SECONDS``; replication on one site lags
well under a second, so the pin outlasts the lag. A client cannot use the cookie to
reach anything it could not read anyway; at most it puts its own reads on the
primary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from config.settings.scaleout import REPLICA

PIN_COOKIE = "ht_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_pinned: ContextVar[bool] = ContextVar("primary_pinned", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pinned_to_primary() -> bool:
    """True while the current request's reads must see its client's own writes."""
    return _pinned.get()


class PrimaryReplicaRouter:
    """Writes to the primary; reads hinted ``lag_ok`` to the replica unless pinned."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if (
            hints.get("lag_ok")
            and replica_configured()
            and not _pinned.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None  # Django's default: the primary, or the instance's own database

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        """Rows read from the replica are the primary's rows."""
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA, None} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReadYourWritesMiddleware:
    """Pins to the primary the reads of a client that wrote in the last seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        seconds = settings.DATABASE_REPLICA_PIN_SECONDS
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        token = _pinned.set(now < until <= now + seconds)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                f"{now + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
