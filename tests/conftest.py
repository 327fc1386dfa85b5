"""Shared test set-up: the real fixtures (boundaries, categories, departments, zones,
the OpenStreetMap places of Đồng Hới) loaded once into the test database.

Tests run inside a transaction rolled back at the end (the ``db`` fixture), so the
loaded sets are seen by every test and changed by none. Avoid ``transactional_db``:
it empties the tables.
"""

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
