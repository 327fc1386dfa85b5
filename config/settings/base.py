"""Settings read from the environment; every other module takes its settings from here.

DATABASE_URL   postgis://user@host:port/db (the Makefile points it at the project's own
               PostGIS cluster under .data/ when unset)
REDIS_URL      redis://127.0.0.1:6379/0
SECRET_KEY     required when DJANGO_DEBUG is off outside the demo
ALLOWED_HOSTS  comma-separated host names
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url

from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-insecure-key-set-SECRET_KEY-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "boundaries",
    "routing",
    "api",
    "analytics",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:54329/hientruong"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostGIS function costs push spatial queries over jit_above_cost, and compiling them
# takes longer than running them (0.6 s against 0.09 s for the topology check).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# GDAL 3.6 on Debian 12 is older than GeoDjango 5.2 recommends (3.9); everything we use
# works on 3.6, so the warning is silenced here instead of failing checks on warnings.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Staff sign in on the pages (web.signin); citizens never need an account.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:staff-home"
LOGOUT_REDIRECT_URL = "web:report"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
# WhiteNoise warns on every start when its root is missing; it only ever reads it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app static files straight from the finders, so the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # django-filter's backend, answering bad values with the API's bilingual errors.
    "DEFAULT_FILTER_BACKENDS": ["api.filtering.ApiFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hiện Trường API",
    "DESCRIPTION": "Phản ánh hiện trường: boundaries, routing and reports.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Basemap tiles: OpenStreetMap by default; set MAP_TILES_URL="" to run with no basemap
# (offline, tests), where the pages still draw unit boundaries and names.
MAP_TILES_URL = os.environ.get(
    "MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
LEAFLET_CONFIG: dict[str, Any] = {
    "DEFAULT_CENTER": (17.47, 106.60),
    "DEFAULT_ZOOM": 12,
    "TILES": [("OSM", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
}

# Logs: plain lines here (the demo, the tests), JSON in production; the request id on
# every line either way (config.logs, config.request_id).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# Routing: a pin this close outside every unit (sea shore, river mouth, border) is given
# the nearest unit, flagged; a pin this close to a zone or unit edge is flagged near_edge.
ROUTING_SHORE_TOLERANCE_M = float(os.environ.get("ROUTING_SHORE_TOLERANCE_M", "2000"))
ROUTING_NEAR_EDGE_M = float(os.environ.get("ROUTING_NEAR_EDGE_M", "30"))

# Celery on Redis. Short broker timeouts: a request must never hang because Redis is
# down (the outbox keeps the work; the periodic sweep sends it later).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# max_retries 0: publishing to a broker that is down fails at once (0.07 s measured,
# not 2 s), so a request never waits on Redis; workers keep their own reconnect loop.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Cache (rate limits) on Redis; a rate limiter that cannot reach Redis lets requests
# through rather than refusing citizens.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("CACHE_URL", REDIS_URL),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "KEY_PREFIX": "ht",
    }
}
# Our reverse proxies (comma-separated addresses or networks): behind them the client's
# address is read from X-Forwarded-For (api.client_ip); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = [
    entry for entry in os.environ.get("TRUSTED_PROXIES", "").split(",") if entry.strip()
]
REPORT_RATE_PER_IP_HOUR = int(os.environ.get("REPORT_RATE_PER_IP_HOUR", "30"))
REPORT_RATE_PER_PHONE_HOUR = int(os.environ.get("REPORT_RATE_PER_PHONE_HOUR", "10"))
REPORT_MAX_PHOTOS = 5
REPORT_MAX_PHOTO_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Notifications: e-mail through Django's backend (console in the demo), SMS through a
# pluggable backend, webhooks signed with HMAC-SHA256 of the body.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Hiện Trường <no-reply@hientruong.invalid>"
)
SMS_BACKEND = os.environ.get("SMS_BACKEND", "routing.notifications.sms.LogSmsBackend")
WEBHOOK_SIGNING_SECRET = os.environ.get("WEBHOOK_SIGNING_SECRET", SECRET_KEY)
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
# SLA: "due soon" once this share of the allowed time has passed.
SLA_DUE_SOON_SHARE = 0.8
# A resolved report nobody rated closes after this many working days (routing.workflow.autoclose).
REPORT_AUTOCLOSE_WORKING_DAYS = int(
    os.environ.get("REPORT_AUTOCLOSE_WORKING_DAYS", "7")
)

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "routing.notifications.tasks.outbox_sweep",
        "schedule": 30.0,
    },
    "sla-escalate": {
        "task": "routing.tasks.sla_escalate",
        "schedule": 300.0,
    },
    "reports-autoclose": {
        "task": "routing.tasks.reports_autoclose",
        "schedule": 3600.0,
    },
}

# --- Operating: request ids and Prometheus metrics (config.request_id, api.metrics) ---
# django-prometheus times every request by view; its two middlewares wrap all others,
# and the request id is bound before anything else logs.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.request_id.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Who may read /metrics (comma-separated addresses or networks): anyone else, and
# any request that came through a proxy, gets 404.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
