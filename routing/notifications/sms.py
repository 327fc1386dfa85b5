"""Text messages through a pluggable backend, in the manner of Django's e-mail backends.

``SMS_BACKEND`` names the class and :func:`sms_backend` returns an instance. Callers
use ``sms_backend().send(to_e164, text)``; it returns the provider's message id (or
None) and raises on failure: :class:`SmsRefused` when the gateway refused the message
for good (a retry cannot help), any other exception when a retry later may succeed.
The outbox task records the error and retries (``routing.notifications.tasks``).

``send`` prepares the text once for every backend: with ``SMS_ASCII_ONLY`` the
Vietnamese diacritics are dropped (``đ`` → ``d``), so a message is GSM-7 (160
characters a segment) rather than UCS-2 (70, at a higher price on Brandname
gateways); ``routing.notifications.sms_length`` counts the segments. Subclasses
implement :meth:`BaseSmsBackend.transmit`.

Backends: :class:`LogSmsBackend` (development and the demo, where it also keeps the
last messages for ``/demo/sms/``), :class:`MemorySmsBackend` (tests) and
``routing.notifications.sms_http.HttpSmsBackend`` (a real Brandname gateway).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from geo.text import ascii_fold
from routing.notifications.sms_length import sms_segments

log = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class SmsError(Exception):
    """The message was not accepted; worth another try later."""


class SmsRefused(SmsError):
    """The gateway refused the message for good (a bad number, a rejected text)."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


# Typography GSM-7 lacks, folded to ASCII with the diacritics (NFKD already folds
# "…" and the no-break space).
PUNCTUATION_ASCII = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
)


def sms_text(text: str) -> str:
    """``text`` as it is sent: with ``SMS_ASCII_ONLY``, without diacritics (``đ`` →
    ``d``) or typographic dashes and quotes, so that it is GSM-7."""
    if settings.SMS_ASCII_ONLY:
        return ascii_fold(text.translate(PUNCTUATION_ASCII))
    return text


class BaseSmsBackend:
    """Send one text to one E.164 number (``+84912345678``); raise on failure."""

    def send(self, to_e164: str, text: str) -> str | None:
        """Send ``text`` (prepared by :func:`sms_text`); the provider's message id,
        or None when the backend has none."""
        prepared = sms_text(text)
        length = sms_segments(prepared)
        if length.segments > settings.SMS_MAX_SEGMENTS:
            # Sent all the same (a citizen's notice is not dropped for its length),
            # but every extra segment is paid for: the message templates are checked
            # in tests/unit/test_sms_length.py.
            log.warning(
                "SMS of %s %s characters takes %s segments (SMS_MAX_SEGMENTS %s)",
                length.characters,
                length.encoding,
                length.segments,
                settings.SMS_MAX_SEGMENTS,
            )
        return self.transmit(to_e164, prepared)

    def transmit(self, to_e164: str, text: str) -> str | None:
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Write messages to the log instead of sending them (demo, development); in
    demo mode also keep them for ``/demo/sms/`` (``routing.notifications.demo_sms``)."""

    def transmit(self, to_e164: str, text: str) -> str | None:
        log.info("SMS to %s: %s", mask_number(to_e164), text)
        if settings.DEMO_MODE:
            from routing.notifications.demo_sms import demo_sms_keep

            demo_sms_keep(to=to_e164, text=text)
        return None


class MemorySmsBackend(BaseSmsBackend):
    """Keep messages in the class-level ``outbox`` list (tests); clear it yourself."""

    outbox: ClassVar[list[SmsMessage]] = []

    def transmit(self, to_e164: str, text: str) -> str | None:
        type(self).outbox.append(SmsMessage(to=to_e164, text=text))
        return None


def sms_backend() -> BaseSmsBackend:
    """An instance of the backend named by ``SMS_BACKEND``."""
    return import_string(settings.SMS_BACKEND)()


def is_e164(number: str) -> bool:
    return bool(E164.match(number))


def mask_number(number: str) -> str:
    """``+84912345678`` → ``+8491****678``: enough to tell messages apart in logs."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:5] + "*" * (len(number) - 8) + number[-3:]
