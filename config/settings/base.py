"""Settings read from the environment; every other module takes its settings from here.

DATABASE_URL   postgis://user@host:port/db; unset: the project's own PostGIS cluster
               (scripts/pg.sh) at 127.0.0.1:HT_PG_PORT (54329), database HT_PG_DB
REDIS_URL      redis://127.0.0.1:6379/0
SECRET_KEY     required unless DJANGO_DEBUG or HT_DEMO is on: the process refuses to
               start without it (config.settings.secrets)
HT_DEMO        1 in the demo (the Makefile's demo targets set it): a published
               development key, the demo Open311 key and the `demo` passwords work
ALLOWED_HOSTS  comma-separated host names
PUBLIC_SITE_URL  the site's public address, for links in notifications
RECEIPT_SECRET_KEY  key of the reporters' receipt secrets (default: SECRET_KEY)
"""

import datetime as dt
import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab

from config.logs import logging_config
from config.settings.env import env_bool, env_list
from config.settings.secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent


DEBUG = env_bool("DJANGO_DEBUG", default=False)
# The demo: weak demo passwords, the published Open311 demo key and a development
# SECRET_KEY are accepted only here (and the key also with DEBUG); never on a server.
DEMO_MODE = env_bool("HT_DEMO", default=False)
SECRET_KEY = secret_key(debug=DEBUG, demo=DEMO_MODE)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # django.contrib.admin, with the access policy's site (routing.admin_site)
    "routing.apps.PolicyAdminConfig",
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
    "axes",
    "boundaries",
    "routing",
    "api",
    "analytics",
    "web",
    "demo",
]

MIDDLEWARE = [
    # Outermost: no cookie on an answer kept for everybody (config.public_cache).
    "config.public_cache.PublicCookieGuard",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.timeouts.StatementTimeoutMiddleware",
    # Last: turns a sign-in refused during a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# Unset, the URL is the one scripts/pg.sh prints (`url`) from the same variables, so
# manage.py, Celery and pytest reach the cluster the Makefile started.
PROJECT_DATABASE_URL = "postgis://postgres@127.0.0.1:{port}/{name}".format(
    port=os.environ.get("HT_PG_PORT", "54329"),
    name=os.environ.get("HT_PG_DB", "hientruong"),
)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", PROJECT_DATABASE_URL),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostGIS function costs push spatial queries over jit_above_cost, and compiling them
# takes longer than running them (0.6 s against 0.09 s for the topology check).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Prepared statements: Django's own cursors bind client-side and never prepare; the
# point lookup asks for it explicitly (boundaries.prepared), which psycopg allows only
# when this is not None (Django's default). Never reached by counting: explicit only.
# Behind pgbouncer in transaction mode scaleout.pooled sets it back to None.
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
# The web process cuts off any statement running longer than this (config.timeouts,
# installed by config/wsgi.py only: commands and Celery workers are not limited);
# 0 turns it off.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
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

# Staff passwords: Django's validators (length, common passwords, all digits, too
# like the user name). `manage.py staff_create` and the admin's password forms apply
# them; only the demo (HT_DEMO) may create its `demo` accounts with a weak password.
PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes) on every sign-in, /ops/login and /admin/login alike:
# SIGNIN_FAILURE_LIMIT wrong passwords for one user name from one address, or
# SIGNIN_ADDRESS_FAILURE_LIMIT from one address whatever the names, lock that pair
# (or that address) out for SIGNIN_COOLOFF_MINUTES after the last failure; during a
# lockout even the right password is refused (web.lockout). The address is the one
# the rate limits use (config.client_ip, TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses while locked out
    # Passwords as Django's ModelBackend; model permissions (the admin's) from the
    # access policy alone, never from groups.
    "routing.admin_site.PolicyBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=float(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "web.lockout.SignInAttemptsHandler"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "web.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
# WhiteNoise warns on every start when its root is missing; it only ever reads it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app static files straight from the finders, so the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
MEDIA_URL = "media/"
# Photo files are checked by Django (web.media); when set (a URL prefix such as
# "/protected-media/"), nginx sends the bytes from an internal location of that name.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # django-filter's backend, answering bad values with the API's bilingual errors.
    "DEFAULT_FILTER_BACKENDS": ["api.filtering.ApiFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Staff use the API from the pages, signed in: sessions (with CSRF) only, never
    # HTTP Basic (a password on every request, unthrottled). Open311 partners keep
    # their API keys (api.open311.keys).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication"
    ],
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
# address is read from X-Forwarded-For (config.client_ip); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = [
    entry for entry in os.environ.get("TRUSTED_PROXIES", "").split(",") if entry.strip()
]
REPORT_RATE_PER_IP_HOUR = int(os.environ.get("REPORT_RATE_PER_IP_HOUR", "30"))
REPORT_RATE_PER_PHONE_HOUR = int(os.environ.get("REPORT_RATE_PER_PHONE_HOUR", "10"))
# Citizen endpoints (tracking, nearby, photos, rating, adding information): requests
# per client address per minute and per clock hour (routing.reports.throttle); 0 or
# less turns a window off.
CITIZEN_RATE_PER_IP_MINUTE = int(os.environ.get("CITIZEN_RATE_PER_IP_MINUTE", "30"))
CITIZEN_RATE_PER_IP_HOUR = int(os.environ.get("CITIZEN_RATE_PER_IP_HOUR", "300"))
# Place search (typed letter by letter) and reverse (the pin moved) per client address
# per minute, each a bucket of its own apart from the citizen endpoints' (api.boundaries
# .places); 0 or less turns one off.
PLACE_SEARCH_RATE_PER_IP_MINUTE = int(
    os.environ.get("PLACE_SEARCH_RATE_PER_IP_MINUTE", "120")
)
PLACE_REVERSE_RATE_PER_IP_MINUTE = int(
    os.environ.get("PLACE_REVERSE_RATE_PER_IP_MINUTE", "60")
)
# The today's units holding an earlier unit's area (boundaries.search) are cached this
# long, per unit and today's boundary sets (a new set makes new keys).
PLACE_SUCCESSORS_CACHE_SECONDS = int(
    os.environ.get("PLACE_SUCCESSORS_CACHE_SECONDS", "86400")
)
# Attempts with a receipt secret on one tracking code per clock hour, right or wrong
# (routing.workflow.citizen).
RECEIPT_ATTEMPTS_PER_CODE_HOUR = int(
    os.environ.get("RECEIPT_ATTEMPTS_PER_CODE_HOUR", "10")
)
# Receipt secrets are HMACs keyed with this (routing.reports.receipt). Rotating it
# breaks the receipt links of notifications sent afterwards unless the old key is
# kept in RECEIPT_SECRET_KEY_FALLBACKS (comma-separated, tried in order).
RECEIPT_SECRET_KEY = os.environ.get("RECEIPT_SECRET_KEY") or SECRET_KEY
RECEIPT_SECRET_KEY_FALLBACKS = env_list("RECEIPT_SECRET_KEY_FALLBACKS", "")
# The public address of the site, for links in notifications (the receipt link).
PUBLIC_SITE_URL = os.environ.get("PUBLIC_SITE_URL", "http://127.0.0.1:8000")
# An Idempotency-Key answers with its report for this long, then may be used again.
IDEMPOTENCY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_TTL_HOURS", "24"))
# The operations centre's desk files a call, a letter or a visit at the time it came
# in (its deadline runs from then): at most this many hours back (routing.intake.desk).
DESK_CALL_MAX_AGE_HOURS = int(os.environ.get("DESK_CALL_MAX_AGE_HOURS", "24"))
REPORT_RATE_PER_EMAIL_HOUR = int(os.environ.get("REPORT_RATE_PER_EMAIL_HOUR", "10"))
REPORT_MAX_PHOTOS = 5
REPORT_MAX_PHOTO_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are bounded while they stream (api.uploads): the public's at most
# REPORT_MAX_PHOTOS files of REPORT_MAX_PHOTO_BYTES, in memory; staff's (a boundary
# file in the admin) up to STAFF_UPLOAD_MAX_BYTES each; nobody more files than this.
FILE_UPLOAD_HANDLERS = [
    "api.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STAFF_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# An Open311 POST (a form: description ≤ 4,000 characters, attributes, no files) is
# refused unread beyond this many bytes, before its api_key is looked for.
OPEN311_MAX_BODY_BYTES = int(os.environ.get("OPEN311_MAX_BODY_BYTES", str(64 * 1024)))

# Notifications: e-mail through Django's backend (console in the demo), SMS through a
# pluggable backend, webhooks signed with HMAC-SHA256 of the body, keyed with the
# receiving department's own generated secret (never SECRET_KEY).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Hiện Trường <no-reply@hientruong.invalid>"
)
SMS_BACKEND = os.environ.get("SMS_BACKEND", "routing.notifications.sms.LogSmsBackend")
# Everything else about SMS (ASCII-only text, segments, the Brandname gateway, its
# delivery receipts, the demo inbox): config/settings/sms.py, from the environment.
from config.settings.sms import *  # noqa: E402, F403

# After `manage.py webhook_secret_rotate`, the previous secret still signs (beside the
# new one) for this many hours, so the receiver can switch without losing deliveries.
WEBHOOK_SECRET_GRACE_HOURS = float(os.environ.get("WEBHOOK_SECRET_GRACE_HOURS", "72"))
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
# E-mails and SMS to one citizen's address or number per hour; beyond it (or with
# Redis down: this limit fails closed) sends wait (routing.notifications.delivery).
NOTIFY_RATE_PER_RECIPIENT_HOUR = int(
    os.environ.get("NOTIFY_RATE_PER_RECIPIENT_HOUR", "20")
)
# Verified citizens (routing.citizens): one-time codes by SMS live OTP_TTL_S seconds,
# allow OTP_MAX_ATTEMPTS wrong tries, one send per phone every OTP_RESEND_COOLDOWN_S;
# at most OTP_SENDS_PER_PHONE_DAY and OTP_SENDS_PER_ADDRESS_DAY sends a day, and
# OTP_SMS_BUDGET_DAY codes a day for the whole jurisdiction (OTP_JURISDICTION), after
# which sends stop and OPS_ALERT_EMAIL (and the error log) is told once.
OTP_TTL_S = int(os.environ.get("OTP_TTL_S", "300"))
OTP_MAX_ATTEMPTS = int(os.environ.get("OTP_MAX_ATTEMPTS", "5"))
OTP_RESEND_COOLDOWN_S = int(os.environ.get("OTP_RESEND_COOLDOWN_S", "60"))
OTP_SENDS_PER_PHONE_DAY = int(os.environ.get("OTP_SENDS_PER_PHONE_DAY", "5"))
OTP_SENDS_PER_ADDRESS_DAY = int(os.environ.get("OTP_SENDS_PER_ADDRESS_DAY", "20"))
OTP_SMS_BUDGET_DAY = int(os.environ.get("OTP_SMS_BUDGET_DAY", "2000"))
OTP_JURISDICTION = os.environ.get("OTP_JURISDICTION", "44")
# Refused one-time codes (wrong, expired, none sent) per client address per day;
# beyond it verifying answers 429 for that address, so one client cannot spend the
# tries of many numbers. 0 or less turns the limit off (as for the OTP_* limits).
OTP_WRONG_PER_ADDRESS_DAY = int(os.environ.get("OTP_WRONG_PER_ADDRESS_DAY", "30"))
OPS_ALERT_EMAIL = os.environ.get("OPS_ALERT_EMAIL", "")
# A verified citizen's session (bearer token and page session) lasts this many days.
CITIZEN_SESSION_DAYS = int(os.environ.get("CITIZEN_SESSION_DAYS", "30"))
# Expired or revoked citizen sessions are deleted this many days later (hourly purge,
# routing.citizens.purge).
CITIZEN_TOKEN_KEEP_DAYS = int(os.environ.get("CITIZEN_TOKEN_KEEP_DAYS", "7"))
# The link that verifies a reporter's e-mail address holds this many days.
EMAIL_VERIFY_DAYS = int(os.environ.get("EMAIL_VERIFY_DAYS", "7"))
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
    "idempotency-keys-purge": {
        "task": "routing.tasks.idempotency_keys_purge",
        "schedule": 3600.0,
    },
    "citizens-purge": {
        "task": "routing.tasks.citizens_purge",
        "schedule": 3600.0,
    },
    # The first of each month at 07:00 (CELERY_TIMEZONE is Asia/Ho_Chi_Minh).
    "evaluation-monthly-send": {
        "task": "analytics.tasks.evaluation_monthly_send",
        "schedule": crontab(minute="0", hour="7", day_of_month="1"),
    },
}

# The public results portal and the evaluation report: config/settings/portal.py.
# --- Scale-out: photos in object storage, pgbouncer, a read replica --------------------
# Each is off unless its variables are set; config/settings/scaleout.py lists them and
# docs/scaling.md says when to use them.
from config.settings import scaleout  # noqa: E402
from config.settings.portal import *  # noqa: E402, F403

STORAGES = scaleout.storages()
MEDIA_S3_URL_SECONDS = int(os.environ.get("MEDIA_S3_URL_SECONDS", "300"))
MEDIA_S3_PUBLIC_URL_SECONDS = int(os.environ.get("MEDIA_S3_PUBLIC_URL_SECONDS", "3600"))
scaleout.pooled(DATABASES["default"])
if (_replica := scaleout.replica(DATABASES["default"])) is not None:
    DATABASES[scaleout.REPLICA] = _replica
    MIDDLEWARE.append("config.db_router.ReadYourWritesMiddleware")
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))

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
