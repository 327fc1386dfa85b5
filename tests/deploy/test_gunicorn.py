"""The production server as the systemd unit starts it: gunicorn with
config/gunicorn.conf.py (gthread, keep-alive, JSON access log with the request id,
metrics added up over the workers) and config.settings.production (HTTPS redirect,
hashed and compressed static files)."""

from __future__ import annotations

import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.api import HOST

pytestmark = pytest.mark.django_db


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def log_lines(log, *, until=lambda lines: True, timeout: float = 5.0) -> list[dict]:
    """Every line of the server's log, parsed (each must be JSON), once ``until``
    holds for them (the access line is written after the response is sent)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line]
        if until(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def with_id(rid: str, count: int):
    return lambda lines: sum(line.get("request_id") == rid for line in lines) >= count


def test_two_requests_share_one_connection(server):
    """gthread keeps the connection open: the second request goes over the same
    socket, and neither answer says ``Connection: close``."""
    running, _ = server
    conn = http.client.HTTPConnection(HOST, running.port, timeout=30)
    try:
        conn.request("GET", "/healthz")
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        conn.request("GET", "/healthz")
        second = conn.getresponse()
        second.read()
        assert (first.status, second.status) == (200, 200)
        assert sock is not None
        assert conn.sock is sock
        assert not first.will_close
        assert not second.will_close
        assert (first.getheader("Connection") or "").lower() != "close"
    finally:
        conn.close()


def test_access_log_is_json_with_the_request_id(server):
    """A well-formed X-Request-ID from the proxy comes back on the response and is
    in gunicorn's JSON access line; every line the server writes is JSON."""
    running, log = server
    rid = "nginx-5b1f0c2e9d7a4c3b"
    response = get(running.port, "/healthz?probe=1", **{"X-Request-ID": rid})
    assert response.getheader("X-Request-ID") == rid
    lines = log_lines(log, until=with_id(rid, 1))
    access = [line for line in lines if line.get("request_id") == rid]
    assert len(access) == 1
    line = access[0]
    assert line["logger"] == "gunicorn.access"
    assert (line["method"], line["path"], line["query"], line["status"]) == (
        "GET",
        "/healthz",
        "probe=1",
        200,
    )
    assert line["duration_ms"] >= 0


def test_application_log_lines_carry_the_request_id(server):
    """Django's own line for a 404 and the access line share the id; a malformed
    id from outside is replaced by a fresh one."""
    running, log = server
    response = get(
        running.port,
        "/nowhere",
        **{"X-Request-ID": "bad id", "X-Forwarded-Proto": "https"},
    )
    rid = response.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    lines = log_lines(log, until=with_id(rid, 2))
    lines = [line for line in lines if line.get("request_id") == rid]
    assert {line["logger"] for line in lines} == {"django.request", "gunicorn.access"}


def test_metrics_add_up_over_the_workers(server):
    """Requests answered by any worker are counted once in every scrape, whichever
    worker answers the scrape (prometheus_client's multiprocess directory)."""
    running, log = server
    # A view no other test asks for (a /healthz from the start-up wait may still be
    # in flight on a loaded machine).
    path = "/api/v1/boundaries/sets"
    series = "django_http_requests_latency_seconds_by_view_method_count"
    labels = '{method="GET",view="boundary-sets"}'

    def scraped() -> float:
        body = get(running.port, "/metrics").body.decode()
        values = [
            float(line.split()[-1])
            for line in body.splitlines()
            if line.startswith(series + labels)
        ]
        return values[0] if values else 0.0

    def fetched(_: int) -> int:
        return get(running.port, path, **{"X-Forwarded-Proto": "https"}).status

    before = scraped()
    requests = 40
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(fetched, range(requests)))
    assert statuses == [200] * requests
    assert [scraped() for _ in range(4)] == [before + requests] * 4
    pids = {line["pid"] for line in log_lines(log) if line.get("path") == path}
    assert len(pids) == 2  # both workers answered some


def test_metrics_refused_through_a_proxy(server):
    """A request that came through a proxy is not a scrape: 404."""
    running, _ = server
    assert (
        get(running.port, "/metrics", **{"X-Forwarded-For": "203.0.113.9"}).status
        == 404
    )
    assert get(running.port, "/metrics").status == 200


def test_production_redirects_to_https_and_serves_hashed_compressed_static(server):
    """Plain HTTP is redirected; behind nginx (X-Forwarded-Proto: https) the page is
    served with hashed static names, and WhiteNoise sends them gzipped and cacheable
    for a year."""
    running, _ = server
    plain = get(running.port, "/")
    assert plain.status == 301
    assert plain.getheader("Location").startswith("https://")
    page = get(running.port, "/", **{"X-Forwarded-Proto": "https"})
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security")
    hashed = re.findall(r'/static/[^"\']+\.[0-9a-f]{12}\.css', page.body.decode())
    assert hashed, "the page links no hashed stylesheet"
    static = get(
        running.port,
        hashed[0],
        **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"},
    )
    assert static.status == 200
    assert static.getheader("Content-Encoding") == "gzip"
    assert "max-age=315360000" in static.getheader("Cache-Control")
