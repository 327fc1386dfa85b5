"""The receipt secret: what lets a reporter act on their report, unlike its code.

The tracking code is a public reference (it is read out on the phone, printed in
notices, listed by Open311). Rating, reopening and adding information need more: a
receipt secret given to the reporter alone, shown once after submission and carried
in the links of the reporter's own notifications (``/r/<code>#k=<secret>``: in the
fragment, so it never reaches a server log or a Referer header).

**Derived, not stored.** The secret is an HMAC (``salted_hmac`` with its own salt)
over the tracking code and a random per-report nonce, keyed with
``RECEIPT_SECRET_KEY`` (``SECRET_KEY`` unless set). The report keeps the nonce and
the SHA-256 of the secret; checks compare that hash in constant time. So:

- an idempotent replay of the submission, and every later notification, can give
  the reporter the same secret again without it being stored anywhere;
- a database dump alone gives no secret (the key is not in it), and the key alone
  gives none either (the nonce is not guessable);
- **rotating the key** leaves the secrets already sent working (they are checked
  against the stored hash), but the links of notifications sent afterwards would
  carry a new secret that does not match: keep the old key in
  ``RECEIPT_SECRET_KEY_FALLBACKS``, tried in order, until those reports are
  closed. With neither key the notification goes out without a link.

The nonce is the report's own rather than the tracking code's randomness, because
the code is public: with the key leaked, every secret would follow from the codes.
The secret is bound to the code rather than the row id so it is known before the
row is inserted (no UPDATE after the insert).

The secret is 20 symbols of Crockford's base32 (100 bits) in groups of four,
``7K3Q-X9MB-…``: URL-safe, and typeable (case, dashes, spaces and the look-alikes
O/0, I/L/1 do not matter).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from routing.models import Report

SALT = "hientruong.reports.receipt"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
SYMBOLS = 20  # x 5 bits = 100 bits
GROUP = 4
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
FRAGMENT = "k"


@dataclass(frozen=True)
class Receipt:
    """A new report's receipt: the nonce and hash it stores, the secret it shows."""

    nonce: str
    secret: str
    hash: str


def _keys() -> list[str]:
    return [settings.RECEIPT_SECRET_KEY, *settings.RECEIPT_SECRET_KEY_FALLBACKS]


def _derive(tracking_code: str, nonce: str, key: str) -> str:
    digest = salted_hmac(
        SALT, f"{tracking_code}:{nonce}", secret=key, algorithm="sha256"
    ).digest()
    number = int.from_bytes(digest[:16], "big") >> (128 - 5 * SYMBOLS)
    symbols = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(SYMBOLS))]
    return "-".join("".join(symbols[i : i + GROUP]) for i in range(0, SYMBOLS, GROUP))


def receipt_normalise(text: str) -> str:
    """The secret as typed, in its canonical shape ("" if it cannot be one)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(LOOK_ALIKES)
    if len(cleaned) != SYMBOLS or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return "-".join(cleaned[i : i + GROUP] for i in range(0, SYMBOLS, GROUP))


def receipt_hash(secret: str) -> str:
    """The SHA-256 a report stores of its secret (the secret canonical first)."""
    return hashlib.sha256(receipt_normalise(secret).encode()).hexdigest()


def receipt_new(*, tracking_code: str) -> Receipt:
    """A receipt for a report about to be inserted with ``tracking_code``."""
    nonce = secrets.token_hex(16)
    secret = _derive(tracking_code, nonce, settings.RECEIPT_SECRET_KEY)
    return Receipt(nonce=nonce, secret=secret, hash=receipt_hash(secret))


def receipt_matches(report: Report, secret: str) -> bool:
    """Whether ``secret`` (as typed) is the report's receipt; constant-time. A
    report without a receipt matches nothing."""
    if not report.receipt_hash or not receipt_normalise(secret):
        return False
    return hmac.compare_digest(receipt_hash(secret), report.receipt_hash)


def receipt_secret(report: Report) -> str | None:
    """The report's secret, derived again: with the current key, else with the
    first fallback key whose secret matches the stored hash; None when the report
    has no receipt or no key gives it (the key rotated without a fallback)."""
    if not (report.receipt_nonce and report.receipt_hash):
        return None
    for key in _keys():
        secret = _derive(report.tracking_code, report.receipt_nonce, key)
        if hmac.compare_digest(receipt_hash(secret), report.receipt_hash):
            return secret
    return None


def receipt_issue_missing(report: Report) -> None:
    """Give a receipt to a report made before receipts existed, so the reporter's
    next notification can carry one. Only the first caller's receipt is kept (the
    UPDATE is conditional); ``report`` is refreshed either way."""
    if report.receipt_hash:
        return
    receipt = receipt_new(tracking_code=report.tracking_code)
    Report.objects.filter(pk=report.pk, receipt_hash="").update(
        receipt_nonce=receipt.nonce, receipt_hash=receipt.hash
    )
    report.refresh_from_db(fields=["receipt_nonce", "receipt_hash"])


def receipt_path(tracking_code: str, secret: str) -> str:
    """The tracking page's address with the secret in its fragment."""
    page = reverse("web:track", kwargs={"code": tracking_code})
    return f"{page}#{FRAGMENT}={quote(secret, safe='-')}"


def receipt_url(report: Report) -> str | None:
    """The absolute receipt link for the reporter's notifications
    (``PUBLIC_SITE_URL`` + :func:`receipt_path`), or None without a secret."""
    secret = receipt_secret(report)
    if secret is None:
        return None
    base = settings.PUBLIC_SITE_URL.rstrip("/")
    return base + receipt_path(report.tracking_code, secret)
