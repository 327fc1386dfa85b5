"""E-mail addresses proven by a link: status e-mails go only to them.

A new report that gives an e-mail address sends one message to it with a signed
link (``django.core.signing``, salted, holding the report and the address, valid
``EMAIL_VERIFY_DAYS``). Following it sets the report's ``email_verified``, from
which on the reporter's status e-mails go there
(``routing.notifications.outbox._citizen_rows``). The link names no personal data
in clear beyond what its reader already has (the address it reached), and changes
nothing but that flag; following it twice is harmless.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from routing.models import Report
from routing.notifications.outbox import notify_email_verify

SALT = "hientruong.citizens.email"


def email_token(report: Report) -> str:
    return signing.dumps(
        {"r": report.pk, "e": report.reporter_email.lower()}, salt=SALT, compress=True
    )


def email_link(report: Report) -> str:
    path = reverse("web:email-verify", kwargs={"token": email_token(report)})
    return settings.PUBLIC_SITE_URL.rstrip("/") + path


def email_verify_request(report: Report) -> None:
    """Ask the report's e-mail address to prove itself (inside the submission's
    transaction: the outbox row commits with the report)."""
    if report.reporter_email and not report.email_verified:
        notify_email_verify(report=report, link=email_link(report))


def email_verify(token: str) -> Report | None:
    """The report whose address ``token`` proves, now ``email_verified``; None for
    a token that is forged, expired, or names an address the report no longer
    has."""
    try:
        data = signing.loads(
            token[:1000], salt=SALT, max_age=settings.EMAIL_VERIFY_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    report = Report.objects.filter(pk=data["r"]).first()
    if report is None or report.reporter_email.lower() != data.get("e"):
        return None
    if not report.email_verified:
        Report.objects.filter(pk=report.pk).update(email_verified=True)
        report.email_verified = True
    return report
