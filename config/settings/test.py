"""Test settings: the same PostGIS as the app (pytest-django makes its own test database)."""

import os

# A fixed key of the tests' own, set before base reads the environment (base refuses
# to start without one outside DEBUG and the demo).
TEST_SECRET_KEY = "test-only-key-signs-nothing-outside-the-test-database"
os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, CACHES, DATABASES, LEAFLET_CONFIG  # noqa: E402

DEBUG = False
SECRET_KEY = TEST_SECRET_KEY
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {
    # Parallel runs (two checkouts, helpers) can each pick their own test database.
    "NAME": os.environ.get("TEST_DATABASE_NAME", "test_hientruong"),
}
# No basemap in tests: the network is closed.
LEAFLET_CONFIG["TILES"] = []
MAP_TILES_URL = ""

# Tests use their own Redis database so they never touch the demo's keys.
CACHES["default"]["LOCATION"] = os.environ.get(
    "TEST_CACHE_URL", "redis://127.0.0.1:6379/15"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"
# Rate limits off (tests that check them turn them on), and each run counts in keys
# of its own, so runs and parallel suites never see each other's counters.
REPORT_RATE_PER_IP_HOUR = 0
REPORT_RATE_PER_PHONE_HOUR = 0
CITIZEN_RATE_PER_IP_MINUTE = 0
CITIZEN_RATE_PER_IP_HOUR = 0
PLACE_SEARCH_RATE_PER_IP_MINUTE = 0
PLACE_REVERSE_RATE_PER_IP_MINUTE = 0
PUBLIC_RATE_PER_IP_MINUTE = 0
PUBLIC_PAGE_RATE_PER_IP_MINUTE = 0
PUBLIC_COOKIES_RAISE = True
RECEIPT_ATTEMPTS_PER_CODE_HOUR = 0
PUBLIC_SITE_URL = "https://hientruong.test"
REPORT_RATE_PER_EMAIL_HOUR = 0
NOTIFY_RATE_PER_RECIPIENT_HOUR = 0
CACHES["default"]["KEY_PREFIX"] = f"ht-test-{os.getpid()}"
# The demo SMS inbox (used only by tests that turn DEMO_MODE on): the tests' Redis
# database, a list of this run's own.
DEMO_SMS_REDIS_URL = str(CACHES["default"]["LOCATION"])
DEMO_SMS_KEY = f"ht-test-{os.getpid()}:demo-sms"
# Delivery receipts: a secret of the tests' own (tests/integration/test_sms_receipts.py).
SMS_RECEIPT_SECRETS = ["test-only-sms-receipt-secret"]
# One-time codes: the in-memory SMS backend would be set by the tests that read it;
# the alert address is the tests' own.
OPS_ALERT_EMAIL = "ioc-alerts@hientruong.test"
# The public portal's shared cache off: a test sees the database as it just wrote
# it (tests of the cache itself turn it on).
PUBLIC_CACHE_SECONDS = 0
# The public scorecards' throttle off (a test of it turns it on).
SCORECARD_RATE_PER_IP_MINUTE = 0
