"""The settings refuse to start without their secrets, and the production settings
pass `manage.py check --deploy` with no warning (each case in a fresh process, as a
server would start)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import get_random_string

from config.settings.secret_key import DEVELOPMENT_KEY, secret_key

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLEARED = ("SECRET_KEY", "ALLOWED_HOSTS", "HT_DEMO", "DJANGO_DEBUG")
STRONG = secrets.token_urlsafe(50)


def manage(*args: str, settings: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args, f"--settings={settings}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "  khóa-thật  ")
    assert secret_key(debug=False, demo=False) == "khóa-thật"


def test_no_key_outside_debug_and_the_demo_refuses_to_start(monkeypatch):
    """Only DEBUG or the demo fall back to the published development key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        secret_key(debug=False, demo=False)
    assert secret_key(debug=True, demo=False) == DEVELOPMENT_KEY
    assert secret_key(debug=False, demo=True) == DEVELOPMENT_KEY


def test_the_base_settings_refuse_to_start_without_a_key():
    """A fresh process on the base settings stops with ImproperlyConfigured; with
    HT_DEMO=1 it starts."""
    refused = manage("check", settings="config.settings.base")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "SECRET_KEY is not set" in refused.stderr
    demo = manage("check", settings="config.settings.base", HT_DEMO="1")
    assert demo.returncode == 0, demo.stderr


def test_check_deploy_is_clean_on_the_production_settings():
    """With SECRET_KEY and ALLOWED_HOSTS set, `check --deploy` finds no issue."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level=WARNING",
        settings="config.settings.production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="phananh.quangtri.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "phananh.quangtri.gov.vn"}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": STRONG}, "ALLOWED_HOSTS is not set"),
        (
            {
                "SECRET_KEY": STRONG,
                "ALLOWED_HOSTS": "phananh.quangtri.gov.vn",
                "HT_DEMO": "1",
            },
            "refuse DJANGO_DEBUG=1 and HT_DEMO=1",
        ),
    ],
)
def test_the_production_settings_refuse_to_start_without_their_secrets(env, message):
    result = manage("check", settings="config.settings.production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_production_settings_read_the_proxy_header_and_hsts(monkeypatch):
    """The settings module's values for a deployment behind a TLS proxy."""
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        settings="config.settings.production",
        SECRET_KEY=get_random_string(60),
        ALLOWED_HOSTS="phananh.quangtri.gov.vn",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_PRELOAD="0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') 600 False True 28800"
    )


def test_production_hands_photo_files_to_nginx():
    """No Python worker streams a photo in production: the media view answers with
    X-Accel-Redirect to nginx's internal location unless told otherwise."""
    code = "from django.conf import settings as s; print(s.MEDIA_ACCEL_REDIRECT)"
    result = manage(
        "shell",
        "-c",
        code,
        settings="config.settings.production",
        SECRET_KEY=get_random_string(60),
        ALLOWED_HOSTS="phananh.quangtri.gov.vn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/protected-media/"
