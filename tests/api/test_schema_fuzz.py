"""The served OpenAPI schema, fuzzed: schemathesis generates requests for every
operation, as an anonymous visitor and as an operations-centre operator (signed in,
with a CSRF token, so the staff paths run), and not one answer is a 5xx.

Requests go through Django's WSGI application in this process, so they see the test
database (its fixtures and the reports made here) and are rolled back with the test.
Generation is derandomised (a fixed seed): a run is repeatable. Half of each
operation's examples are generated to fit the schema, half not to; operations on a
report or a zone get a real code or id in half their examples, so the handlers run
past the lookup.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from routing.models import ResponsibilityZone, StaffProfile
from routing.reports.roles import Role
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/schema?format=json"
EXAMPLES = 13  # per operation, mode and actor (and fixed path): ≈ 2,400 requests
MINIMUM_REQUESTS = 2000


def _operator_auth() -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a signed-in operations-centre operator."""
    user = get_user_model().objects.create_user("fuzz-ioc", is_staff=True)
    StaffProfile.objects.create(user=user, role=Role.IOC_OPERATOR)
    client = Client()
    client.force_login(user)
    request = HttpRequest()
    token = get_token(request)  # sets the secret the cookie must carry
    session = client.cookies["sessionid"].value
    return {"sessionid": session, "csrftoken": request.META["CSRF_COOKIE"]}, {
        "X-CSRFToken": token
    }


def _fixed_path(operation: Any, code: str, zone_id: int) -> dict[str, Any] | None:
    names = {p.name for p in operation.path_parameters}
    if "code" in names and "/reports/" in operation.path:
        return {"code": code}
    if "id" in names and "/zones/" in operation.path:
        return {"id": zone_id}
    return None


def _run(
    operation: Any,
    app: WSGIHandler,
    mode: GenerationMode,
    path: dict[str, Any] | None,
    auth: tuple[dict[str, str], dict[str, str]] | None,
    tally: Counter,
    failures: list[str],
) -> None:
    cookies, headers = auth or ({}, {})

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    def probe(case: Any) -> None:
        response = case.call(app=app, cookies=cookies, headers=headers)
        tally["requests"] += 1
        if response.status_code >= 500:
            tally["5xx"] += 1
            failures.append(
                f"{response.status_code} {case.method} {case.formatted_path} "
                f"query={case.query} body={str(case.body)[:200]}"
            )

    # An operation without inputs has nothing to break (negative mode).
    with contextlib.suppress(Unsatisfiable):
        probe()


def test_no_generated_request_gets_a_5xx(settings_media):
    report = report_create(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category="VSMT", description="Rác."
    )
    zone_id = ResponsibilityZone.objects.values_list("id", flat=True).first()
    assert zone_id is not None
    app = WSGIHandler()
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)
    tally: Counter = Counter()
    failures: list[str] = []
    started = time.monotonic()
    for auth in (None, _operator_auth()):
        for result in schema.get_all_operations():
            operation = result.ok()
            path = _fixed_path(operation, report.tracking_code, zone_id)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for fixed in (None, path) if path else (None,):
                    _run(operation, app, mode, fixed, auth, tally, failures)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {tally['requests']} requests in {elapsed:.0f} s")
    assert failures == [], "\n".join(failures[:40])
    assert tally["5xx"] == 0
    assert tally["requests"] >= MINIMUM_REQUESTS


@pytest.fixture
def settings_media(settings, tmp_path):
    """Photos in a temporary folder; the connection kept open between requests
    (as Django's test client does), or the test's transaction would be closed."""
    settings.MEDIA_ROOT = tmp_path
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield settings
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
