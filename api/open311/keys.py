"""Open311 API keys: make one (the clear key is returned once), revoke it, check it.

A key looks like ``ht311_`` followed by 43 URL-safe characters (256 random bits).
Only its SHA-256 and its first 12 characters are stored. Posting counts against the
key's hourly limit in the cache (``routing.intake.ratelimits``, the same fixed window
as the web form's limits); a key never replaces the checks of
``routing.intake.submission.submission_parse``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiKey
from api.open311.errors import Open311Error
from routing.intake.errors import RateLimited
from routing.intake.ratelimits import rate_hit

KEY_PREFIX = "ht311_"
# The key `make demo` creates and the README names. Published, so accepted only in
# demo mode (HT_DEMO=1, settings.DEMO_MODE): elsewhere it is refused even when a copy
# of a demo database holds it. Real keys come from open311_key_create without --demo.
DEMO_KEY = "ht311_demo_dong_hoi_not_secret"
VISIBLE = 12  # characters of the key kept in clear, "ht311_" and six more


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    clear: str  # shown once, never stored


def key_material() -> tuple[str, str, str]:
    """A new key: (clear key, visible prefix, stored digest)."""
    clear = KEY_PREFIX + secrets.token_urlsafe(32)
    return clear, clear[:VISIBLE], ApiKey.digest(clear)


@transaction.atomic
def api_key_create(
    *, name: str, rate_limit_per_hour: int | None = None, clear: str | None = None
) -> IssuedKey:
    """Make a key for ``name``; the clear key is in the result and nowhere else.

    ``clear`` fixes the key instead of drawing one: only for the demo's published key.
    """
    if clear is None:
        clear, prefix, digest = key_material()
    else:
        prefix, digest = clear[:VISIBLE], ApiKey.digest(clear)
    fields: dict[str, Any] = {
        "name": name.strip(),
        "prefix": prefix,
        "key_hash": digest,
    }
    if rate_limit_per_hour is not None:
        fields["rate_limit_per_hour"] = rate_limit_per_hour
    return IssuedKey(key=ApiKey.objects.create(**fields), clear=clear)


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Switch a key off for good (the row stays, with when it was revoked)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
    key.active = False
    key.save(update_fields=["active", "revoked_at"])
    return key


def _refused(vi: str, en: str) -> Open311Error:
    return Open311Error.one(403, vi, en)


def api_key_authenticate(*, clear: str | None) -> ApiKey:
    """The usable key matching ``clear``, or a 403 naming what is wrong."""
    text = (clear or "").strip()
    if not text:
        raise _refused(
            "Thiếu api_key: gửi phản ánh qua Open311 cần khóa API do Trung tâm IOC cấp.",
            "api_key is missing: posting a request needs an API key issued by the "
            "operations centre.",
        )
    digest = ApiKey.digest(text)
    if digest == ApiKey.digest(DEMO_KEY) and not settings.DEMO_MODE:
        raise _refused(
            "api_key là khóa demo công khai, chỉ dùng được ở chế độ demo (HT_DEMO=1): "
            "hãy xin khóa thật từ Trung tâm IOC.",
            "api_key is the published demo key, accepted only in demo mode "
            "(HT_DEMO=1): ask the operations centre for a real key.",
        )
    key = ApiKey.objects.filter(key_hash=digest).first()
    if key is None:
        raise _refused(
            "api_key không hợp lệ: không thể tạo phản ánh.",
            "Invalid api_key received -- can't proceed with create_request.",
        )
    if not key.usable:
        raise _refused(
            f"api_key {key.prefix}… đã bị thu hồi: không thể tạo phản ánh.",
            f"The api_key {key.prefix}… has been revoked -- can't proceed with "
            "create_request.",
        )
    return key


def api_key_use(*, key: ApiKey) -> None:
    """Count one post against the key's hourly limit (429 beyond it) and note when
    the key was last used."""
    try:
        rate_hit(
            "open311-key",
            str(key.pk),
            key.rate_limit_per_hour,
            "khóa API này",
            "this API key",
        )
    except RateLimited as error:
        raise Open311Error.from_bilingual(error) from None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
