"""The hourly purge of verified citizens' leftovers: stale one-time codes, citizen
sessions some days after they ended, and old daily counters; live rows stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from routing.models import CitizenToken, OtpDailyCount, PhoneCode
from routing.tasks import citizens_purge_task

pytestmark = pytest.mark.django_db


def code(phone: str, sent_at: dt.datetime) -> None:
    PhoneCode.objects.create(
        phone=phone, code_hmac="x", sent_at=sent_at, expires_at=sent_at
    )


def token(name: str, *, expires_at: dt.datetime, revoked_at=None) -> None:
    CitizenToken.objects.create(
        phone="+84912000001",
        token_hash=name.ljust(64, "0"),
        expires_at=expires_at,
        revoked_at=revoked_at,
    )


def test_purge_deletes_stale_rows_and_keeps_live_ones():
    now = timezone.now()
    today = timezone.localdate(now)
    code("+84912000001", now - dt.timedelta(days=2))
    code("+84912000002", now - dt.timedelta(minutes=10))
    keep = dt.timedelta(days=settings.CITIZEN_TOKEN_KEEP_DAYS)
    token("a", expires_at=now - keep - dt.timedelta(hours=1))
    token("b", expires_at=now + dt.timedelta(days=20), revoked_at=now - keep * 2)
    token("c", expires_at=now - dt.timedelta(hours=1))  # ended, kept a while
    token("d", expires_at=now + dt.timedelta(days=20))  # live
    for age in (0, 1, 2, 3, 10):
        OtpDailyCount.objects.create(
            day=today - dt.timedelta(days=age), scope="phone", key=f"k{age}", count=1
        )
    assert citizens_purge_task() == {"codes": 1, "tokens": 2, "counts": 2}
    assert list(PhoneCode.objects.values_list("phone", flat=True)) == ["+84912000002"]
    assert sorted(CitizenToken.objects.values_list("token_hash", flat=True)) == [
        "c".ljust(64, "0"),
        "d".ljust(64, "0"),
    ]
    assert sorted(OtpDailyCount.objects.values_list("key", flat=True)) == [
        "k0",
        "k1",
        "k2",
    ]
    assert citizens_purge_task() == {"codes": 0, "tokens": 0, "counts": 0}


def test_purge_is_scheduled_hourly():
    schedule = settings.CELERY_BEAT_SCHEDULE["citizens-purge"]
    assert schedule["task"] == "routing.tasks.citizens_purge"
    assert schedule["schedule"] == 3600.0
