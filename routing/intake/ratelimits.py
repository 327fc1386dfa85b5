"""Hourly limits on new reports per client IP and per phone number, in the cache.

A fixed window per clock hour, counted in the Django cache (Redis): simple, shared by
every web process, and gone after an hour. The identifiers are stored only as keyed
hashes (NĐ 13/2023 on personal data). A limit of 0 or less turns the check off. When
the cache cannot be reached the report is let through and a warning logged: a
rate limiter must never be the reason a citizen's report is lost.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from routing.intake import errors

log = logging.getLogger(__name__)


def rate_hit(kind: str, ident: str, limit: int, label_vi: str, label_en: str) -> None:
    """Count one submission for ``ident`` in the current clock hour; refuse beyond
    ``limit`` (0 or less: no limit). The identifier is stored only as a keyed hash."""
    if not ident or limit <= 0:
        return
    now = time.time()
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{ident}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    key = f"report-rate:{kind}:{digest}:{int(now // 3600)}"
    try:
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3600)
            count = 1
    except Exception as exc:  # any cache failure: let the citizen through
        log.warning(
            "report rate limit (%s) not checked, cache unreachable: %s", kind, exc
        )
        return
    if count > limit:
        wait = 3600 - int(now % 3600)
        minutes = max(1, math.ceil(wait / 60))
        raise errors.rate_limited(label_vi, label_en, limit, wait, minutes)
