"""The client's address for rate limits, behind our reverse proxies or not."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from config.client_ip import client_ip


def request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/api/v1/reports/", **meta)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy configured for this address: the header is a client's claim.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Through our proxy: the hop it appended.
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        # A forged first entry and two of our proxies: the last untrusted hop wins.
        ("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        # Our proxy without the header, or with garbage: the proxy itself.
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        # IPv6 clients through our IPv6 proxy network.
        ("fd00::1", "2001:db8::42", "2001:db8::42"),
    ],
)
def test_client_ip(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    assert client_ip(request(remote, forwarded)) == expected


def test_header_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("10.0.0.5", "198.51.100.1")) == "10.0.0.5"
