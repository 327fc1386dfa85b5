"""Production settings: the demo's defaults, made safe to face the internet.

Start every server process with ``DJANGO_SETTINGS_MODULE=config.settings.production``
(deploy/hientruong.env). ``manage.py check --deploy`` prints no warnings with it
(tests/deploy/test_production_settings.py).
"""

import os
from pathlib import Path

from config.logs import logging_config

from .base import *  # noqa: F403
from .base import BASE_DIR, LOG_LEVEL, env_bool, env_list

# --- Security -----------------------------------------------------------------------
# (The signin branch writes this block with SECRET_KEY / ALLOWED_HOSTS refusals; when
# both branches meet, keep signin's block here and the serving block below.)
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- Serving (operate branch) ---------------------------------------------------------
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
WHITENOISE_AUTOREFRESH = False
# Rotating SECRET_KEY (docs/operations.md): the previous keys, comma-separated, still
# verify sessions and signed values until they are removed.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
# One JSON object per line on standard error (journald), with the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
