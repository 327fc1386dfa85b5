"""``POST /api/v1/sms/receipts``: the SMS gateway's delivery receipts.

Called by the gateway, not by people: no session, no CSRF; trust comes only from the
HMAC-SHA256 signature of the raw body (``routing.notifications.sms_receipts`` says
how it is computed). A missing or wrong signature, or a stale timestamp, is 401; no
secret configured is 403. A receipt for an unknown message id is answered 200 (and
counted as unknown): gateways retry every other answer, and an unknown id will not
become known by retrying. Duplicates are 200 and change nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from routing.notifications.sms_receipts import (
    ReceiptRefused,
    receipt_verify,
    receipts_apply,
    receipts_parse,
)

MAX_BODY_BYTES = 64 * 1024


def _refused(error: ReceiptRefused, status_code: int) -> ApiError:
    return ApiError(error.code, error.vi, error.en, status_code=status_code)


def _document(request: Request, body: bytes) -> Any:
    if request.content_type.startswith("application/x-www-form-urlencoded"):
        return QueryDict(body).dict()
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            "body_invalid",
            "Nội dung không phải JSON hợp lệ (hoặc biểu mẫu).",
            "The body is not valid JSON (or a form).",
        ) from exc


class SmsReceiptApi(APIView):
    """Delivery receipts from the SMS gateway, signed with HMAC-SHA256."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise ApiError(
                "body_too_large",
                f"Nội dung quá lớn (tối đa {MAX_BODY_BYTES} byte).",
                f"The body is too large (at most {MAX_BODY_BYTES} bytes).",
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        body = request.body  # the raw bytes, before any parser touched them
        try:
            receipt_verify(
                body=body,
                signature=request.headers.get(settings.SMS_RECEIPT_SIGNATURE_HEADER),
                timestamp=request.headers.get(settings.SMS_RECEIPT_TIMESTAMP_HEADER),
            )
        except ReceiptRefused as error:
            unconfigured = error.code == "receipts_not_configured"
            raise _refused(
                error,
                status.HTTP_403_FORBIDDEN
                if unconfigured
                else status.HTTP_401_UNAUTHORIZED,
            ) from error
        try:
            receipts = receipts_parse(_document(request, body))
        except ReceiptRefused as error:
            raise _refused(error, status.HTTP_400_BAD_REQUEST) from error
        outcome = receipts_apply(receipts=receipts)
        return Response(
            {
                "received": outcome.received,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "unknown": outcome.unknown,
            }
        )
