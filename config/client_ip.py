"""The citizen's address behind the reverse proxies we run.

Behind nginx or a load balancer every request arrives from the proxy, so
``REMOTE_ADDR`` alone would put every citizen into one rate-limit bucket. The
proxies append the address they saw to ``X-Forwarded-For``; only the entries our own
proxies added can be trusted (a client can send any header). ``TRUSTED_PROXIES``
(addresses or networks) names them: walking the header from the right, the first
address that is not one of ours is the client. With no trusted proxies configured,
the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the last X-Forwarded-For hop that is not
    a trusted proxy when the request came through one."""
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None

    def ours(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    if not ours(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return str(remote)  # a malformed entry: trust nothing beyond our proxy
        if not ours(address):
            return str(address)
    return str(remote)
