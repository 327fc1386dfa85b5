"""Hourly limits per client address, phone number, e-mail address and API key, in the
cache.

A fixed window per clock hour, counted in the Django cache (Redis): simple, shared by
every web process, and gone after an hour. The identifiers are stored only as keyed
hashes (NĐ 13/2023 on personal data). A limit of 0 or less turns the check off.

Addresses: an IPv4 address is counted on its own; an IPv6 address is counted by its
/64 network, because one subscriber line or one host is handed a whole /64 and can
take a new address from it for every request (an IPv4-mapped IPv6 address counts as
its IPv4 address). Every identifier that is an IP address is bucketed so, whoever
calls ``rate_hit``.

When Redis is down (the policy, documented in the README):

- **fail open** for submissions and other citizen requests (``rate_hit``'s default):
  the request is let through and a warning logged; a rate limiter must never be the
  reason a citizen's report is lost;
- **fail closed** for anything that costs money or can spam a third party (SMS and
  e-mail sends: ``routing.notifications.delivery``): with ``fail_closed=True`` an
  unreachable cache raises :class:`LimiterUnavailable`, and the send waits for a
  later retry instead of going out unlimited.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from routing.intake import errors

log = logging.getLogger(__name__)

WINDOW_S = 3600
IPV6_PREFIX = 64


class LimiterUnavailable(Exception):
    """The cache cannot be reached and the limit fails closed: do not proceed."""


def address_bucket(ident: str) -> str:
    """What a limit counts for ``ident``: an IPv6 address's /64 network, an IPv4
    address itself, anything that is not an IP address unchanged."""
    try:
        address = ipaddress.ip_address(ident.strip())
    except ValueError:
        return ident
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False)
        return str(network)
    return str(address)


def _counted(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_S)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_S)
        return 1


def rate_wait(
    kind: str, ident: str, limit: int, *, fail_closed: bool = False
) -> int | None:
    """Count one use for ``ident`` in the current clock hour; the seconds until the
    window ends when this use is beyond ``limit``, else None (also when there is no
    identifier or no limit). An unreachable cache lets the use through with a
    warning, or raises :class:`LimiterUnavailable` when ``fail_closed``."""
    if not ident or limit <= 0:
        return None
    now = time.time()
    bucket = address_bucket(ident)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{bucket}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    key = f"report-rate:{kind}:{digest}:{int(now // WINDOW_S)}"
    try:
        count = _counted(key)
    except Exception as exc:  # any cache failure: the policy decides
        if fail_closed:
            log.error("rate limit (%s) unavailable, refusing: %s", kind, exc)
            raise LimiterUnavailable(str(exc)) from exc
        log.warning("rate limit (%s) not checked, cache unreachable: %s", kind, exc)
        return None
    if count > limit:
        return WINDOW_S - int(now % WINDOW_S)
    return None


def rate_hit(
    kind: str,
    ident: str,
    limit: int,
    label_vi: str,
    label_en: str,
    *,
    fail_closed: bool = False,
) -> None:
    """Count one submission for ``ident`` in the current clock hour; refuse beyond
    ``limit`` (0 or less: no limit) with a bilingual 429 naming ``label_vi`` /
    ``label_en``. The identifier is stored only as a keyed hash; an IP address is
    counted by its bucket (``address_bucket``). See the module docstring for an
    unreachable cache."""
    wait = rate_wait(kind, ident, limit, fail_closed=fail_closed)
    if wait is not None:
        minutes = max(1, math.ceil(wait / 60))
        raise errors.rate_limited(label_vi, label_en, limit, wait, minutes)
