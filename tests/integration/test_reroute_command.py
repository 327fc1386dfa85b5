"""manage.py reports_reroute: selection filters, dry run, commit."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from geo.topology import area_m2
from routing.models import (
    Assignment,
    Category,
    Department,
    Report,
    ResponsibilityZone,
)
from routing.zones.bulk import Selection, impact_preview
from routing.zones.state import ZoneState
from tests.factories import report_create, report_force, square

pytestmark = pytest.mark.django_db

COMMITTEE = "ubnd-18880-phuong-dong-hoi"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HCM)


def department(code: str) -> Department:
    return Department.objects.create(
        code=code,
        kind=Department.Kind.PROVINCIAL,
        name_vi=f"Phòng thử {code}",
        name_en=f"Test office {code}",
    )


def stale_zone(code: str, dept: Department, priority: int) -> ResponsibilityZone:
    """A zone over Đồng Phú written straight into the published state, so that the
    reports made before it are routed the old way until re-routed."""
    geom = square(106.61, 17.46, 0.01)
    zone = ResponsibilityZone.objects.create(
        name=f"stale {code}",
        department=dept,
        geom=geom,
        area_m2=area_m2(shapely.from_wkb(bytes(geom.wkb))),
        priority=priority,
        status=ResponsibilityZone.Status.PUBLISHED,
        valid_from=local(2025, 7, 1),
    )
    zone.categories.set(Category.objects.filter(code=code))
    return zone


@pytest.fixture
def reports() -> dict[str, Report]:
    """Reports routed before two zones appeared, then the zones (YTE, DIEN)."""
    yte = Category.objects.get(code="YTE")
    dien = Category.objects.get(code="DIEN")

    def make(point, category, reported_at, status="assigned"):
        report = report_create(
            lon=point[0], lat=point[1], category=category, reported_at=reported_at
        )
        return report_force(report, status=status)

    made = {
        "january": make((106.612, 17.462), yte, local(2026, 1, 10, 9)),
        "march": make((106.6155, 17.4689), yte, local(2026, 3, 10, 9)),
        "closed": make((106.618, 17.466), yte, local(2026, 2, 1, 9), "closed"),
        "outside": make((106.625, 17.4689), yte, local(2026, 1, 10, 9)),
        "power": make((106.613, 17.468), dien, local(2026, 2, 1, 9)),
    }
    stale_zone("YTE", department("test-yte"), priority=5)
    stale_zone("DIEN", department("test-dien"), priority=5)
    return made


def run(*args: str) -> str:
    out = StringIO()
    call_command("reports_reroute", *args, stdout=out)
    return out.getvalue()


def departments(reports: dict[str, Report]) -> dict[str, str]:
    return {
        name: Report.objects.get(pk=r.pk).department.code for name, r in reports.items()
    }


BEFORE = {
    "january": COMMITTEE,
    "march": COMMITTEE,
    "closed": COMMITTEE,
    "outside": COMMITTEE,
    "power": "pc-quangbinh",
}


def moved(**changes: str) -> dict[str, str]:
    return BEFORE | changes


def test_dry_run_prints_the_preview_and_writes_nothing(reports):
    """Without --commit: the open reports that would move, by from → to; no write."""
    assignments = Assignment.objects.count()
    output = run()
    assert "Selected: 4 open, 0 past report(s)." in output
    assert "Would re-route: 3 open, 0 past report(s)." in output
    assert f"open  {COMMITTEE} -> test-yte: 2" in output
    assert "open  pc-quangbinh -> test-dien: 1" in output
    assert "Dry run: nothing written" in output
    assert departments(reports) == BEFORE
    assert Assignment.objects.count() == assignments


def test_commit_reroutes_the_open_reports_with_a_reroute_assignment(reports):
    """--commit moves the open reports and records one current 'reroute' Assignment
    each; closed reports and reports still routed right are untouched."""
    output = run("--commit")
    assert "Re-routed: 3 open, 0 past report(s)." in output
    assert departments(reports) == moved(
        january="test-yte", march="test-yte", power="test-dien"
    )
    for name in ("january", "march", "power"):
        current = Assignment.objects.filter(report=reports[name], is_current=True)
        assert current.count() == 1
        assignment = current.get()
        assert assignment.cause == Assignment.Cause.REROUTE
        assert assignment.rule == Assignment.Rule.ZONE
        assert assignment.note == "manage.py reports_reroute"
    assert reports["closed"].assignments.count() == 1
    assert "Re-routed: 0 open" in run("--commit")


def test_the_preview_matches_the_commit(reports):
    """What the dry run announces is what --commit does, move by move."""
    preview = impact_preview(
        state=ZoneState(at=timezone.now()),
        selection=Selection(statuses=Report.OPEN_STATUSES),
    )
    dry = run()
    done = run("--commit")
    for move in preview.moves:
        line = f"open  {move['from']} -> {move['to']}: {move['reports']}"
        assert line in dry
        assert line in done


def test_status_selects_closed_reports_when_asked(reports):
    """--status closed re-routes the closed report only."""
    output = run("--status", "closed", "--commit")
    assert "Re-routed: 0 open, 1 past report(s)." in output
    assert departments(reports) == moved(closed="test-yte")


def test_status_all_selects_every_report_and_open_the_open_ones(reports):
    """--status all counts open and past reports; --status open is the default."""
    output = run("--status", "all")
    assert "Selected: 4 open, 1 past report(s)." in output
    assert "Would re-route: 3 open, 1 past report(s)." in output
    assert "Selected: 4 open, 0 past report(s)." in run("--status", "open")


def test_status_takes_a_comma_list(reports):
    """--status received,closed selects the closed report (no report is received)."""
    assert "Selected: 0 open, 1 past" in run("--status", "received,closed")


def test_category_filter(reports):
    """--category DIEN re-routes only the power report."""
    run("--category", "DIEN", "--commit")
    assert departments(reports) == moved(power="test-dien")


def test_department_filter_is_on_the_current_department(reports):
    """--department picks reports by the department they are with now."""
    run("--department", COMMITTEE, "--commit")
    assert departments(reports) == moved(january="test-yte", march="test-yte")


def test_unit_filter_takes_the_ward_and_the_units_below_a_code(reports):
    """--unit of another ward selects nothing; the province code selects all."""
    assert "Selected: 0 open" in run("--unit", "18871")
    assert "Would re-route: 3 open" in run("--unit", "18880")
    assert "Would re-route: 3 open" in run("--unit", "44")


def test_dates_are_local_days_with_both_ends_included(reports):
    """--since and --until are inclusive local days."""
    assert "Would re-route: 1 open" in run("--since", "2026-03-10")
    assert "Would re-route: 2 open" in run("--until", "2026-02-01")
    run("--since", "2026-01-11", "--until", "2026-03-10", "--commit")
    assert departments(reports) == moved(march="test-yte", power="test-dien")


def test_ids_filter(reports):
    """--ids re-routes exactly the listed reports."""
    run("--ids", f"{reports['january'].pk},{reports['power'].pk}", "--commit")
    assert departments(reports) == moved(january="test-yte", power="test-dien")


def test_a_manual_assignment_is_kept_even_when_named_by_id(reports):
    """A report assigned by hand is never re-routed, even when selected by id."""
    item = reports["january"]
    item.assignments.update(is_current=False)
    Assignment.objects.create(
        report=item,
        boundary_set_id=item.assignments.first().boundary_set_id,
        unit=item.unit,
        department=item.department,
        rule=Assignment.Rule.MANUAL,
        cause=Assignment.Cause.MANUAL,
        reason_vi="Phân công thủ công.",
        reason_en="Assigned by hand.",
    )
    assert "Re-routed: 0 open, 0 past" in run("--ids", str(item.pk), "--commit")
    assert departments(reports) == BEFORE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "assigned,nope"), "Unknown status: nope"),
        (("--category", "NOPE"), "Unknown category: NOPE"),
        (("--department", "nope"), "Unknown department: nope"),
        (("--unit", "00000"), "Unknown unit: 00000"),
        (("--ids", "1,x"), "comma list of integers"),
        (("--since", "2026-03-02", "--until", "2026-03-01"), "--since is after"),
    ],
)
def test_bad_filters_are_refused(reports, args, message):
    """Unknown codes, statuses or ids and reversed dates stop before any work."""
    with pytest.raises(CommandError, match=message):
        run(*args)
