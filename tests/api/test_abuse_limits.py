"""Abuse resistance of the intake's limits: counted before any photo is decoded,
IPv6 counted by /64, e-mail limited like phone, and the Redis-down policy (open for
submissions, closed for SMS and e-mail sends)."""

from __future__ import annotations

import io
import json
import logging
import random
import uuid

import pytest
from PIL import Image

from routing.intake import photos as photo_module
from routing.intake.ratelimits import (
    LimiterUnavailable,
    address_bucket,
    rate_hit,
    rate_wait,
)
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """Every photo decode, counted by wrapping the real decoder (it still runs)."""
    seen: list[str] = []
    real = photo_module._open

    def counting(data: bytes, name: str):
        seen.append(name)
        return real(data, name)

    monkeypatch.setattr(photo_module, "_open", counting)
    return seen


def _mobile() -> str:
    return f"091{random.randint(0, 9_999_999):07d}"


def _jpeg(name: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (10, 120, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def _form(**fields) -> dict:
    return {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": "Rác thải đổ bừa bãi cạnh chợ.",
        "reporter_phone": _mobile(),
        **fields,
    }


def test_a_client_over_its_limit_costs_no_photo_decode(api, settings, decodes):
    """With the address's hourly limit reached, a submission with photos is refused
    (429) and not one of its photos is decoded."""
    settings.REPORT_RATE_PER_IP_HOUR = 1
    ip = {"REMOTE_ADDR": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.9"}
    first = api.post(REPORTS, {**_form(), "photos": [_jpeg("a.jpg")]}, **ip)
    assert first.status_code == 201
    assert decodes == ["a.jpg"]
    photos = [_jpeg(f"{n}.jpg") for n in range(5)]
    refused = api.post(REPORTS, {**_form(), "photos": photos}, **ip)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert decodes == ["a.jpg"]


def test_a_phone_over_its_limit_costs_no_photo_decode(api, settings, decodes):
    """The phone's limit is known from the plain fields and counted before the
    photos too, whatever address the client comes from."""
    settings.REPORT_RATE_PER_PHONE_HOUR = 1
    phone = _mobile()
    assert api.post(REPORTS, _form(reporter_phone=phone)).status_code == 201
    refused = api.post(
        REPORTS,
        {**_form(reporter_phone=phone), "photos": [_jpeg("b.jpg")]},
        REMOTE_ADDR="192.0.2.77",
    )
    assert refused.status_code == 429
    assert decodes == []


def test_replays_are_not_counted_before_the_photos_either(api, settings):
    """A retried submission (same Idempotency-Key) answers with its report even
    when the address has no submissions left."""
    settings.REPORT_RATE_PER_IP_HOUR = 1
    ip = {"REMOTE_ADDR": f"10.9.{random.randint(0, 255)}.{random.randint(1, 254)}"}
    key = {"HTTP_IDEMPOTENCY_KEY": f"retry-{uuid.uuid4().hex}"}
    fields = _form()
    first = api.post(REPORTS, {**fields, "photos": [_jpeg("c.jpg")]}, **ip, **key)
    again = api.post(REPORTS, {**fields, "photos": [_jpeg("c.jpg")]}, **ip, **key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert api.post(REPORTS, _form(), **ip).status_code == 429


def test_ipv6_addresses_are_counted_per_64(api, settings):
    """Two addresses of one /64 share a limit; the next /64 has its own."""
    settings.REPORT_RATE_PER_IP_HOUR = 1
    prefix = f"2001:db8:{random.randint(0, 0xFFFF):x}:{random.randint(0, 0xFFFF):x}"
    post = lambda address: api.post(  # noqa: E731
        REPORTS,
        json.dumps(_form()),
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    assert post(f"{prefix}::1").status_code == 201
    assert post(f"{prefix}:dead:beef:1:2").status_code == 429
    neighbour = f"{prefix[:-1]}{(int(prefix[-1], 16) + 1) % 16:x}::1"
    assert post(neighbour).status_code == 201


def test_address_buckets():
    """IPv4 alone, IPv6 by /64, IPv4-mapped IPv6 as IPv4, other identifiers as
    they are."""
    assert address_bucket("203.0.113.5") == "203.0.113.5"
    assert address_bucket("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_bucket("::ffff:203.0.113.5") == "203.0.113.5"
    assert address_bucket("+84912345678") == "+84912345678"
    assert address_bucket("an@example.vn") == "an@example.vn"


def test_an_email_address_has_its_own_hourly_limit(api, settings):
    """The third report in an hour from one e-mail address (in any letter case) is
    refused; anonymous reports with an e-mail count too."""
    settings.REPORT_RATE_PER_EMAIL_HOUR = 2
    email = f"dan-{uuid.uuid4().hex[:8]}@example.vn"

    def post(address: str, **extra):
        body = _form(reporter_phone="", reporter_email=address, **extra)
        return api.post(REPORTS, json.dumps(body), content_type="application/json")

    assert post(email).status_code == 201
    assert post(email.upper().replace("@EXAMPLE.VN", "@example.vn")).status_code == 201
    refused = post(email, anonymous=True)
    assert refused.status_code == 429
    assert "e-mail" in refused.json()["messages"]["en"]
    assert post(f"other-{email}").status_code == 201


def test_redis_down_lets_submissions_through(api, settings, caplog):
    """Fail open for submissions: with the cache unreachable a report with photos
    is accepted, and a warning says the limit was not checked."""
    settings.CACHES = DOWN
    settings.REPORT_RATE_PER_IP_HOUR = 1
    with caplog.at_level(logging.WARNING, logger="routing.intake.ratelimits"):
        for _ in range(2):
            response = api.post(REPORTS, {**_form(), "photos": [_jpeg("d.jpg")]})
            assert response.status_code == 201
    assert "not checked" in caplog.text


def test_fail_closed_refuses_when_redis_is_down(settings):
    """A limit that fails closed raises instead of letting the use through."""
    settings.CACHES = DOWN
    with pytest.raises(LimiterUnavailable):
        rate_wait("sms", "+84912345678", 5, fail_closed=True)
    assert rate_wait("sms", "+84912345678", 5) is None


def test_rate_hit_keeps_its_signature_for_other_callers(settings):
    """``rate_hit(kind, ident, limit, label_vi, label_en)`` as the citizen
    endpoints call it: counts per kind and identifier, refuses beyond the limit."""
    ident = f"track-{uuid.uuid4().hex}"
    rate_hit("track", ident, 2, "địa chỉ này", "this address")
    rate_hit("track", ident, 2, "địa chỉ này", "this address")
    with pytest.raises(Exception, match="this address") as refused:
        rate_hit("track", ident, 2, "địa chỉ này", "this address")
    assert refused.value.extra["limit"] == 2
