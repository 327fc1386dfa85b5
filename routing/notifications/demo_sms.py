"""The demo's SMS inbox: the last messages the log backend "sent", for ``/demo/sms/``.

In demo mode (``HT_DEMO=1``) nothing reaches a phone, yet a person trying the demo
must read the one-time code sent to the number they typed. :class:`LogSmsBackend`
therefore also pushes each message onto a Redis list, capped at
``DEMO_SMS_KEEP`` entries and expiring ``DEMO_SMS_TTL_HOURS`` after the last one.
Numbers are kept as given, since the visitor must find their own message; the page
lists only the messages to the full number a visitor types. A receipt link's secret
(``#k=<secret>``) is masked before a message is kept, so the inbox never holds what
proves a report's authorship. This exists only in demo mode, never on a real
deployment.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

import redis
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

# A receipt link's fragment: ``/r/<code>#k=<secret>``.
_RECEIPT_SECRET = re.compile(r"#k=[^\s]+")


def receipt_secrets_masked(text: str) -> str:
    """``text`` with every receipt secret replaced by ``…``."""
    return _RECEIPT_SECRET.sub("#k=…", text)


@dataclass(frozen=True)
class DemoSms:
    to: str
    text: str
    at: dt.datetime


def _client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.DEMO_SMS_REDIS_URL, socket_connect_timeout=1, socket_timeout=1
    )


def demo_sms_keep(*, to: str, text: str) -> None:
    """Add a message at the head of the list; a Redis that cannot be reached only
    loses it from the page (it is in the log all the same)."""
    if not settings.DEMO_MODE:
        return
    entry = json.dumps(
        {
            "to": to,
            "text": receipt_secrets_masked(text),
            "at": timezone.now().isoformat(),
        }
    )
    key = settings.DEMO_SMS_KEY
    try:
        with _client().pipeline() as pipe:
            pipe.lpush(key, entry)
            pipe.ltrim(key, 0, settings.DEMO_SMS_KEEP - 1)
            pipe.expire(key, int(settings.DEMO_SMS_TTL_HOURS * 3600))
            pipe.execute()
    except redis.RedisError as exc:
        log.warning("demo SMS inbox unavailable: %s", exc)


def demo_sms_recent() -> list[DemoSms]:
    """The kept messages, newest first (empty outside demo mode)."""
    if not settings.DEMO_MODE:
        return []
    raw = _client().lrange(settings.DEMO_SMS_KEY, 0, settings.DEMO_SMS_KEEP - 1)
    messages = []
    for item in raw:
        entry = json.loads(item)
        messages.append(
            DemoSms(
                to=entry["to"],
                text=receipt_secrets_masked(entry["text"]),
                at=dt.datetime.fromisoformat(entry["at"]),
            )
        )
    return messages


def demo_sms_clear() -> None:
    """Forget every kept message (tests)."""
    _client().delete(settings.DEMO_SMS_KEY)
