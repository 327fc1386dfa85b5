"""Forgetting what verified citizens leave behind, hourly
(``routing.tasks.citizens_purge``): each row holds a phone number or a keyed hash
of one, and none is of use once past its time.

- ``PhoneCode`` rows sent more than a day ago (a code lives minutes);
- ``CitizenToken`` rows ``CITIZEN_TOKEN_KEEP_DAYS`` after they expired or were
  revoked (kept a little while for an inquiry into a misuse);
- ``OtpDailyCount`` rows of days older than two local days (the limits count
  today only).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from routing.models import CitizenToken, OtpDailyCount, PhoneCode

CODE_KEEP = dt.timedelta(days=1)
COUNT_KEEP_DAYS = 2


def citizens_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the stale rows; how many of each kind."""
    now = now or timezone.now()
    codes, _ = PhoneCode.objects.filter(sent_at__lt=now - CODE_KEEP).delete()
    token_cutoff = now - dt.timedelta(days=settings.CITIZEN_TOKEN_KEEP_DAYS)
    tokens, _ = CitizenToken.objects.filter(
        Q(expires_at__lt=token_cutoff) | Q(revoked_at__lt=token_cutoff)
    ).delete()
    day_cutoff = timezone.localdate(now) - dt.timedelta(days=COUNT_KEEP_DAYS)
    counts, _ = OtpDailyCount.objects.filter(day__lt=day_cutoff).delete()
    return {"codes": codes, "tokens": tokens, "counts": counts}
