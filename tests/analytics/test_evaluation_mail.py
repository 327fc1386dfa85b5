"""The monthly evaluation e-mail: last month's PDF to the recipients, once per
month however often the task runs, a failed send retried (not lost), a month held
by another worker neither sent twice nor lost, nothing without recipients; and its
schedule."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from analytics.evaluation.mail import MailBusy, marker_key, previous_month
from analytics.evaluation.mail import evaluation_monthly_send as send_now
from analytics.tasks import MAIL_RETRIES, evaluation_monthly_send
from tests.analytics.evaluation_world import world_make

pytestmark = pytest.mark.django_db

TO = ["lanhdao@donghoi.example", "kehoach@donghoi.example"]


@pytest.fixture(autouse=True)
def _unmarked():
    """Each test starts with no month marked."""
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        key = marker_key(previous_month(day))
        cache.delete_many([key, f"{key}:lock"])
    return


@pytest.fixture
def february(settings, monkeypatch):
    """Recipients set, and today is 01/02/2026 (January's mail is due)."""
    settings.EVALUATION_RECIPIENTS = TO
    real = timezone.localdate

    def localdate(value=None, tz=None):
        return dt.date(2026, 2, 1) if value is None else real(value, tz)

    monkeypatch.setattr("analytics.evaluation.mail.timezone.localdate", localdate)
    return marker_key(previous_month(dt.date(2026, 2, 1)))


def test_a_failed_send_is_retried_and_sends_once(db, february, monkeypatch):
    """The first attempt's SMTP call fails: no marker is left behind, the task
    retries (eagerly here) and the second attempt sends exactly one mail."""
    world_make()
    calls = []
    real_send = mail.EmailMessage.send

    def flaky(message, fail_silently=False):
        calls.append(message.subject)
        if len(calls) == 1:
            assert cache.get(f"{february}:lock") is not None  # locked while sending
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)
    result = evaluation_monthly_send.apply()
    assert result.get() == 1
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    assert cache.get(february) is not None  # marked once sent
    assert cache.get(f"{february}:lock") is None
    assert evaluation_monthly_send.apply().get() == 0  # and not again
    assert len(mail.outbox) == 1


def test_no_marker_when_sending_fails(db, february, monkeypatch):
    def broken(message, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    with pytest.raises(smtplib.SMTPException):
        send_now()
    assert cache.get(february) is None
    assert cache.get(f"{february}:lock") is None
    assert mail.outbox == []


def test_a_month_held_by_another_worker_is_not_sent_twice(db, february):
    """Another worker holds the lock (rendering): this run sends nothing and asks
    to be retried; once that worker has sent (marker set), a retry sends nothing."""
    cache.add(f"{february}:lock", "other worker", 60)
    with pytest.raises(MailBusy):
        send_now()
    assert mail.outbox == []
    cache.set(february, "sent by the other worker", 60)
    cache.delete(f"{february}:lock")
    assert evaluation_monthly_send.apply().get() == 0
    assert mail.outbox == []


def test_retries_are_bounded_with_backoff():
    task = evaluation_monthly_send
    assert MailBusy in task.autoretry_for
    assert OSError in task.autoretry_for  # smtplib.SMTPException is an OSError
    assert issubclass(smtplib.SMTPException, OSError)
    assert task.max_retries == MAIL_RETRIES == 8
    assert task.retry_backoff == 60
    assert task.retry_backoff_max == 30 * 60


def test_sends_once_per_month(settings, monkeypatch):
    world_make()
    settings.EVALUATION_RECIPIENTS = TO
    monkeypatch.setattr(
        "analytics.evaluation.mail.timezone.localdate", lambda: dt.date(2026, 2, 1)
    )
    assert evaluation_monthly_send.apply().get() == 1
    assert evaluation_monthly_send.apply().get() == 0  # the same month: nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == TO
    assert "01/2026" in message.subject
    ((name, body, kind),) = message.attachments
    assert name == "danh-gia-2026-01.pdf"
    assert kind == "application/pdf"
    assert body.startswith(b"%PDF")
    # The next month sends again.
    monkeypatch.setattr(
        "analytics.evaluation.mail.timezone.localdate", lambda: dt.date(2026, 3, 1)
    )
    assert evaluation_monthly_send.apply().get() == 1
    assert len(mail.outbox) == 2


def test_nothing_without_recipients(settings):
    settings.EVALUATION_RECIPIENTS = []
    assert evaluation_monthly_send.apply().get() == 0
    assert mail.outbox == []


def test_previous_month():
    assert previous_month(dt.date(2026, 1, 1)) == previous_month(dt.date(2026, 1, 31))
    month = previous_month(dt.date(2026, 3, 1))
    assert (month.first, month.last) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_scheduled_first_of_month_at_seven_local():
    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-monthly-send"]
    assert entry["task"] == "analytics.tasks.evaluation_monthly_send"
    assert entry["schedule"] == crontab(minute="0", hour="7", day_of_month="1")
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
