"""The intake's leaner reads and writes answer as the plain ones do.

``routing.intake.context`` (duplicates, calendar and ids in one statement),
``routing.categories`` (the category by code without the ORM's compile) and
``routing.intake.inserts`` (several INSERTs in one round trip) each replace a plain
spelling kept elsewhere; these hold them equal.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.reports.serializers import DuplicateOutput
from routing.categories import category_by_code
from routing.intake.context import intake_context
from routing.intake.duplicates import duplicates_near
from routing.intake.inserts import Inserts
from routing.models import CalendarOverride, Category, Notification, Report
from routing.workflow.deadlines import calendar_load
from tests.factories import ANONYMOUS_SUBMISSION, report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

LAT_M = 1 / 110_574  # one metre of latitude in degrees, near enough at 17° N


def _around(category: Category) -> list[str]:
    """Open reports of ``category`` 10, 60 and 120 m north of DONG_PHU (nearest
    first), and one of them closed, which is not a duplicate."""
    codes = []
    for metres in (120, 10, 60):
        report = report_create(
            lon=DONG_PHU[0], lat=DONG_PHU[1] + metres * LAT_M, category=category
        )
        codes.append(report.tracking_code)
    closed = report_create(lon=DONG_PHU[0], lat=DONG_PHU[1], category=category)
    Report.objects.filter(pk=closed.pk).update(status=Report.Status.CLOSED)
    return [codes[1], codes[2], codes[0]]


def test_the_context_gives_the_duplicates_and_calendar_of_the_plain_reads():
    """``intake_context`` suggests what ``duplicates_near`` suggests, in the same
    order, and counts deadlines in the calendar ``calendar_load`` reads."""
    waste = Category.objects.get(code="VSMT")
    nearest = _around(waste)
    CalendarOverride.objects.create(date=dt.date(2026, 2, 24), working=False)
    CalendarOverride.objects.create(date=dt.date(2026, 2, 28), working=True)
    at = timezone.now()
    context = intake_context(lon=DONG_PHU[0], lat=DONG_PHU[1], category=waste, at=at)
    plain = duplicates_near(lon=DONG_PHU[0], lat=DONG_PHU[1], category=waste, at=at)
    assert [d.tracking_code for d in context.duplicates] == nearest
    assert context.duplicates == plain
    assert context.calendar == calendar_load()
    assert context.calendar.days_off == {dt.date(2026, 2, 24)}
    assert context.calendar.working_days == {dt.date(2026, 2, 28)}


def test_the_context_without_duplicates_or_overrides_is_empty_with_new_ids():
    """Far from any report and with no override: no suggestion, the law's calendar,
    and each call draws ids of its own, in one query."""
    order = Category.objects.get(code="TTDT")
    with CaptureQueriesContext(connection) as queries:
        first = intake_context(
            lon=DONG_PHU[0], lat=DONG_PHU[1], category=order, at=timezone.now()
        )
    second = intake_context(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category=order, at=timezone.now()
    )
    assert len(queries) == 1
    assert first.duplicates == []
    assert first.calendar == calendar_load()
    assert second.report_id > first.report_id
    assert second.assignment_id > first.assignment_id


@pytest.mark.parametrize("code", ["VSMT", "vsmt", "VsMt", "nope", ""])
def test_a_category_by_code_is_the_orm_s(code):
    """``category_by_code`` finds what ``filter(code__iexact=…).first()`` finds,
    with every field the same, or nothing."""
    found = category_by_code(code)
    plain = Category.objects.filter(code__iexact=code).first()
    assert found == plain
    if plain is not None:
        fields = [f.attname for f in Category._meta.concrete_fields]
        assert [getattr(found, f) for f in fields] == [
            getattr(plain, f) for f in fields
        ]
        assert found._state.db == plain._state.db
        assert not found._state.adding


def test_inserts_write_rows_as_bulk_create_does():
    """Rows added to one ``Inserts`` are written in one query, get their ids back
    (or keep the ids given), and read back equal to rows written by
    ``bulk_create``."""
    report = report_create()

    def rows(subject: str) -> list[Notification]:
        return [
            Notification(
                channel=Notification.Channel.EMAIL,
                recipient=f"{n}@example.vn",
                subject=subject,
                body="b",
                payload={"n": n, "đ": "ư"},
                report=report,
                next_attempt_at=timezone.now(),
            )
            for n in range(3)
        ]

    plain = Notification.objects.bulk_create(rows("plain"))
    lean = rows("lean")
    inserts = Inserts()
    inserts.add(lean)
    with CaptureQueriesContext(connection) as queries:
        inserts.run()
    assert len(queries) == 1
    assert all(row.pk and not row._state.adding for row in lean)
    stored = Notification.objects.in_bulk([row.pk for row in plain + lean])
    skip = {"id", "subject", "created_at", "next_attempt_at"}
    fields = [
        f.attname for f in Notification._meta.concrete_fields if f.attname not in skip
    ]
    for a, b in zip(plain, lean, strict=True):
        assert [getattr(stored[a.pk], f) for f in fields] == [
            getattr(stored[b.pk], f) for f in fields
        ]
        assert stored[b.pk].created_at == b.created_at


def test_the_receipt_s_duplicates_are_the_serializer_s(client):
    """The receipt's suggestions (one shared ``DuplicateOutput``) are what a new
    ``DuplicateOutput(many=True)`` renders for them."""
    waste = Category.objects.get(code="VSMT")
    _around(waste)
    body = ANONYMOUS_SUBMISSION
    answer = client.post("/api/v1/reports/", body, content_type="application/json")
    assert answer.status_code == 201
    report = Report.objects.get(tracking_code=answer.json()["tracking_code"])
    at = report.reported_at
    plain = duplicates_near(
        lon=DONG_PHU[0], lat=DONG_PHU[1], category=waste, at=at, exclude_id=report.pk
    )
    assert len(plain) == 3
    expected = json.loads(json.dumps(DuplicateOutput(plain, many=True).data))
    assert answer.json()["duplicates"] == expected
