"""What one anonymous JSON submission costs the database, statement by statement.

A submission's latency is mostly its round trips to PostgreSQL; this pins them, in
order, so a new query on the path is a decision, not an accident. Under the test's
own transaction the intake's BEGIN and COMMIT are a savepoint and its release, and
the Celery hand-off after commit does not run (it reaches Redis, not the database).
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing.models import Notification, Report, ReportEvent
from tests.factories import ANONYMOUS_SUBMISSION
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

# Each statement of one anonymous JSON submission (no key, no photo, no contact),
# in order: what it is, and a pattern its SQL matches.
STATEMENTS = [
    # The category by its code (the input serializer), outside the transaction,
    # prepared (routing.categories).
    ("category", r'^SELECT .* FROM "routing_category" c WHERE'),
    ("begin", r"^SAVEPOINT "),
    # A zone publish in progress ends first (routing.zones.lock).
    ("zones lock", r"^SELECT pg_advisory_xact_lock_shared\("),
    # The covering unit, its chain, its jurisdiction and its edge distance
    # (boundaries.lookup.point_lookup).
    ("boundary lookup", r"^\s*WITH RECURSIVE\b.*\bchain AS \("),
    # The unit's default department and the jurisdiction's triage desk, with their
    # e-mail and webhook (routing.engine.candidates).
    ("fallback departments", r"^\s*SELECT dd\.department_id,"),
    # The zones in force near the point for the category, with their departments'
    # e-mail and webhook.
    ("zones", r"^\s*WITH near AS MATERIALIZED \("),
    # Open reports nearby (routing.intake.duplicates, once), the province's
    # calendar overrides for the deadline (once), and the ids the report and its
    # assignment are written with, in one statement (routing.intake.context).
    ("context", r"^\s*SELECT d\.tracking_code, d\.status,.*\bnextval\("),
    # Every row of the report in one round trip (routing.intake.inserts): the
    # report, complete (never updated afterwards, so the analytics triggers on
    # routing_report see it once), its assignment, both events (``submitted`` and
    # ``received → assigned``) in one INSERT, the department's outbox rows (its
    # e-mail here) in one INSERT.
    (
        "rows",
        r'^INSERT INTO "routing_report" .*;\s*INSERT INTO "routing_assignment" '
        r'.*;\s*INSERT INTO "routing_reportevent" .*;\s*'
        r'INSERT INTO "routing_notification" ',
    ),
    ("commit", r"^RELEASE SAVEPOINT "),
]


def _named(sql: str) -> str:
    """The name in ``STATEMENTS`` whose pattern ``sql`` matches, else the SQL."""
    for name, pattern in STATEMENTS:
        if re.search(pattern, sql, re.DOTALL):
            return name
    return sql[:120]


def test_an_anonymous_json_submission_costs_these_statements(client):
    """Nine statements, named and in order: the routing candidates in three, the
    intake's other reads in one, one INSERT per table written, all sent together,
    nothing read twice, nothing read after the commit (the receipt is built from
    what the transaction wrote)."""
    body = ANONYMOUS_SUBMISSION
    with CaptureQueriesContext(connection) as captured:
        answer = client.post(
            "/api/v1/reports/", json.dumps(body), content_type="application/json"
        )
    assert answer.status_code == 201, answer.json()
    named = [_named(q["sql"]) for q in captured.captured_queries]
    assert named == [name for name, _ in STATEMENTS]
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    assert report.events.count() == 2
    assert list(report.events.values_list("kind", flat=True)) == [
        ReportEvent.Kind.SUBMITTED,
        ReportEvent.Kind.STATUS,
    ]
    assert Notification.objects.filter(report=report).count() == 1


def test_the_receipt_built_without_reading_back_is_the_stored_report(client):
    """The answer to a submission (built from the rows just written) equals the
    answer to its replay (read back from the database): unit, department,
    routing, photos and all."""
    headers = {"HTTP_IDEMPOTENCY_KEY": "0b7e-statements-replay"}
    body = json.dumps(
        {
            "lon": DONG_PHU[0],
            "lat": DONG_PHU[1],
            "category": "VSMT",
            "description": "Đèn đường hỏng.",
            "anonymous": True,
        }
    )
    first = client.post(
        "/api/v1/reports/", body, content_type="application/json", **headers
    )
    again = client.post(
        "/api/v1/reports/", body, content_type="application/json", **headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["unit"] == {"code": "18880", "name": "Phường Đồng Hới"}
