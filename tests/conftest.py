"""Shared test set-up: the real fixtures (boundaries, categories, departments, zones,
the OpenStreetMap places of Đồng Hới) loaded once into the test database.

Tests run inside a transaction rolled back at the end (the ``db`` fixture), so the
loaded sets are seen by every test and changed by none. Avoid ``transactional_db``:
it empties the tables.
"""

import logging
import os
from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

PLACES = settings.BASE_DIR / "fixtures" / "places" / "dong_hoi_places.geojson"

# Fixtures of their own modules: the fake SMS gateway (``sms_gateway``).
pytest_plugins = ["tests.sms_gateway"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: their live server needs ``transactional_db``, which
    empties the tables the session loaded (see tests/browser/conftest.py)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# CI sets this: a test skipped for a missing program (Chromium, nginx, pgbouncer,
# moto_server, initdb) or for not running as root fails instead, so a green CI run
# means every test ran on real processes. Only a skip whose reason starts with
# "chance:" (a coincidence the test cannot use) stays a skip.
STRICT = os.environ.get("HT_TESTS_STRICT") == "1"
CHANCE = "chance:"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    outcome = yield
    report = outcome.get_result()
    if not (STRICT and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else "")
    if reason.removeprefix("Skipped: ").startswith(CHANCE):
        return
    report.outcome = "failed"
    report.longrepr = f"skipped under HT_TESTS_STRICT=1 (CI runs everything): {reason}"


@pytest.fixture(autouse=True)
def _root_logger_kept() -> Iterator[None]:
    """Each test leaves the root logger as it found it: an in-process Celery worker
    (``start_worker``) sets its level to ERROR and takes its handlers, after which
    every later test's ``caplog`` saw no warning."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers = handlers


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("boundaries_load_fixtures", stdout=StringIO())
        call_command("routing_load_fixtures", stdout=StringIO())
        call_command("places_import", str(PLACES), stdout=StringIO())


@pytest.fixture
def api(client):
    """Django's test client, for the JSON API."""
    return client
