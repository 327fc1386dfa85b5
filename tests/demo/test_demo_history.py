"""The demo's history: loaded once, with words, timelines and public reports that
follow the publication rule."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, OuterRef, Subquery

from demo.synthetic import reports_generate
from routing.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def _history(reports: int) -> str:
    out = StringIO()
    call_command("demo_history", reports=reports, years=1.0, stdout=out)
    return out.getvalue()


def test_history_loads_once_with_timelines_ending_in_the_status() -> None:
    assert "500 synthetic reports" in _history(500)
    assert "already loaded" in _history(500)
    reports = Report.objects.filter(tracking_code__startswith="SY-")
    assert reports.count() == 500
    last = ReportEvent.objects.filter(report=OuterRef("pk")).order_by("-at", "-id")
    ends = reports.annotate(last_to=Subquery(last.values("to_status")[:1]))
    assert all(r.last_to == r.status for r in ends)
    submitted = ReportEvent.objects.filter(kind=ReportEvent.Kind.SUBMITTED)
    assert submitted.values("report").distinct().count() == 500
    assert not reports.filter(description="").exists()


def test_a_demo_report_opens_by_its_code(client) -> None:
    """The demo's SY- codes reach their tracking page and API like citizens' HT-
    codes, so every link on the demo's pages works."""
    _history(50)
    code = Report.objects.filter(tracking_code__startswith="SY-").first().tracking_code
    assert client.get(f"/r/{code}").status_code == 200
    assert client.get(f"/api/v1/reports/track/{code.lower()}").status_code == 200


def test_public_words_only_for_approved_reports_of_open_categories() -> None:
    _history(2000)
    reports = Report.objects.filter(tracking_code__startswith="SY-")
    approved = reports.filter(publication=Report.Publication.APPROVED)
    assert approved.count() > 100
    assert not approved.filter(category__sensitive=True).exists()
    assert not approved.filter(public_description="").exists()
    assert set(approved.values_list("status", flat=True)) <= {"resolved", "closed"}
    others = reports.exclude(publication=Report.Publication.APPROVED)
    assert not others.exclude(public_description="").exists()
    assert reports.filter(publication=Report.Publication.PENDING).exists()
    sensitive = reports.filter(category__sensitive=True)
    assert sensitive.exists()
    assert not sensitive.exclude(publication=Report.Publication.PRIVATE).exists()


def test_nothing_loaded_when_skipped_and_no_timelines_unless_asked() -> None:
    assert "skipped" in _history(0)
    assert not Report.objects.exists()
    reports_generate(count=50, years=0.5)
    counts = Report.objects.annotate(n=Count("events")).values_list("n", flat=True)
    assert set(counts) == {0}
