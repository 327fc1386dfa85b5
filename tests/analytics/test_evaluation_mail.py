"""The monthly evaluation e-mail: last month's PDF to the recipients, once per
month however often the task runs, nothing without recipients; and its schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from analytics.evaluation.mail import marker_key, previous_month
from analytics.tasks import evaluation_monthly_send
from tests.analytics.evaluation_world import world_make

pytestmark = pytest.mark.django_db

TO = ["lanhdao@donghoi.example", "kehoach@donghoi.example"]


@pytest.fixture(autouse=True)
def _unmarked():
    """Each test starts with no month marked."""
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        cache.delete(marker_key(previous_month(day)))
    return


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
