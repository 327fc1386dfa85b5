"""A statement timeout for the web process, and its answer: 503, not 500.

A request from the public must not keep a database backend busy for minutes (a
world-sized box, a pathological filter, a lock held by a long job). The web process
sets PostgreSQL's ``statement_timeout`` (``DB_STATEMENT_TIMEOUT_MS``, default 15 s)
on each connection it opens: :func:`statement_timeout_install` is called by
``config/wsgi.py`` only, so migrations, management commands and Celery workers,
which never load the WSGI module, keep PostgreSQL's default (no limit) for their
bulk work. Behind pgbouncer in transaction mode (``DATABASE_POOL``) nothing is set
per connection: the database role carries the timeout. A statement cut off raises
``QueryCanceled``; :class:`StatementTimeoutMiddleware` answers it with a bilingual
503 and ``Retry-After`` (JSON under the API's paths, plain text on pages) and logs
it; other database errors pass on untouched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from psycopg import errors as pg_errors

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30
API_PREFIXES = ("/api/", "/tiles/", "/open311/")
MESSAGES = {
    "vi": "Hệ thống đang quá tải, yêu cầu mất quá nhiều thời gian. Vui lòng thử lại "
    "sau ít phút hoặc thu hẹp phạm vi tìm kiếm.",
    "en": "The service is busy and the request took too long. Please try again in "
    "a few minutes or narrow the search.",
}


def _set_timeout(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    milliseconds = int(settings.DB_STATEMENT_TIMEOUT_MS)
    if connection.vendor != "postgresql" or milliseconds <= 0:
        return
    if connection.settings_dict.get("TRANSACTION_POOLED"):
        # Behind pgbouncer in transaction mode a session setting would stay on the
        # server connection for its next client: the role carries the timeout
        # instead (ALTER ROLE … SET statement_timeout, docs/scaling.md).
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false)", [str(milliseconds)]
        )


def statement_timeout_install() -> None:
    """Set the statement timeout on every connection this process opens."""
    connection_created.connect(_set_timeout, dispatch_uid="web-statement-timeout")


def timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` (Django's wrapper or psycopg's own) is a statement the
    server cancelled."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, pg_errors.QueryCanceled):
            return True
        seen = seen.__cause__
    return False


def timeout_response(request: HttpRequest) -> HttpResponse:
    """The bilingual 503 for a request whose statement was cut off."""
    english = (getattr(request, "LANGUAGE_CODE", "vi") or "vi").startswith("en")
    if request.path.startswith(API_PREFIXES):
        body = {
            "code": "timeout",
            "detail": MESSAGES["en" if english else "vi"],
            "messages": MESSAGES,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=503,
            content_type="application/json",
        )
    else:
        text = f"{MESSAGES['vi']}\n\n{MESSAGES['en']}\n"
        response = HttpResponse(
            text, status=503, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class StatementTimeoutMiddleware:
    """Answer a statement cut off by ``statement_timeout`` with a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not timed_out(exception):
            return None
        log.warning("statement timeout: %s %s", request.method, request.path)
        return timeout_response(request)
