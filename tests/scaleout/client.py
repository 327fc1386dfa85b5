"""A small HTTP client with its own cookies, for the servers these tests start: one
instance is one browser (its session, its CSRF cookie, the replica pin cookie)."""

from __future__ import annotations

import http.client
import json
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from bench.api import HOST


@dataclass
class Answer:
    status: int
    body: bytes
    headers: http.client.HTTPMessage

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Django accepts an unmasked 32-character secret as both cookie and header.
        self.cookies.setdefault("csrftoken", secrets.token_hex(16))

    @classmethod
    def signed_in(cls, port: int, session: str) -> Browser:
        return cls(port, {"sessionid": session})

    def request(self, method: str, path: str, body: Any = None) -> Answer:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": self.cookies["csrftoken"],
            "Accept-Language": "vi",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.read(), response.headers)
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> Answer:
        return self.request("POST", path, body)
