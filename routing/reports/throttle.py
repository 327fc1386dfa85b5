"""Limits on what one address may ask of the citizen endpoints.

Tracking, the nearby check, photos, rating and adding information need no account,
so each is counted per client address, per minute (bursts: a script walking
tracking codes) and per clock hour, through the intake's limiter
(``routing.intake.ratelimits.rate_hit``: keyed hashes in the cache, its policy when
the cache is down). A limit of 0 or less turns that window off (the tests' default).
The minute window is a bucket of its own per minute (the minute is part of the
counter's name), so it needs nothing of the limiter but its hourly counters.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings

from geo.errors import TooMany
from routing.intake.errors import RateLimited
from routing.intake.ratelimits import rate_hit
from routing.reports.access import acts_as_staff

LABEL_VI = "địa chỉ mạng này"
LABEL_EN = "this network address"


class CitizenRateLimited(TooMany):
    """Too many requests from one address to the citizen endpoints."""


def citizen_rate_limited(limit: int, wait: int, per_minute: bool) -> CitizenRateLimited:
    minutes = max(1, math.ceil(wait / 60))
    window_vi = "phút này" if per_minute else "giờ này"
    window_en = "this minute" if per_minute else "this hour"
    again_vi = f"{wait} giây" if per_minute else f"{minutes} phút"
    again_en = f"{wait} seconds" if per_minute else f"{minutes} minutes"
    return CitizenRateLimited(
        "rate_limited",
        f"Có quá nhiều yêu cầu từ {LABEL_VI} trong {window_vi} (tối đa {limit}). "
        f"Vui lòng thử lại sau {again_vi}.",
        f"Too many requests from {LABEL_EN} {window_en} (at most {limit}). "
        f"Please try again in {again_en}.",
        None,
        {"retry_after": wait, "limit": limit},
    )


def minute_throttle(
    bucket: str, limit: int, *, user: Any, client_ip: str | None
) -> None:
    """Count one request from ``client_ip`` in ``bucket`` for this minute; refuse
    (429) beyond ``limit`` (0 or less: no limit). Buckets are counted apart (the
    place search's typing does not use up the reports' budget). Signed-in staff
    and a request without an address are not counted."""
    if not client_ip or acts_as_staff(user) or limit <= 0:
        return
    now = time.time()
    try:
        rate_hit(f"{bucket}-m{int(now // 60)}", client_ip, limit, LABEL_VI, LABEL_EN)
    except RateLimited:
        raise citizen_rate_limited(
            limit, max(1, 60 - int(now % 60)), per_minute=True
        ) from None


def citizen_throttle(*, user: Any, client_ip: str | None) -> None:
    """Count one request from ``client_ip`` to a citizen endpoint (API or page);
    refuse (429) beyond ``CITIZEN_RATE_PER_IP_MINUTE`` or
    ``CITIZEN_RATE_PER_IP_HOUR``. Signed-in staff are not counted (a whole office
    may sit behind one address), nor a request without an address."""
    if not client_ip or acts_as_staff(user):
        return
    minute_throttle(
        "citizen-ip",
        settings.CITIZEN_RATE_PER_IP_MINUTE,
        user=user,
        client_ip=client_ip,
    )
    per_hour = settings.CITIZEN_RATE_PER_IP_HOUR
    try:
        rate_hit("citizen-ip", client_ip, per_hour, LABEL_VI, LABEL_EN)
    except RateLimited as limited:
        wait = int(limited.extra.get("retry_after", 3600))
        raise citizen_rate_limited(per_hour, wait, per_minute=False) from None
