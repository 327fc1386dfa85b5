"""Open311 errors: a list of ``{code, description}`` with the HTTP status as code.

GeoReport v2 answers 404 for what does not exist (a service, a request, a
jurisdiction), 403 for a missing or bad ``api_key`` and 400 for anything else it
cannot do; several errors may be returned at once (every missing attribute, say).
We add 429 for a key over its hourly limit and 405 for a wrong method. Each
description is kept in Vietnamese and English; the request's language chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.errors import http_status
from geo.errors import BilingualError


@dataclass(frozen=True)
class Message:
    vi: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Open311Error(Exception):
    """One HTTP status with one or more messages."""

    def __init__(
        self,
        status: int,
        messages: list[Message],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(messages[0].en if messages else str(status))
        self.status = status
        self.messages = messages
        self.headers = headers or {}

    @classmethod
    def one(cls, status: int, vi: str, en: str) -> Open311Error:
        return cls(status, [Message(vi, en)])

    @classmethod
    def from_bilingual(
        cls, error: BilingualError, status: int | None = None
    ) -> Open311Error:
        """Our own refusal (intake, coordinates, rate limit) in the Open311 shape."""
        headers = {}
        if "retry_after" in error.extra:
            headers["Retry-After"] = str(error.extra["retry_after"])
        return cls(status or http_status(error), [Message(error.vi, error.en)], headers)

    def body(self, lang: str) -> list[dict[str, object]]:
        return [
            {"code": self.status, "description": m.text(lang)} for m in self.messages
        ]


def not_found(vi: str, en: str) -> Open311Error:
    return Open311Error.one(404, vi, en)


def bad_request(vi: str, en: str) -> Open311Error:
    return Open311Error.one(400, vi, en)
