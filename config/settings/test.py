"""Test settings: the same PostGIS as the app (pytest-django makes its own test database)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, LEAFLET_CONFIG

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {
    # Parallel runs (two checkouts, helpers) can each pick their own test database.
    "NAME": os.environ.get("TEST_DATABASE_NAME", "test_hientruong"),
}
# No basemap in tests: the network is closed.
LEAFLET_CONFIG["TILES"] = []
MAP_TILES_URL = ""
