"""One error shape for the whole API, with the message in Vietnamese and English.

{"code": "swapped", "detail": "<message in the request's language>",
 "messages": {"vi": "...", "en": "..."}, "field": "lat"}

Domain errors (``geo.errors``) carry a code and a kind, never an HTTP status: the
kinds are mapped to statuses here, once, for the REST API and for Open311. A lost
database connection becomes the ``Unavailable`` kind (``api.outage``): 503.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.utils.translation import get_language
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.outage import database_outage
from geo.errors import (
    BilingualError,
    Conflict,
    Forbidden,
    Misconfigured,
    Mismatch,
    NotFound,
    TooMany,
    Unavailable,
)

log = logging.getLogger(__name__)

# Most specific first: a workflow refusal is bad input *and* forbidden, say.
HTTP_STATUS: tuple[tuple[type[BilingualError], int], ...] = (
    (Forbidden, status.HTTP_403_FORBIDDEN),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (Mismatch, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (TooMany, status.HTTP_429_TOO_MANY_REQUESTS),
    (Misconfigured, status.HTTP_500_INTERNAL_SERVER_ERROR),
    (Unavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
)


def http_status(error: BilingualError) -> int:
    """The HTTP status the API answers a domain error with (bad input: 400)."""
    for kind, code in HTTP_STATUS:
        if isinstance(error, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


class ApiError(APIException):
    """An API error with a stable code, both languages and the offending field."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    # Seconds until a retry may succeed: DRF's handler sends it as Retry-After.
    wait: float | None = None

    def __init__(
        self,
        code: str,
        vi: str,
        en: str,
        *,
        field: str | None = None,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=en, code=code)
        self.status_code = status_code
        self.error_code = code
        self.vi = vi
        self.en = en
        self.field = field
        self.extra = extra or {}

    @classmethod
    def from_error(cls, error: BilingualError) -> ApiError:
        """The domain error in the API's shape; a limit's ``retry_after`` becomes the
        Retry-After header."""
        api_error = cls(
            error.code,
            error.vi,
            error.en,
            field=error.field,
            status_code=http_status(error),
            extra=error.extra,
        )
        api_error.wait = error.extra.get("retry_after")
        return api_error

    def payload(self) -> dict[str, Any]:
        lang = (get_language() or "vi")[:2]
        body: dict[str, Any] = {
            "code": self.error_code,
            "detail": self.en if lang == "en" else self.vi,
            "messages": {"vi": self.vi, "en": self.en},
        }
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = database_outage(exc) or exc
    if isinstance(exc, BilingualError):
        exc = ApiError.from_error(exc)
    elif isinstance(exc, SuspiciousOperation) and not isinstance(exc, APIException):
        # Django's own refusals of a body (too many fields or files, too large).
        exc = ApiError(
            "bad_request",
            "Yêu cầu không hợp lệ hoặc quá lớn.",
            "The request is malformed or too large.",
        )
    elif isinstance(exc, DataError):
        # A value PostgreSQL cannot take (a NUL byte in text, a number out of its
        # type's range) that reached a query: the input's fault, not a crash.
        log.warning("input refused by the database: %s", exc)
        exc = ApiError(
            "bad_value",
            "Dữ liệu gửi lên chứa giá trị không lưu được (ví dụ ký tự NUL).",
            "The request holds a value that cannot be stored (e.g. a NUL character).",
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ApiError):
        response.data = exc.payload()
    return response
