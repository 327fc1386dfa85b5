"""SMS delivery receipts: the gateway tells us whether a message reached the phone.

The gateway POSTs to ``/api/v1/sms/receipts`` (``api.sms_receipts``) a JSON object
(or a JSON list of them, or a form) naming its message id and a status. It signs the
request with HMAC-SHA256 keyed with ``SMS_RECEIPT_SECRET``:

- the header ``SMS_RECEIPT_SIGNATURE_HEADER`` (``X-Signature``) holds the lowercase
  hex digest, optionally as ``sha256=<hex>``, of the raw body bytes exactly as sent;
- when the gateway also sends ``SMS_RECEIPT_TIMESTAMP_HEADER`` (``X-Timestamp``,
  Unix seconds), the digest is of ``<timestamp>.<raw body>`` and a timestamp more
  than ``SMS_RECEIPT_MAX_AGE_S`` away from now is refused, so a captured receipt
  cannot be replayed later.

Receipts are applied idempotently: ``delivered`` and ``undelivered`` are final and no
later receipt changes them, and a receipt saying what the row already says changes
nothing. An unknown message id is answered 200 (and counted as unknown): gateways
retry any other answer, and an id can legitimately be unknown (a code sent outside
the outbox, a row deleted).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from routing.models import Notification
from routing.notifications.signing import verify_signature
from routing.notifications.sms_http import dotted

FINAL = (
    Notification.DeliveryStatus.DELIVERED,
    Notification.DeliveryStatus.UNDELIVERED,
)
MAX_RECEIPTS = 500
ID_CHARS = 100
DETAIL_CHARS = 64


class ReceiptRefused(Exception):
    """The request is not a receipt we can trust or read; ``code`` names why."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def receipt_verify(
    *, body: bytes, signature: str | None, timestamp: str | None
) -> None:
    """Raise :class:`ReceiptRefused` unless ``signature`` signs ``body`` (and
    ``timestamp``, when given, which must be recent) under one of the secrets."""
    secrets = settings.SMS_RECEIPT_SECRETS
    if not secrets:
        raise ReceiptRefused(
            "receipts_not_configured",
            "Chưa cấu hình nhận báo cáo gửi tin (SMS_RECEIPT_SECRET).",
            "Delivery receipts are not configured (SMS_RECEIPT_SECRET).",
        )
    if not signature:
        raise ReceiptRefused(
            "signature_missing",
            "Thiếu chữ ký HMAC-SHA256 của nội dung.",
            "The HMAC-SHA256 signature of the body is missing.",
        )
    message = body
    if timestamp is not None:
        try:
            sent = float(timestamp)
        except ValueError:
            sent = float("nan")
        if not abs(time.time() - sent) <= settings.SMS_RECEIPT_MAX_AGE_S:
            raise ReceiptRefused(
                "timestamp_stale",
                "Dấu thời gian không hợp lệ hoặc quá cũ (chống gửi lại).",
                "The timestamp is invalid or too old (replay protection).",
            )
        message = timestamp.encode() + b"." + body
    # The webhooks' own check (``routing.notifications.signing``), a bare hex
    # digest taken as "sha256=<hex>"; every secret is tried (no early exit), so
    # timing does not tell which matched.
    header = ",".join(
        "sha256=" + entry.strip().lower().removeprefix("sha256=")
        for entry in signature.split(",")
    )
    matches = [verify_signature(message, header, secret) for secret in secrets]
    if not any(matches):
        raise ReceiptRefused(
            "signature_invalid",
            "Chữ ký HMAC-SHA256 không khớp với nội dung.",
            "The HMAC-SHA256 signature does not match the body.",
        )


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    status: str  # a Notification.DeliveryStatus value
    detail: str  # the gateway's own word


def _values(setting: Iterable[str]) -> set[str]:
    return {value.strip().lower() for value in setting}


def receipt_status(word: str) -> str:
    """The delivery status a gateway's status word means (anything not known to
    be final is ``enroute``)."""
    lowered = word.strip().lower()
    if lowered in _values(settings.SMS_RECEIPT_DELIVERED_VALUES):
        return Notification.DeliveryStatus.DELIVERED
    if lowered in _values(settings.SMS_RECEIPT_UNDELIVERED_VALUES):
        return Notification.DeliveryStatus.UNDELIVERED
    return Notification.DeliveryStatus.ENROUTE


def receipts_parse(document: Any) -> list[Receipt]:
    """The receipts in a parsed body: one object or a list of them, each with the
    fields ``SMS_RECEIPT_ID_FIELD`` and ``SMS_RECEIPT_STATUS_FIELD``."""
    items = document if isinstance(document, list) else [document]
    if not items or len(items) > MAX_RECEIPTS:
        raise ReceiptRefused(
            "receipts_count",
            f"Cần từ 1 đến {MAX_RECEIPTS} báo cáo gửi tin mỗi lần.",
            f"Send 1 to {MAX_RECEIPTS} receipts at a time.",
        )
    receipts = []
    for item in items:
        provider_id = dotted(item, settings.SMS_RECEIPT_ID_FIELD)
        word = dotted(item, settings.SMS_RECEIPT_STATUS_FIELD)
        if not isinstance(provider_id, str | int) or not isinstance(word, str | int):
            raise ReceiptRefused(
                "receipt_fields",
                f"Mỗi báo cáo cần mã tin ({settings.SMS_RECEIPT_ID_FIELD}) và "
                f"trạng thái ({settings.SMS_RECEIPT_STATUS_FIELD}).",
                f"Each receipt needs a message id ({settings.SMS_RECEIPT_ID_FIELD}) "
                f"and a status ({settings.SMS_RECEIPT_STATUS_FIELD}).",
            )
        text = str(word)[:DETAIL_CHARS]
        receipts.append(
            Receipt(
                provider_id=str(provider_id)[:ID_CHARS],
                status=receipt_status(text),
                detail=text,
            )
        )
    return receipts


@dataclass
class ReceiptOutcome:
    received: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: int = 0


def receipts_apply(*, receipts: list[Receipt]) -> ReceiptOutcome:
    """Record each receipt on the SMS rows with its provider id. A row whose status
    is final, or already what the receipt says, is left as it is (a duplicate
    changes nothing twice); one conditional UPDATE each, so concurrent duplicates
    cannot both apply."""
    outcome = ReceiptOutcome(received=len(receipts))
    now = timezone.now()
    for receipt in receipts:
        rows = Notification.objects.filter(
            channel=Notification.Channel.SMS, provider_id=receipt.provider_id
        )
        changed = (
            rows.exclude(delivery_status__in=FINAL)
            .exclude(delivery_status=receipt.status, delivery_detail=receipt.detail)
            .update(
                delivery_status=receipt.status,
                delivery_detail=receipt.detail,
                delivery_updated_at=now,
            )
        )
        if changed:
            outcome.updated += 1
        elif rows.exists():
            outcome.unchanged += 1
        else:
            outcome.unknown += 1
    return outcome
