"""Send one outbox row over its channel: e-mail, signed webhook or SMS.

A sender returns when the message was accepted and raises :class:`DeliveryError` (or
any other exception) when it was not; the task in ``routing.notifications.tasks``
records the reason and retries. :class:`Undeliverable` marks failures that no retry
can fix (an unknown channel, a recipient that is not a URL or a phone number), so the
row is given up at once. :class:`Deferred` puts a send off without spending an
attempt: a citizen's phone or e-mail address past its hourly limit, or the limiter
unreachable (sends that cost money or reach a third party fail closed, see
``routing.intake.ratelimits``).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from routing.intake.ratelimits import LimiterUnavailable, rate_wait
from routing.models import Notification
from routing.notifications.outbox import RECEIPT_LINK
from routing.notifications.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)
from routing.notifications.sms import SmsRefused, is_e164, sms_backend
from routing.notifications.webhook_secrets import webhook_secrets_signing
from routing.reports.receipt import receipt_issue_missing, receipt_url

WEBHOOK_TIMEOUT_S = 5
EMAIL_TIMEOUT_S = 30
ERROR_BODY_CHARS = 200
LIMITER_DOWN_RETRY_S = 300


class DeliveryError(Exception):
    """The channel refused or did not answer; worth another try later."""


class Undeliverable(DeliveryError):
    """The row can never be delivered as written; retrying will not help."""


class Deferred(DeliveryError):
    """Not now: try again in ``wait`` seconds, without counting an attempt."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


def recipient_admit(notification: Notification) -> None:
    """Count an e-mail or SMS to a citizen against the recipient's hourly limit
    (``NOTIFY_RATE_PER_RECIPIENT_HOUR``): anyone can type someone else's number
    into a report, and each message costs money or lands in a stranger's inbox.
    Rows to departments (addresses the operations centre configured) are not
    limited. Fails closed: with the limiter down the send is deferred."""
    citizen_channels = (Notification.Channel.EMAIL, Notification.Channel.SMS)
    if notification.channel not in citizen_channels or notification.department_id:
        return
    try:
        wait = rate_wait(
            f"send-{notification.channel}",
            notification.recipient.lower(),
            settings.NOTIFY_RATE_PER_RECIPIENT_HOUR,
            fail_closed=True,
        )
    except LimiterUnavailable as exc:
        raise Deferred(
            f"rate limiter unavailable, send deferred: {exc}", LIMITER_DOWN_RETRY_S
        ) from exc
    if wait is not None:
        raise Deferred("recipient over its hourly limit, send deferred", wait)


def notification_send(*, notification: Notification) -> str | None:
    """Deliver ``notification`` over its channel, or raise. Returns the provider's
    message id when the channel has one (an SMS gateway's)."""
    sender = SENDERS.get(notification.channel)
    if sender is None:
        raise Undeliverable(f"unknown channel {notification.channel!r}")
    recipient_admit(notification)
    return sender(notification)


def receipt_link(notification: Notification) -> str | None:
    """The receipt link of the reporter's own row (None for every other row), made
    now so the secret is never stored: a report from before receipts gets one."""
    report = notification.report
    if not (notification.payload or {}).get(RECEIPT_LINK) or report is None:
        return None
    receipt_issue_missing(report)
    return receipt_url(report)


def email_send(notification: Notification) -> None:
    """Send the subject and body (Vietnamese first, English below) as one e-mail;
    the reporter's own e-mail ends with their receipt link."""
    body = notification.body
    link = receipt_link(notification)
    if link:
        body += (
            "\n\nTheo dõi, đánh giá hoặc bổ sung thông tin (giữ riêng đường dẫn "
            f"này, không chia sẻ):\n{link}\n\nFollow, rate or add information "
            "(keep this link to yourself, do not share it):\n" + link
        )
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or EMAIL_TIMEOUT_S)
    message = EmailMessage(
        subject=notification.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={
            "Content-Language": "vi, en",
            DELIVERY_HEADER: str(notification.pk),
        },
        connection=connection,
    )
    if message.send() != 1:
        raise DeliveryError("the e-mail backend accepted no message")


def webhook_body(notification: Notification) -> bytes:
    """The JSON body: ``id`` and ``event`` first, then the rest of the payload."""
    payload = notification.payload or {}
    document = {
        "id": notification.pk,
        "event": payload.get("event", ""),
        **{k: v for k, v in payload.items() if k not in ("id", "event")},
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: a failure, not a second POST."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def webhook_secrets(notification: Notification) -> list[str]:
    """The receiving department's own secret(s); there is no shared one."""
    department = notification.department
    if department is None:
        raise Undeliverable("webhook row names no department to sign for")
    return webhook_secrets_signing(department)


def webhook_send(notification: Notification) -> None:
    """POST the signed JSON body; any answer but 2xx is a failure with its reason."""
    url = notification.recipient
    if urlsplit(url).scheme not in ("http", "https"):
        raise Undeliverable(f"webhook URL is not http(s): {url!r}")
    body = webhook_body(notification)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "HienTruong-Webhook/1",
            SIGNATURE_HEADER: signature_header(body, webhook_secrets(notification)),
            DELIVERY_HEADER: str(notification.pk),
        },
    )
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT_S):
            pass  # urllib raises HTTPError for every status outside 2xx
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}{_excerpt(exc)}") from exc
    except urllib.error.URLError as exc:  # refused, DNS, TLS, timeout while connecting
        raise DeliveryError(f"{url}: {exc.reason}") from exc
    except (OSError, http.client.HTTPException) as exc:  # timeout, reset, garbage
        raise DeliveryError(f"{url}: {type(exc).__name__}: {exc}") from exc


def _excerpt(response: urllib.error.HTTPError) -> str:
    try:
        text = response.read(ERROR_BODY_CHARS).decode(errors="replace").strip()
    except OSError:
        return ""
    return f": {text}" if text else ""


def sms_send(notification: Notification) -> str | None:
    """Send the body (or the subject when there is no body) through SMS_BACKEND;
    the reporter's own SMS ends with their receipt link. Returns the gateway's
    message id; a refusal for good (:class:`SmsRefused`: a 4xx) gives the row up,
    any other failure is retried."""
    if not is_e164(notification.recipient):
        raise Undeliverable(f"not an E.164 number: {notification.recipient!r}")
    text = notification.body or notification.subject
    link = receipt_link(notification)
    if link:
        text += f" Theo dõi/Follow: {link}"
    try:
        return sms_backend().send(notification.recipient, text)
    except SmsRefused as exc:
        raise Undeliverable(str(exc)) from exc


SENDERS: dict[str, Callable[[Notification], str | None]] = {
    Notification.Channel.EMAIL: email_send,
    Notification.Channel.WEBHOOK: webhook_send,
    Notification.Channel.SMS: sms_send,
}
