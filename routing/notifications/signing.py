"""Webhook signatures: an HMAC-SHA256 of the exact request body.

For departments that receive our webhooks. Each delivery is an HTTP POST with a JSON
body (UTF-8) and two headers:

``X-HienTruong-Signature: sha256=<hex>``
    the lowercase hex HMAC-SHA256 of the raw body bytes, keyed with the secret we
    share with you. Compute it over the bytes exactly as received, before parsing the
    JSON (re-serialising changes spacing and key order), and compare in constant time.
    After we rotate your secret (``manage.py webhook_secret_rotate``) the header
    carries two comma-separated entries for ``WEBHOOK_SECRET_GRACE_HOURS`` (72 h):
    ``sha256=<hex under the new secret>,sha256=<hex under the previous one>``.
    Accept the delivery when any entry matches your secret; switch to the new
    secret within the grace period.
``X-HienTruong-Delivery: <id>``
    the notification id, also the ``id`` field of the body. Deliveries are
    at-least-once: a retry after a timeout can repeat one, so store the ids you have
    processed and ignore repeats.

Answer any 2xx once the event is stored; anything else, or no answer within 5 s, is a
failure that we retry with growing delays (up to an hour apart) before giving up.

In Python::

    from routing.notifications.signing import verify_signature

    header = request.headers.get("X-HienTruong-Signature")
    if not verify_signature(request.body, header, SECRET):
        return HttpResponse(status=401)

Elsewhere: ``"sha256=" + hex(hmac_sha256(key=secret, message=raw_body))`` compared with
each comma-separated entry of the header by a constant-time function
(``hash_equals`` in PHP, ``crypto.timingSafeEqual`` in Node.js, ``hmac.Equal`` in Go).

Each department has its own generated secret (``Department.webhook_secret``); none
is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

SIGNATURE_HEADER = "X-HienTruong-Signature"
DELIVERY_HEADER = "X-HienTruong-Delivery"


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def signature(body: bytes, secret: str | bytes) -> str:
    """The signature header value for ``body``: ``sha256=<lowercase hex>``."""
    return "sha256=" + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def signature_header(body: bytes, secrets: Sequence[str | bytes]) -> str:
    """The header value: one ``sha256=`` entry per secret (the newest first),
    comma-separated; two only while a rotated-out secret is in its grace period."""
    if not secrets:
        raise ValueError("a webhook is never sent unsigned")
    return ",".join(signature(body, secret) for secret in secrets)


def verify_signature(body: bytes, header: str | None, secret: str | bytes) -> bool:
    """Whether any entry of ``header`` is the signature of ``body`` under ``secret``.

    Constant-time per entry; a missing or malformed header is simply not valid.
    """
    if not header:
        return False
    expected = signature(body, secret).encode()
    entries = [entry.strip().lower().encode() for entry in header.split(",")]
    # Every entry is compared (no early exit), so timing does not tell which matched.
    matches = [hmac.compare_digest(expected, entry) for entry in entries]
    return any(matches)
