"""Log lines that carry the request they belong to, as plain text or JSON.

One request touches many modules (the intake, the engine, the outbox); when a
citizen says "my report failed at 10:02", the operator needs every line of that
request and only those. So each request gets an id (``config.request_id``
middleware: the proxy's ``X-Request-ID`` when well-formed, else a new one), kept in
a context variable for the request's thread; :class:`RequestIdFilter` copies it onto
every record, and both formats print it. gunicorn's access log prints the same id
(``config.gunicorn_logging``), so the access line and the application's lines join
on it.

``LOG_FORMAT=json`` (the production default) writes one JSON object per line, for a
log shipper (journald → Loki, Elasticsearch, …); ``plain`` is for people reading a
terminal (the demo and the tests).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar
from typing import Any

# "-" outside a request (start-up, Celery tasks, management commands).
NO_REQUEST = "-"
request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# The WSGI environ key of the request's id (config.request_id sets it).
META_KEY = "HTTP_X_REQUEST_ID"

PLAIN_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is
# written out as a field of its own.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (``-`` outside a request).

    Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware has
    returned, outside the request's context; such records carry the request,
    whose ``X-Request-ID`` the middleware set."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            current = request_id.get()
            request = getattr(record, "request", None)
            if current == NO_REQUEST and request is not None:
                current = getattr(request, "META", {}).get(META_KEY, NO_REQUEST)
            record.request_id = current
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message,
    request_id, the ``extra=`` fields, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            document["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: everything to standard error (systemd's journal, or the
    terminal), in ``json`` or ``plain``, with the request id on every line."""
    if log_format not in ("json", "plain"):
        raise ValueError(f"LOG_FORMAT must be json or plain, not {log_format!r}")
    formatter: dict[str, Any] = (
        {"()": "config.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": PLAIN_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own request errors reach the root handler (no mail_admins).
        "loggers": {"django": {"handlers": [], "propagate": True}},
    }
