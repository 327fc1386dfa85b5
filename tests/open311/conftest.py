"""Open311 test set-up: the attribute fixtures, a temporary MEDIA_ROOT and a key."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from api.open311.keys import api_key_create


@pytest.fixture(autouse=True)
def attributes(db):
    """The service attributes of fixtures/open311 (inside the test's transaction)."""
    call_command("open311_load_fixtures", stdout=StringIO())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


@pytest.fixture
def key(db) -> str:
    """A usable key, in clear."""
    return api_key_create(name="FixMyStreet Việt Nam").clear
