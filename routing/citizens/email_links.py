"""E-mail addresses proven by a link: status e-mails go only to them.

A new report that gives an e-mail address sends one message to it with a signed
link (``django.core.signing``, salted, valid ``EMAIL_VERIFY_DAYS``). The token
holds the report's id and a short keyed hash of the address, never the address
itself (a signed token is readable by anyone who sees the link). Opening the link
shows a page with a confirm button (mail scanners fetch links, so a GET changes
nothing); its POST, with the CSRF token, sets the report's ``email_verified``, from
which on the reporter's status e-mails go there
(``routing.notifications.outbox._citizen_rows``). Confirming twice is harmless;
a token for an address the report no longer has is refused.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from routing.models import Notification, Report
from routing.notifications.outbox import email_verify_row

SALT = "hientruong.citizens.email"
# 16 hex digits (64 bits) of HMAC-SHA256: enough to tell the address changed.
ADDRESS_HASH_CHARS = 16


def address_hash(address: str) -> str:
    return salted_hmac(
        SALT, address.strip().lower(), secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()[:ADDRESS_HASH_CHARS]


def email_token(report: Report) -> str:
    return signing.dumps(
        {"r": report.pk, "h": address_hash(report.reporter_email)}, salt=SALT
    )


def email_link(report: Report) -> str:
    path = reverse("web:email-verify", kwargs={"token": email_token(report)})
    return settings.PUBLIC_SITE_URL.rstrip("/") + path


def email_verify_rows(report: Report) -> list[Notification]:
    """The unsaved outbox row asking the report's e-mail address to prove itself
    (none when the report gives no address or a proven one), written with the
    submission's other outbox rows, inside its transaction."""
    if report.reporter_email and not report.email_verified:
        return [email_verify_row(report=report, link=email_link(report))]
    return []


def email_token_report(token: str) -> Report | None:
    """The report whose address ``token`` names; None for a token that is forged,
    expired, or names an address the report no longer has. Changes nothing."""
    try:
        data = signing.loads(
            token[:1000], salt=SALT, max_age=settings.EMAIL_VERIFY_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    wanted = data.get("h")
    report = Report.objects.filter(pk=data["r"]).first()
    if (
        report is None
        or not report.reporter_email
        or not isinstance(wanted, str)
        or not hmac.compare_digest(address_hash(report.reporter_email), wanted)
    ):
        return None
    return report


def email_verify(token: str) -> Report | None:
    """The report whose address ``token`` proves, now ``email_verified``; None as
    for :func:`email_token_report`."""
    report = email_token_report(token)
    if report is not None and not report.email_verified:
        Report.objects.filter(pk=report.pk).update(email_verified=True)
        report.email_verified = True
    return report
