"""deploy/nginx/hientruong.conf: valid for ``nginx -t``, and served for real in
front of the production gunicorn (TLS with a self-signed certificate made here)."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy.conftest import ROOT

SITE = ROOT / "deploy" / "nginx" / "hientruong.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not Path(NGINX).exists(),
        reason="nginx is not installed (scripts/system-deps.sh)",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_for(
    folder: Path, *, upstream: int, http: int, https: int, static: Path
) -> str:
    """The site as shipped, pointed at this test's ports, files and certificate."""
    cert, key = certificate(folder)
    text = SITE.read_text()
    host = "phananh.example.gov.vn"
    replacements = {
        f"/etc/letsencrypt/live/{host}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{host}/privkey.pem": str(key),
        "/var/lib/hientruong/static/": f"{static}/",
        "/var/lib/hientruong/media/": f"{folder / 'media'}/",
        "/var/log/nginx/": f"{folder}/",
        "/var/www/letsencrypt": str(folder),
        "server 127.0.0.1:8000": f"server 127.0.0.1:{upstream}",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


def nginx_conf(folder: Path, site: str) -> Path:
    (folder / "site.conf").write_text(site)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"user root;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/main-error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {folder}/site.conf; }}\n"
    )
    return conf


def test_the_site_passes_nginx_t(tmp_path, static_root):
    conf = nginx_conf(
        tmp_path,
        site_for(
            tmp_path,
            upstream=8000,
            http=free_port(),
            https=free_port(),
            static=static_root,
        ),
    )
    done = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_upload_bound_matches_the_settings():
    """client_max_body_size lets the largest report through (every photo at its
    largest) with at most 2 MiB for the rest of the form."""
    (size,) = re.findall(r"client_max_body_size (\d+)m;", SITE.read_text())
    photos = settings.REPORT_MAX_PHOTOS * settings.REPORT_MAX_PHOTO_BYTES
    assert photos <= int(size) * 2**20 <= photos + 2 * 2**20


@pytest.fixture
def nginx(tmp_path, server, static_root):
    running, log = server
    http_port, https_port = free_port(), free_port()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "photo.jpg").write_bytes(b"\xff\xd8 not public")
    conf = nginx_conf(
        tmp_path,
        site_for(
            tmp_path,
            upstream=running.port,
            http=http_port,
            https=https_port,
            static=static_root,
        ),
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield http_port, https_port, tmp_path, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(port: int, path: str, *, method: str = "GET", tls: bool = True, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=30, context=context
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, headers={"Host": "localhost", **(headers or {})})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_served_through_nginx(nginx):
    """Through the shipped site: HTTP goes to HTTPS; the application answers over
    TLS with nginx's request id, which is in nginx's log and gunicorn's; /metrics and
    /protected-media/ are not reachable from outside; hashed static files come
    gzipped and cacheable for a year; an upload over the bound is refused."""
    http_port, https_port, folder, gunicorn_log = nginx
    plain = fetch(http_port, "/healthz", tls=False)
    assert plain.status == 301
    assert plain.getheader("Location") == "https://localhost/healthz"

    health = fetch(https_port, "/healthz")
    assert health.status == 200
    rid = health.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", rid)

    def logged_by_nginx() -> bool:
        lines = (folder / "hientruong.access.log").read_text().splitlines()
        return any(
            entry["request_id"] == rid and entry["status"] == 200
            for entry in map(json.loads, lines)
        )

    # nginx writes its access line once the answer is sent: it may come a moment
    # after the client has read it.
    deadline = time.monotonic() + 5
    while not logged_by_nginx() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert logged_by_nginx()
    deadline = time.monotonic() + 5
    while rid not in gunicorn_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rid in gunicorn_log.read_text()

    # The page behind TLS: Django sees https (X-Forwarded-Proto), so no redirect.
    page = fetch(https_port, "/")
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security")

    assert fetch(https_port, "/metrics").status == 404
    assert fetch(https_port, "/protected-media/photo.jpg").status == 404

    stylesheet = re.findall(r'/static/[^"\']+\.[0-9a-f]{12}\.css', page.body.decode())[
        0
    ]
    static = fetch(https_port, stylesheet, headers={"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert static.getheader("Content-Encoding") == "gzip"
    assert "immutable" in static.getheader("Cache-Control")

    too_big = fetch(
        https_port,
        "/api/v1/reports/",
        method="POST",
        headers={
            "Content-Length": str(52 * 2**20),
            "Content-Type": "multipart/form-data",
        },
    )
    assert too_big.status == 413
