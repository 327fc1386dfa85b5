"""Which reports the public portal lists (``Report.objects.publicly_listed`` and
its one-report twin), the result note's rule, and the portal's filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics.public import headline_counts, public_count
from geo.errors import InvalidInput
from routing.models import Category, Report
from routing.models.reports import report_publicly_listed
from routing.reports.listing import (
    PublicFilter,
    public_filter_parse,
    public_reports_select,
    resolved_select,
)
from routing.reports.publication import result_note_public
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind() -> list[Report]:
    """One report per status, in a plain and in a sensitive category."""
    made = []
    for code in ("VSMT", "ANTT"):
        for status in Report.Status.values:
            report = report_create(category=code)
            made.append(
                report_force(report, status=status, result_note=f"ghi chú {status}")
            )
    return made


def test_the_queryset_and_the_one_report_rule_agree(every_kind):
    listed = set(Report.objects.publicly_listed().values_list("pk", flat=True))
    for report in every_kind:
        assert (report.pk in listed) == report_publicly_listed(report)
    shown = {(r.category.code, r.status) for r in every_kind if r.pk in listed}
    assert shown == {
        ("VSMT", s)
        for s in (
            "received",
            "assigned",
            "in_progress",
            "reopened",
            "resolved",
            "closed",
        )
    }


def test_the_result_note_shows_once_resolved_or_closed_and_listed(every_kind):
    for report in every_kind:
        note = result_note_public(report)
        done = report.status in ("resolved", "closed")
        expected = done and not report.category.sensitive
        assert bool(note) == expected, (report.category.code, report.status)


def test_the_result_note_is_masked_like_any_public_note():
    report = report_create(category="VSMT")
    report = report_force(
        report,
        status=Report.Status.RESOLVED,
        result_note="Đã xử lý, liên hệ 0912 345 678 hoặc a.b@example.com",
    )
    note = result_note_public(report)
    assert "0912 345 678" not in note
    assert "a.b@example.com" not in note
    assert note.startswith("Đã xử lý")


def test_filters_parse_and_select():
    now = timezone.now()
    old = report_create(category="VSMT", reported_at=now - dt.timedelta(days=20))
    new = report_create(category="CTN", reported_at=now - dt.timedelta(days=1))
    new = report_force(new, status=Report.Status.RESOLVED, resolved_at=now)
    day = timezone.localtime(old.reported_at).date()
    selection = public_filter_parse(
        {"from": day.strftime("%d/%m/%Y"), "to": day.strftime("%d/%m/%Y")}
    )
    assert selection.day_from == day
    assert list(public_reports_select(selection)) == [old]
    iso = public_filter_parse({"from": day.isoformat()})
    assert iso.day_from == day
    assert list(public_reports_select(PublicFilter(group="resolved"))) == [new]
    cat = public_filter_parse({"category": "CTN"})
    assert cat.category == Category.objects.get(code="CTN")
    assert list(resolved_select()) == [new]
    counts = headline_counts()
    assert counts == {"days": 30, "received": 2, "resolved": 1}


def test_the_aggregate_count_is_the_raw_count(every_kind):
    """The list's count comes from the aggregates: the same as the rows' count
    under each filter."""
    now = timezone.now()
    report_create(category="CTN", reported_at=now - dt.timedelta(days=70))
    unit = every_kind[0].unit.code
    for query in (
        {},
        {"status": "open"},
        {"status": "resolved"},
        {"category": "CTN"},
        {"unit": unit, "category": "VSMT"},
        {"from": (now - dt.timedelta(days=100)).strftime("%d/%m/%Y")},
        {"to": (now - dt.timedelta(days=60)).strftime("%d/%m/%Y")},
    ):
        selection = public_filter_parse(query)
        assert public_count(selection) == public_reports_select(selection).count()
    assert public_count(PublicFilter()) == Report.objects.publicly_listed().count()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"from": "31/02/2025"}, "bad_date"),
        ({"to": "hôm qua"}, "bad_date"),
        ({"from": "01/01/1999"}, "date_out_of_range"),
        ({"from": "02/02/2025", "to": "01/02/2025"}, "bad_period"),
        ({"category": "ANTT"}, "unknown_category"),
        ({"unit": "x"}, "unknown_unit"),
        ({"status": "duplicate"}, "unknown_status"),
    ],
)
def test_bad_filters_are_bilingual(query, code):
    with pytest.raises(InvalidInput) as raised:
        public_filter_parse(query)
    assert raised.value.code == code
    assert raised.value.vi
    assert raised.value.en
    assert raised.value.vi != raised.value.en
