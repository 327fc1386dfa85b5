"""A fake SMS Brandname gateway: a real HTTP server on 127.0.0.1, in a thread.

Each POST is recorded (headers, raw body, the body parsed as JSON or form). The
server answers with the next status of ``statuses`` (then ``status``), after
``delay`` seconds, and a JSON body ``{"code": "00", "data": {"message_id": "gw-N"}}``
(``answer`` replaces it), so tests drive timeouts, 5xx, refusals and successes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest


@dataclass
class Hit:
    path: str
    headers: Any  # http.client.HTTPMessage: case-insensitive
    body: bytes
    content_type: str

    def document(self) -> dict[str, Any]:
        if self.content_type.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(self.body.decode()))
        return json.loads(self.body)


@dataclass
class GatewayState:
    hits: list[Hit] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    answer: Any = None
    sent: int = 0


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        state: GatewayState = self.server.state  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state.hits.append(
            Hit(self.path, self.headers, body, self.headers.get("Content-Type", ""))
        )
        status = state.statuses.pop(0) if state.statuses else state.status
        time.sleep(state.delay)
        if 200 <= status < 300:
            state.sent += 1
            answer = state.answer or {
                "code": "00",
                "data": {"message_id": f"gw-{state.sent}"},
            }
        else:
            answer = {"code": "99", "error": f"status {status}"}
        payload = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a read timeout)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sms_gateway(settings) -> Iterator[GatewayState]:
    """The fake gateway, with the HTTP backend pointed at it (JSON body, a bearer
    token, the id at ``data.message_id``, success when ``code`` is ``00``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
    server.daemon_threads = True
    state = GatewayState()
    server.state = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "routing.notifications.sms_http.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/api/send"
    settings.SMS_HTTP_BODY = "json"
    settings.SMS_HTTP_AUTH_HEADER = "Bearer gw-token-123"
    settings.SMS_HTTP_AUTH_HEADER_NAME = "Authorization"
    settings.SMS_HTTP_BRANDNAME = "HIENTRUONG"
    settings.SMS_HTTP_ID_PATH = "data.message_id"
    settings.SMS_HTTP_SUCCESS_FIELD = "code"
    settings.SMS_HTTP_SUCCESS_VALUES = ["00"]
    settings.SMS_HTTP_CONNECT_TIMEOUT = 1.0
    settings.SMS_HTTP_READ_TIMEOUT = 2.0
    settings.SMS_HTTP_USERNAME = ""
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
