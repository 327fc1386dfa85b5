"""Webhook signatures: an HMAC-SHA256 of the exact request body.

For departments that receive our webhooks. Each delivery is an HTTP POST with a JSON
body (UTF-8) and two headers:

``X-HienTruong-Signature: sha256=<hex>``
    the lowercase hex HMAC-SHA256 of the raw body bytes, keyed with the secret we
    share with you. Compute it over the bytes exactly as received, before parsing the
    JSON (re-serialising changes spacing and key order), and compare in constant time.
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
the header by a constant-time function (``hash_equals`` in PHP,
``crypto.timingSafeEqual`` in Node.js, ``hmac.Equal`` in Go).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-HienTruong-Signature"
DELIVERY_HEADER = "X-HienTruong-Delivery"


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def signature(body: bytes, secret: str | bytes) -> str:
    """The signature header value for ``body``: ``sha256=<lowercase hex>``."""
    return "sha256=" + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str | bytes) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``secret``.

    Constant-time; a missing or malformed header is simply not valid.
    """
    if not header:
        return False
    expected = signature(body, secret).encode()
    return hmac.compare_digest(expected, header.strip().lower().encode())
