"""Staff APIs accept a signed-in session only: HTTP Basic with the right password is
not a way in (no password on every request, none that skips the sign-in lockout)."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model

from routing.models import StaffProfile
from routing.reports import roles
from tests.factories import report_create

pytestmark = pytest.mark.django_db

PASSWORD = "Ngay-mai-troi-nang-2025"


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def operator():
    user = get_user_model().objects.create_user(
        username="ioc-basic", password=PASSWORD, is_staff=True
    )
    StaffProfile.objects.create(user=user, role=roles.IOC_OPERATOR)
    return user


def test_basic_auth_is_refused_and_a_session_is_accepted(client, operator):
    """The same operator gets 403 through Basic auth and 200 signed in."""
    report = report_create(category="VSMT")
    urls = ["/api/v1/reports/", f"/api/v1/reports/{report.tracking_code}/events"]
    for url in urls:
        response = client.get(url, HTTP_AUTHORIZATION=basic("ioc-basic", PASSWORD))
        assert response.status_code == 403, url
        assert "WWW-Authenticate" not in response
    client.force_login(operator)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_api_names_session_authentication_only(settings):
    """DRF's default authentication is the session, nothing else."""
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.SessionAuthentication"
    ]
