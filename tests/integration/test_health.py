"""GET /healthz: a plain ok (200) or unavailable (503) for anyone; the versions
and the database's error only for the log."""

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from api.health import database_health


@pytest.mark.django_db
def test_healthz_is_a_plain_ok_without_versions(client):
    """With the database up, /healthz is 200 and says ok, and nothing more: no
    PostgreSQL or PostGIS version for the public."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    details = database_health(connection)
    assert details["postgresql"].startswith("15")
    assert details["postgis"].startswith("3.")


@pytest.mark.django_db
def test_unreachable_database_is_reported_not_raised():
    """A database that does not answer (a closed port) gives ok=False and the reason."""
    settings = dict(connection.settings_dict, PORT="1", HOST="127.0.0.1")
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "connect_timeout": 2}
    unreachable = DatabaseWrapper(settings, alias="unreachable")
    try:
        result = database_health(unreachable)
    finally:
        unreachable.close()
    assert result["ok"] is False
    assert result["error"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch, caplog):
    """The view turns an unreachable database into 503 with status 'unavailable';
    the database's error text is logged, not shown."""
    import api.health

    settings = dict(connection.settings_dict, PORT="1", HOST="127.0.0.1")
    unreachable = DatabaseWrapper(settings, alias="unreachable")
    monkeypatch.setattr(api.health, "connection", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "database unavailable" in caplog.text
