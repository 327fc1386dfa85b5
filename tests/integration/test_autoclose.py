"""Resolved reports nobody rated close after REPORT_AUTOCLOSE_WORKING_DAYS working
days (routing.workflow.autoclose), counted in Vietnamese working days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from routing import workflow
from routing.models import Notification, Report
from routing.reports import roles
from routing.reports.receipt import receipt_secret
from routing.tasks import autoclose
from routing.workflow.autoclose import autoclose_due
from routing.workflow.deadlines import calendar_load
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Resolved on the Friday before Tết 2026: the holidays push the window out.
RESOLVED_BEFORE_TET = dt.datetime(2026, 2, 13, 10, tzinfo=HCM)


def resolved_report(resolved_at: dt.datetime, **fields) -> Report:
    report = report_create(
        category="TTDT", reported_at=resolved_at - dt.timedelta(days=2)
    )
    fields.setdefault("reporter_email", "dan@example.vn")
    fields.setdefault("email_verified", True)  # proven by its link: it hears back
    return report_force(report, status="resolved", resolved_at=resolved_at, **fields)


def test_window_counts_working_days_across_tet(settings):
    settings.REPORT_AUTOCLOSE_WORKING_DAYS = 7
    due = autoclose_due(RESOLVED_BEFORE_TET, calendar_load())
    calendar = calendar_load()
    # Seven working days after the Friday, none of them a Tết holiday or weekend.
    assert calendar.working_days_between(RESOLVED_BEFORE_TET.date(), due.date()) == 7
    assert calendar.is_working_day(due.date())
    assert due - RESOLVED_BEFORE_TET > dt.timedelta(days=14)


def test_closes_once_after_the_window_and_tells_the_citizen(settings):
    settings.REPORT_AUTOCLOSE_WORKING_DAYS = 7
    report = resolved_report(RESOLVED_BEFORE_TET)
    due = autoclose_due(RESOLVED_BEFORE_TET, calendar_load())

    assert workflow.reports_autoclose(now=due - dt.timedelta(minutes=1)) == 0
    report.refresh_from_db()
    assert report.status == "resolved"

    assert workflow.reports_autoclose(now=due + dt.timedelta(minutes=1)) == 1
    assert workflow.reports_autoclose(now=due + dt.timedelta(days=30)) == 0
    report.refresh_from_db()
    assert report.status == "closed"
    assert report.closed_at is not None
    assert report.rating == ""
    event = report.events.get(to_status="closed")
    assert (event.actor_role, event.public) == (roles.SYSTEM, True)
    assert event.data == {"autoclosed": True}
    assert "7 ngày làm việc" in event.note
    assert "7 working days" in event.note
    assert Notification.objects.filter(
        report=report, recipient="dan@example.vn"
    ).exists()


def test_rated_reopened_and_recent_reports_stay(settings):
    settings.REPORT_AUTOCLOSE_WORKING_DAYS = 3
    long_ago = timezone.now() - dt.timedelta(days=60)
    old = resolved_report(long_ago)
    recent = resolved_report(timezone.now() - dt.timedelta(hours=2))
    reopened = resolved_report(long_ago)
    rated = workflow.report_rate(
        report=reopened,
        receipt=receipt_secret(reopened),
        rating="dissatisfied",
        reopen=True,
        note="x",
    )
    assert rated.status == "reopened"
    assert autoclose.run() == 1  # the Celery task, as beat runs it
    statuses = dict(
        Report.objects.filter(pk__in=[old.pk, recent.pk, rated.pk]).values_list(
            "pk", "status"
        )
    )
    assert statuses == {old.pk: "closed", recent.pk: "resolved", rated.pk: "reopened"}


def test_batches_cover_every_report(settings):
    settings.REPORT_AUTOCLOSE_WORKING_DAYS = 1
    long_ago = timezone.now() - dt.timedelta(days=30)
    reports = [resolved_report(long_ago) for _ in range(5)]
    assert workflow.reports_autoclose(batch=2) == 5
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in reports]).values_list(
            "status", flat=True
        )
    ) == {"closed"}
