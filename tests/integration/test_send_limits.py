"""Sends to citizens are limited per recipient and fail closed: anyone can type a
stranger's number or address into a report, and each SMS costs money."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from routing.models import Department, Notification
from routing.notifications.sms import MemorySmsBackend
from routing.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def memory_sms(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def _number() -> str:
    return f"+8491{uuid.uuid4().int % 10_000_000:07d}"


def row(recipient: str, channel: str = Notification.Channel.SMS, **fields):
    return Notification.objects.create(
        channel=channel,
        recipient=recipient,
        subject="[HT-TEST] Đã tiếp nhận",
        body="Phản ánh của bạn đã được tiếp nhận.",
        payload={"event": "received"},
        next_attempt_at=timezone.now(),
        **fields,
    )


def test_a_citizen_number_gets_at_most_the_hourly_limit(settings, memory_sms):
    """The third SMS to one number in an hour is put off to the next window, not
    sent and not counted as a failed attempt; another number is not affected."""
    settings.NOTIFY_RATE_PER_RECIPIENT_HOUR = 2
    number = _number()
    rows = [row(number) for _ in range(3)]
    outcomes = [deliver(r.pk) for r in rows]
    assert outcomes == ["sent", "sent", "deferred"]
    assert [m.to for m in memory_sms] == [number, number]
    late = Notification.objects.get(pk=rows[2].pk)
    assert late.status == Notification.Status.PENDING
    assert late.attempts == 0
    assert "hourly limit" in late.last_error
    assert late.next_attempt_at > timezone.now() + dt.timedelta(seconds=1)
    assert deliver(row(_number()).pk) == "sent"


def test_email_to_a_citizen_is_limited_in_any_letter_case(settings, mailoutbox):
    settings.NOTIFY_RATE_PER_RECIPIENT_HOUR = 1
    address = f"dan-{uuid.uuid4().hex[:8]}@example.vn"
    assert deliver(row(address, Notification.Channel.EMAIL).pk) == "sent"
    upper = row(address.upper(), Notification.Channel.EMAIL)
    assert deliver(upper.pk) == "deferred"
    assert len(mailoutbox) == 1


def test_sends_wait_while_the_limiter_is_down(settings, memory_sms):
    """Fail closed: with Redis unreachable no SMS goes out; the row waits, its
    attempts untouched, and is sent once the limiter answers again."""
    settings.NOTIFY_RATE_PER_RECIPIENT_HOUR = 5
    healthy = settings.CACHES
    settings.CACHES = DOWN
    waiting = row(_number())
    assert deliver(waiting.pk) == "deferred"
    assert memory_sms == []
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Notification.Status.PENDING, 0)
    assert "unavailable" in waiting.last_error
    settings.CACHES = healthy
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    assert deliver(waiting.pk) == "sent"


def test_department_rows_are_not_limited(settings, mailoutbox):
    """Addresses the operations centre configured for a department are ours, not
    a third party's: no per-recipient limit, and no dependency on Redis."""
    settings.NOTIFY_RATE_PER_RECIPIENT_HOUR = 1
    settings.CACHES = DOWN
    department = Department.objects.exclude(email="").first() or (
        Department.objects.first()
    )
    for _ in range(2):
        sent = row(
            "so.tnmt@example.vn", Notification.Channel.EMAIL, department=department
        )
        assert deliver(sent.pk) == "sent"
    assert len(mailoutbox) == 2
