"""A database that cannot be reached: 503 with Retry-After and both languages on the
API, on Open311 and on the pages, never a 500; other database errors are not taken
for an outage.

The outage is real: Django's connection is pointed at a loopback port nobody listens
on (connection refused), or its server session is ended by ``pg_terminate_backend``
(admin shutdown). The crash probe (``test_crash_probe.py``) kills a whole cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from django.db import DatabaseError, connections
from django.test import Client, RequestFactory

from api.outage import RETRY_AFTER_S, database_outage
from bench.api import free_port
from config.errors import server_error

VI = "không kết nối được cơ sở dữ liệu"
EN = "its database cannot be reached"


@pytest.fixture
def database_down(django_db_blocker) -> Iterator[None]:
    """Django's default connection refused: its port is one nothing listens on."""
    conn = connections["default"]
    port = conn.settings_dict["PORT"]
    with django_db_blocker.unblock():
        conn.close()
        conn.settings_dict["PORT"] = str(free_port())
        try:
            yield
        finally:
            conn.close()
            conn.settings_dict["PORT"] = port


@pytest.fixture
def web() -> Client:
    """A client that gets Django's answer to an error instead of the exception."""
    return Client(raise_request_exception=False)


def assert_retry_after(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_S)


def test_a_submission_is_answered_503_in_both_languages(database_down, web):
    """POST /api/v1/reports/ with the database refusing connections: 503, the API's
    error body, Retry-After."""
    response = web.post(
        "/api/v1/reports/",
        {"lon": 106.6155, "lat": 17.4689, "category": "rac-thai", "description": "x"},
        content_type="application/json",
        headers={"Idempotency-Key": "outage-1", "Accept-Language": "en"},
    )
    assert_retry_after(response)
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert EN in body["detail"]
    assert VI in body["messages"]["vi"]
    assert EN in body["messages"]["en"]
    assert body["retry_after"] == RETRY_AFTER_S


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/boundaries/lookup?lon=106.6155&lat=17.4689",
        "/api/v1/boundaries/units?level=ward",
    ],
)
def test_api_reads_are_answered_503(database_down, web, path):
    """Reads of the API meet the same outage with the same answer."""
    response = web.get(path)
    assert_retry_after(response)
    assert response.json()["code"] == "database_unavailable"


def test_open311_answers_503_in_its_error_list(database_down, web):
    """Open311 keeps its own shape (a list of code and description) with 503 and
    Retry-After, not its 400 "general service error"."""
    response = web.get("/open311/v2/services.json", headers={"Accept-Language": "vi"})
    assert_retry_after(response)
    [error] = json.loads(response.content)
    assert error["code"] == 503
    assert VI in error["description"]


@pytest.mark.parametrize(
    "path", ["/", "/r/HT-2025-000001", "/ops/", "/plan/", "/admin/"]
)
def test_pages_answer_a_503_page_in_both_languages(database_down, web, path):
    """The citizen's form and tracking page, the staff pages and the admin for a
    signed-in browser (its session is read from the database): a 503 page in
    Vietnamese and English."""
    web.cookies["sessionid"] = "s" * 32
    response = web.get(path)
    assert_retry_after(response)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert VI in page
    assert EN in page


def test_a_terminated_session_is_an_outage(django_db_blocker):
    """A server session ended by an administrator (57P01) is taken for an outage."""
    with django_db_blocker.unblock():
        conn = connections.create_connection("default")
        try:
            conn.ensure_connection()
            pid = conn.connection.info.backend_pid
            params = conn.get_connection_params()
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            with conn.cursor() as cursor, pytest.raises(DatabaseError) as caught:
                cursor.execute("SELECT 1")
        finally:
            conn.close()
    outage = database_outage(caught.value)
    assert outage is not None
    assert outage.extra == {"retry_after": RETRY_AFTER_S}


def test_a_statement_timeout_is_not_an_outage(django_db_blocker):
    """A cancelled statement (57014) is a failure of its own, not a lost
    connection."""
    with django_db_blocker.unblock():
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("SET statement_timeout = 10")
                with pytest.raises(DatabaseError) as caught:
                    cursor.execute("SELECT pg_sleep(1)")
        finally:
            conn.close()
    assert database_outage(caught.value) is None


def test_other_errors_stay_500():
    """Django's last answer to an error that is not an outage is its 500."""
    request = RequestFactory().get("/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
