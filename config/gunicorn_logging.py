"""gunicorn's access log as one JSON object per line, with the request id.

gunicorn formats access lines from a ``%``-template, which cannot escape a quote
or a backslash in a path or a user agent into valid JSON; this logger builds the
object and lets ``json`` escape it. The request id is the one the application put
on the response (``config.request_id``), so the access line joins the
application's lines. With ``LOG_FORMAT=plain`` gunicorn's usual line is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from gunicorn.glogging import Logger

from config.logs import JsonFormatter


def _json() -> bool:
    return os.environ.get("LOG_FORMAT", "plain") == "json"


def _header(headers: Any, name: str) -> str | None:
    for key, value in headers or ():
        if key.lower() == name:
            return str(value)
    return None


class JsonAccessLogger(Logger):
    """gunicorn's logger, its access and error lines in JSON when
    ``LOG_FORMAT=json`` (set by config/gunicorn.conf.py)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if _json():
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> None:
        if not _json():
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        document = {
            "time": dt.datetime.now(tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": _header(resp.headers, "x-request-id")
            or environ.get("HTTP_X_REQUEST_ID", "-"),
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "protocol": environ.get("SERVER_PROTOCOL"),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "referer": environ.get("HTTP_REFERER"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(document, ensure_ascii=False))
        except Exception:  # a log line must never fail the request
            self.exception("access log line failed")
