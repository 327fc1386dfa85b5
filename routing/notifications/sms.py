"""Text messages through a pluggable backend, in the manner of Django's e-mail backends.

``SMS_BACKEND`` names the class and :func:`sms_backend` returns an instance. A real
gateway (an SMS brandname provider) is one subclass with a ``send`` that raises on
failure; the outbox task records the error and retries. The demo logs messages
(:class:`LogSmsBackend`); tests collect them in memory (:class:`MemorySmsBackend`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseSmsBackend:
    """Send one text to one E.164 number (``+84912345678``); raise on failure."""

    def send(self, to_e164: str, text: str) -> None:
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Write messages to the log instead of sending them (demo, development)."""

    def send(self, to_e164: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_number(to_e164), text)


class MemorySmsBackend(BaseSmsBackend):
    """Keep messages in the class-level ``outbox`` list (tests); clear it yourself."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, to_e164: str, text: str) -> None:
        type(self).outbox.append(SmsMessage(to=to_e164, text=text))


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
