"""Prometheus metrics at GET /metrics, for the monitoring network only.

What is exported: django-prometheus's request counts and latency by view and
method, and the domain's own (``routing.metrics``): reports stored by channel,
routing decisions by rule, the outbox backlog, its oldest age and the notifications
given up, open reports past their deadline, and the Celery queue's length.

Who may read it: a direct connection from ``METRICS_ALLOWED_NETWORKS`` (loopback by
default; add the Prometheus server's network). Anyone else gets a plain 404, as if
the page did not exist, and so does any request that came through a proxy
(``X-Forwarded-For``, ``Forwarded`` or ``X-Real-IP`` present): behind nginx every
request arrives from loopback, so the peer's address alone would let the public in.
The public nginx site does not route /metrics either (deploy/nginx).

Under gunicorn the workers are separate processes; with ``PROMETHEUS_MULTIPROC_DIR``
set (config/gunicorn.conf.py does) each writes its counters to files there and this
view adds them up, so every scrape sees the whole server whichever worker answers.
Without it (``manage.py runserver``, the tests) the process's own registry is read.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from routing.metrics import DomainCollector

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def metrics_allowed(request: HttpRequest) -> bool:
    """A direct (not proxied) request from an allowed network."""
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    return any(peer in network for network in networks)


class _ProcessRegistry:
    """This process's default registry, as one collector among others."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def metrics_registry() -> CollectorRegistry:
    """The web server's metrics (all workers' under gunicorn) and the domain's."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessRegistry())
    registry.register(DomainCollector())
    return registry


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(
        generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST
    )
