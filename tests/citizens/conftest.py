"""Fixtures of the verified-citizen tests: the in-memory SMS backend, codes read
from it, and a citizen signed in through the real API."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from routing.notifications.sms import MemorySmsBackend

CODE = re.compile(r"\b(\d{6})\b")
_addresses = itertools.count(1)
_phones = itertools.count(1)


def address() -> str:
    """A client address of this test alone."""
    n = next(_addresses)
    return f"198.19.{n // 250}.{n % 250 + 1}"


def mobile() -> tuple[str, str]:
    """A Vietnamese mobile number as typed and as E.164, new each call."""
    n = next(_phones)
    local = f"0912{n:06d}"
    return local, "+84" + local[1:]


def post(client: Client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def last_code(outbox, phone: str) -> str:
    texts = [m.text for m in outbox if m.to == phone]
    assert texts, f"no SMS to {phone}"
    match = CODE.search(texts[-1])
    assert match
    return match.group(1)


@dataclass
class SignedIn:
    client: Client
    phone: str
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def sign_in(sms, client: Client | None = None) -> SignedIn:
    client = client or Client()
    typed, phone = mobile()
    ip = address()
    assert (
        post(client, "/api/v1/otp/", {"phone": typed}, REMOTE_ADDR=ip).status_code
        == 202
    )
    answer = post(
        client,
        "/api/v1/otp/verify",
        {"phone": typed, "code": last_code(sms, phone)},
        REMOTE_ADDR=ip,
    )
    assert answer.status_code == 200, answer.content
    return SignedIn(client=client, phone=phone, token=answer.json()["token"])


@pytest.fixture
def citizen(sms) -> SignedIn:
    return sign_in(sms)
