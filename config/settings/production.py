"""Production settings: base plus what a public government service must have.

Run with ``DJANGO_SETTINGS_MODULE=config.settings.production``. It refuses to start
(ImproperlyConfigured) without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` in the
environment, and in demo or debug mode. ``manage.py check --deploy`` is clean with
the defaults below (tests/unit/test_settings_security.py).

Sections: security (keys, hosts, HTTPS, cookies, headers) and serving (static
files, logs, key rotation; gunicorn reads config/gunicorn.conf.py).

Environment, all optional but the first two:

SECRET_KEY                       required, 50+ random characters
ALLOWED_HOSTS                    required, comma-separated host names
CSRF_TRUSTED_ORIGINS             https://host,… when a proxy changes the origin
SECURE_SSL_REDIRECT              1 (default): http:// is redirected to https://
SECURE_PROXY_SSL_HEADER          the header our TLS-terminating proxy sets to
                                 "https", e.g. X-Forwarded-Proto (unset: none; set
                                 it only when the proxy always overwrites it)
SECURE_HSTS_SECONDS              31536000 (one year; 0 switches HSTS off)
SECURE_HSTS_INCLUDE_SUBDOMAINS   1 (default)
SECURE_HSTS_PRELOAD              1 (default): allows submitting the domain to the
                                 browsers' preload list; nothing is submitted for you
SESSION_COOKIE_SECURE            1 (default): cookies only over HTTPS
CSRF_COOKIE_SECURE               1 (default)
SESSION_COOKIE_AGE               28800 (8 h, a working day): staff sign in again
                                 each day
SECRET_KEY_FALLBACKS             previous keys while rotating (docs/operations.md)
STATIC_ROOT                      where collectstatic writes (default .data/static)
LOG_FORMAT                       json (default) or plain
MEDIA_ACCEL_REDIRECT             /protected-media/ (default): nginx sends photo files
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.logs import logging_config

from .base import *  # noqa: F403
from .base import BASE_DIR, DEBUG, DEMO_MODE, LOG_LEVEL
from .env import env_bool, env_list

# --- Security -------------------------------------------------------------------------


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: thiếu {name}. The production settings need it in "
            "the environment (see config/settings/production.py)."
        )
    return value


if DEBUG or DEMO_MODE:
    raise ImproperlyConfigured(
        "Production settings refuse DJANGO_DEBUG=1 and HT_DEMO=1 (the demo's "
        "passwords and published keys): unset them."
    )
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]

# HTTPS only: redirect plain HTTP, tell browsers to stay on HTTPS (HSTS), and send
# the session and CSRF cookies over HTTPS only.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
    if _proxy_header
    else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
# The session cookie is never readable by scripts; the CSRF cookie is (the pages'
# script sends it back as X-CSRFToken, web/static/web/js/ht.js).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions last a working day, not Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Serving --------------------------------------------------------------------------
# Prometheus and the load balancer talk plain HTTP to gunicorn on the private network:
# they must not be redirected to https (nginx redirects the public side itself).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# Static files: `manage.py collectstatic` (deploy/install.sh) writes hashed names
# (cacheable for a year) and gzip copies; WhiteNoise (or nginx) serves them from
# STATIC_ROOT, never from the apps' folders.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / ".data" / "static"))
# Only the static storage changes: "default" (photos: filesystem, or object storage
# when base configures it) stays as base.py left it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    **globals().get("STORAGES", {}),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = False
# Photos on the filesystem: Django checks who may see one, then hands the bytes to
# nginx's internal location (deploy/nginx/hientruong.conf), so media is never
# streamed by a Python worker. Set it empty only when no nginx stands in front.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "/protected-media/")
WHITENOISE_AUTOREFRESH = False
# Rotating SECRET_KEY (docs/operations.md): the previous keys, comma-separated, still
# verify sessions and signed values until they are removed.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
# One JSON object per line on standard error (journald), with the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
