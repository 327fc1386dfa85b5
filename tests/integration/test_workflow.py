"""The report workflow services: who may take which step, notes and reasons, ratings,
manual routing, moved pins and changed categories, deadlines and escalation."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from api.errors import http_status
from routing import workflow
from routing.models import (
    Assignment,
    CalendarOverride,
    Category,
    Department,
    Notification,
    Report,
    ReportEvent,
    StaffProfile,
)
from routing.reports import lifecycle, roles
from routing.reports.receipt import receipt_secret
from routing.tasks import sla_escalate
from routing.workflow import WorkflowError
from routing.workflow.deadlines import calendar_load, due_at
from routing.zones.bulk import Selection, reports_reroute
from routing.zones.state import ZoneState
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Inside Phường Đồng Thuận (18859) from 1/7/2025; Đồng Phú lies in Phường Đồng Hới.
DONG_THUAN = (106.5894, 17.4954)
COMMITTEE_DONG_HOI = "ubnd-18880-phuong-dong-hoi"
COMMITTEE_DONG_THUAN = "ubnd-18859-phuong-dong-thuan"
STEPS = sorted(lifecycle.TRANSITIONS)
ROLES = (roles.SYSTEM, roles.CITIZEN, *roles.STAFF_ROLES)
NOTE = "Đã kiểm tra hiện trường."
_names = count()


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HCM)


FRIDAY_BEFORE_TET = local(2026, 2, 13, 10)


def staff(role: str, *, department=None, unit_code: str = ""):
    user = get_user_model().objects.create_user(
        username=f"{role}-{next(_names)}", password="x"
    )
    StaffProfile.objects.create(
        user=user, role=role, department=department, unit_code=unit_code
    )
    return user


def report_make(
    status: str = "assigned",
    category: str = "TTDT",
    point: tuple[float, float] = DONG_PHU,
    at: dt.datetime = FRIDAY_BEFORE_TET,
    **fields,
) -> Report:
    report = report_create(
        lon=point[0], lat=point[1], category=category, reported_at=at
    )
    return report_force(report, status=status, **fields)


def actor_for(role: str, report: Report):
    """A user acting in ``role`` with the report in scope; None for the system."""
    if role == roles.SYSTEM:
        return None
    department = report.department if role == roles.DEPARTMENT_OFFICER else None
    unit_code = report.unit.code if role == roles.UNIT_OFFICER else ""
    return staff(role, department=department, unit_code=unit_code)


def act(role: str, report: Report, target: str) -> Report:
    """Take the step to ``target`` as ``role``, with every input a step may need.
    Citizens act only by rating."""
    if role == roles.CITIZEN:
        reopen = target == Report.Status.REOPENED
        return workflow.report_rate(
            report=report,
            receipt=receipt_secret(report),
            rating="dissatisfied" if reopen else "satisfied",
            note="Rác vẫn còn.",
            reopen=reopen,
        )
    duplicate_of = None
    if target == Report.Status.DUPLICATE:
        duplicate_of = report_make(category=report.category.code)
    return workflow.report_transition(
        report=report,
        to_status=target,
        actor=actor_for(role, report),
        note=NOTE,
        reason=Report.RejectionReason.OUT_OF_SCOPE,
        duplicate_of=duplicate_of,
    )


def last_event(report: Report) -> ReportEvent:
    return report.events.order_by("-id").first()


# --- Who may take which step ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("current", "target"), STEPS, ids="→".join)
def test_step_open_to_its_roles_only(current, target, role):
    """Each step of the workflow table is taken by the roles it lists and refused to
    every other role, leaving the report and its events untouched."""
    report = report_make(status=current)
    events_before = report.events.count()
    if role in lifecycle.TRANSITIONS[(current, target)].roles:
        report = act(role, report, target)
        assert report.status == target
        event = last_event(report)
        assert (event.from_status, event.to_status) == (current, target)
        assert event.actor_role == role
        return
    with pytest.raises(WorkflowError) as refused:
        act(role, report, target)
    # A citizen's only way in is the rating, which a report not resolved refuses.
    assert http_status(refused.value) == (409 if role == roles.CITIZEN else 403)
    report.refresh_from_db()
    assert report.status == current
    assert report.events.count() == events_before


def test_steps_outside_the_table_are_conflicts():
    """A step the table does not have is refused with 409, even to an admin."""
    admin = staff(roles.ADMIN)
    for current in Report.Status.values:
        report = report_make(status=current)
        for target in Report.Status.values:
            if (current, target) in lifecycle.TRANSITIONS:
                continue
            with pytest.raises(WorkflowError) as refused:
                workflow.report_transition(
                    report=report, to_status=target, actor=admin, note=NOTE
                )
            assert http_status(refused.value) == 409, (current, target)
            assert refused.value.code == "impossible_transition"


def test_department_officer_acts_only_on_own_department():
    """A department officer may not change another department's report."""
    report = report_make()
    other = Department.objects.get(code=COMMITTEE_DONG_THUAN)
    officer = staff(roles.DEPARTMENT_OFFICER, department=other)
    with pytest.raises(WorkflowError) as refused:
        workflow.report_transition(
            report=report, to_status="in_progress", actor=officer
        )
    assert (http_status(refused.value), refused.value.code) == (403, "other_department")
    with pytest.raises(WorkflowError) as refused:
        workflow.report_comment(report=report, actor=officer, note=NOTE, public=False)
    assert http_status(refused.value) == 403


def test_unit_officer_only_comments():
    """A ward officer comments on the ward's reports but changes no status."""
    report = report_make()
    officer = staff(roles.UNIT_OFFICER, unit_code=report.unit.code)
    event = workflow.report_comment(
        report=report, actor=officer, note="Đã báo tổ dân phố.", public=False
    )
    assert (event.kind, event.actor_role) == ("comment", roles.UNIT_OFFICER)
    with pytest.raises(WorkflowError) as refused:
        workflow.report_transition(
            report=report, to_status="in_progress", actor=officer
        )
    assert (http_status(refused.value), refused.value.code) == (
        403,
        "role_comments_only",
    )


# --- Notes, reasons, duplicates ------------------------------------------------------


NEEDS_NOTE = [k for k, s in lifecycle.TRANSITIONS.items() if s.needs_note]
NEEDS_REASON = [k for k, s in lifecycle.TRANSITIONS.items() if s.needs_reason]
NEEDS_DUPLICATE = [k for k, s in lifecycle.TRANSITIONS.items() if s.needs_duplicate_of]


@pytest.mark.parametrize(("current", "target"), NEEDS_NOTE, ids="→".join)
def test_note_required_and_public(current, target):
    """Steps the table marks need a note the citizen can read: none or an internal
    one is refused with 400."""
    ioc = staff(roles.IOC_OPERATOR)
    report = report_make(status=current)
    reason = Report.RejectionReason.INSUFFICIENT
    # Resolving needs the result note (routing.workflow.resolution) first.
    blank = "result_note_required" if target == "resolved" else "note_required"
    for note, public, code in [("  ", True, blank), (NOTE, False, "")]:
        with pytest.raises(WorkflowError) as refused:
            workflow.report_transition(
                report=report,
                to_status=target,
                actor=ioc,
                note=note,
                public=public,
                reason=reason,
            )
        assert http_status(refused.value) == 400
        assert refused.value.code == (code or "note_must_be_public")
    report = workflow.report_transition(
        report=report, to_status=target, actor=ioc, note=NOTE, reason=reason
    )
    assert last_event(report).note == NOTE


@pytest.mark.parametrize(("current", "target"), NEEDS_REASON, ids="→".join)
def test_rejection_needs_reason(current, target):
    """A rejection needs one of the listed reasons, which the report keeps."""
    ioc = staff(roles.IOC_OPERATOR)
    report = report_make(status=current)
    for reason in ["", "no-such-reason"]:
        with pytest.raises(WorkflowError) as refused:
            workflow.report_transition(
                report=report, to_status=target, actor=ioc, note=NOTE, reason=reason
            )
        assert (http_status(refused.value), refused.value.field) == (400, "reason")
    report = workflow.report_transition(
        report=report,
        to_status=target,
        actor=ioc,
        note=NOTE,
        reason=Report.RejectionReason.OTHER_PROCEDURE,
    )
    assert report.rejection_reason == "other_procedure"
    assert report.closed_at is not None


@pytest.mark.parametrize(("current", "target"), NEEDS_DUPLICATE, ids="→".join)
def test_duplicate_needs_original(current, target):
    """Marking a duplicate needs the original report."""
    ioc = staff(roles.IOC_OPERATOR)
    report = report_make(status=current)
    with pytest.raises(WorkflowError) as refused:
        workflow.report_transition(report=report, to_status=target, actor=ioc)
    assert (http_status(refused.value), refused.value.code) == (
        400,
        "duplicate_of_required",
    )


def test_merge_marks_duplicate_with_event_on_both():
    """A merge makes the report a closed duplicate of the open original; both
    reports get an event."""
    ioc = staff(roles.IOC_OPERATOR)
    original, report = report_make(), report_make()
    report = workflow.report_merge(report=report, into=original, actor=ioc)
    assert (report.status, report.duplicate_of) == ("duplicate", original)
    assert report.closed_at is not None
    merged = last_event(report)
    assert (merged.kind, merged.public) == ("merge", True)
    assert merged.data["duplicate_of"] == original.tracking_code
    assert original.tracking_code in merged.note
    on_original = last_event(original)
    assert on_original.kind == "merge"
    assert on_original.data == {"merged": report.tracking_code}
    assert not on_original.public


def test_merge_refuses_self_other_category_and_closed_original():
    """Only another open report of the same category can be the original."""
    ioc = staff(roles.IOC_OPERATOR)
    report = report_make()
    cases = [
        (report, 400, "duplicate_of_self"),
        (report_make(category="VSMT"), 400, "duplicate_of_other_category"),
        (report_make(status="closed"), 409, "duplicate_of_not_open"),
    ]
    for into, status, code in cases:
        with pytest.raises(WorkflowError) as refused:
            workflow.report_merge(report=report, into=into, actor=ioc)
        assert (http_status(refused.value), refused.value.code) == (status, code)


# --- Resolution and the citizen's rating ---------------------------------------------


def test_resolve_then_rate_satisfied_closes():
    """Resolved with a public note, then rated satisfied by the citizen: closed."""
    report = report_make(status="in_progress")
    officer = staff(roles.DEPARTMENT_OFFICER, department=report.department)
    report = workflow.report_transition(
        report=report, to_status="resolved", actor=officer, note="Đã dọn vỉa hè."
    )
    assert report.resolved_at is not None
    report = workflow.report_rate(
        report=report, receipt=receipt_secret(report), rating="satisfied"
    )
    assert (report.status, report.rating) == ("closed", "satisfied")
    assert report.closed_at is not None
    assert report.rated_at is not None
    rated = last_event(report)
    assert (rated.kind, rated.actor_role, rated.actor) == ("rating", "citizen", None)
    assert rated.data == {"rating": "satisfied"}


def test_rate_dissatisfied_reopen_then_back_in_progress():
    """Dissatisfied with reopen (and a note) reopens the report with a new deadline;
    the department takes it up again."""
    report = report_make(status="resolved", resolved_at=timezone.now())
    with pytest.raises(WorkflowError) as refused:
        workflow.report_rate(
            report=report,
            receipt=receipt_secret(report),
            rating="dissatisfied",
            reopen=True,
        )
    assert refused.value.code == "note_required"
    report = workflow.report_rate(
        report=report,
        receipt=receipt_secret(report),
        rating="dissatisfied",
        reopen=True,
        note="Vẫn còn lấn chiếm.",
    )
    assert (report.status, report.rating) == ("reopened", "dissatisfied")
    assert report.resolved_at is None
    assert report.due_at > timezone.now()
    officer = staff(roles.DEPARTMENT_OFFICER, department=report.department)
    report = workflow.report_transition(
        report=report, to_status="in_progress", actor=officer
    )
    assert report.status == "in_progress"


def test_rating_refused_unless_resolved_and_valid():
    """Only a resolved report can be rated, with a known rating; only dissatisfied
    may reopen."""
    fresh = report_make()
    with pytest.raises(WorkflowError) as refused:
        workflow.report_rate(
            report=fresh, receipt=receipt_secret(fresh), rating="satisfied"
        )
    assert http_status(refused.value) == 409
    resolved = report_make(status="resolved")
    with pytest.raises(WorkflowError) as refused:
        workflow.report_rate(
            report=resolved, receipt=receipt_secret(resolved), rating="great"
        )
    assert refused.value.field == "rating"
    with pytest.raises(WorkflowError) as refused:
        workflow.report_rate(
            report=resolved,
            receipt=receipt_secret(resolved),
            rating="satisfied",
            reopen=True,
        )
    assert refused.value.field == "reopen"


# --- Routing by hand -------------------------------------------------------------------


def test_manual_reassignment_records_who_and_why_and_survives_reroute():
    """A manual reassignment keeps who and why, tells the new department, and a zone
    re-route leaves it alone while it moves an unpinned report back."""
    ioc = staff(roles.IOC_OPERATOR)
    qldt = Department.objects.get(code="dh-qldt")
    report, unpinned = report_make(), report_make()
    assignment = workflow.report_reassign(
        report=report, actor=ioc, department=qldt, note="Vỉa hè do phòng QLĐT quản lý."
    )
    assert (assignment.rule, assignment.cause) == ("manual", "manual")
    assert (assignment.decided_by, assignment.note) == (
        ioc,
        "Vỉa hè do phòng QLĐT quản lý.",
    )
    # The reason names the role; decided_by keeps the user.
    assert ioc.username not in assignment.reason_vi
    assert assignment.reason_vi.startswith("Điều phối viên IOC chuyển thủ công")
    report.refresh_from_db()
    assert report.department == qldt
    event = last_event(report)
    assert (event.kind, event.actor, event.public) == ("assignment", ioc, False)
    assert event.data["to"] == "dh-qldt"
    assert Notification.objects.filter(
        report=report, recipient=qldt.email, payload__event="assigned"
    ).exists()

    Report.objects.filter(pk=unpinned.pk).update(department=qldt)
    reports_reroute(
        state=ZoneState(at=timezone.now()),
        selection=Selection(ids=(report.pk, unpinned.pk)),
        cause=Assignment.Cause.REROUTE,
    )
    report.refresh_from_db()
    unpinned.refresh_from_db()
    assert report.department == qldt
    assert report.assignments.get(is_current=True).rule == "manual"
    assert unpinned.department.code == COMMITTEE_DONG_HOI


def test_reassignment_refused_to_officers_and_without_note():
    """Only the operations centre reassigns, and only with a reason."""
    report = report_make()
    qldt = Department.objects.get(code="dh-qldt")
    officer = staff(roles.DEPARTMENT_OFFICER, department=report.department)
    with pytest.raises(WorkflowError) as refused:
        workflow.report_reassign(
            report=report, actor=officer, department=qldt, note=NOTE
        )
    assert http_status(refused.value) == 403
    with pytest.raises(WorkflowError) as refused:
        workflow.report_reassign(
            report=report, actor=staff(roles.IOC_OPERATOR), department=qldt, note=""
        )
    assert refused.value.code == "note_required"


def test_pin_moved_across_ward_boundary_reroutes():
    """Moving the pin from Phường Đồng Hới into Phường Đồng Thuận hands the report to
    Đồng Thuận's People's Committee, with an assignment and an event."""
    report = report_make()
    assert (report.unit.code, report.department.code) == ("18880", COMMITTEE_DONG_HOI)
    ioc = staff(roles.IOC_OPERATOR)
    assignment = workflow.report_move_pin(
        report=report, actor=ioc, lon=DONG_THUAN[0], lat=DONG_THUAN[1]
    )
    report.refresh_from_db()
    assert (report.unit.code, report.department.code) == ("18859", COMMITTEE_DONG_THUAN)
    assert (report.location.x, report.location.y) == DONG_THUAN
    assert (assignment.cause, assignment.is_current, assignment.decided_by) == (
        "pin_moved",
        True,
        ioc,
    )
    assert report.assignments.count() == 2
    event = last_event(report)
    assert event.kind == "location"
    assert event.data["from"]["department"] == COMMITTEE_DONG_HOI
    assert event.data["to"]["department"] == COMMITTEE_DONG_THUAN


def test_category_change_reroutes_and_resets_deadline():
    """A waste report re-filed as urban order leaves the environment company for the
    ward, and its deadline follows the new category's SLA."""
    report = report_make(category="VSMT")
    report.due_at = due_at(category=report.category, start=report.reported_at)
    report.save()
    assert report.department.code == "qb-moitruong"
    assignment = workflow.report_change_category(
        report=report,
        actor=staff(roles.IOC_OPERATOR),
        category=Category.objects.get(code="TTDT"),
    )
    report.refresh_from_db()
    assert assignment.cause == "category_changed"
    assert (report.category.code, report.department.code) == (
        "TTDT",
        COMMITTEE_DONG_HOI,
    )
    assert report.due_at == local(2026, 2, 25, 17)
    assert last_event(report).data["category"] == {"from": "VSMT", "to": "TTDT"}


# --- Deadlines ---------------------------------------------------------------------------


def test_due_over_tet_and_with_a_day_off():
    """Friday 13/02/2026 10:00 plus 3 working days ends 25/02/2026 17:00 (Tết
    16–20/02 is off); a storm day off on 24/02 moves it to 26/02."""
    category = Category.objects.get(code="TTDT")
    assert (category.sla_value, category.sla_unit) == (3, "days")
    assert due_at(category=category, start=FRIDAY_BEFORE_TET) == local(2026, 2, 25, 17)
    CalendarOverride.objects.create(date=dt.date(2026, 2, 24), working=False)
    assert due_at(
        category=category, start=FRIDAY_BEFORE_TET, calendar=calendar_load()
    ) == local(2026, 2, 26, 17)


def test_sla_flags_and_selectors():
    """Due soon once 80% of the allowed time has passed, overdue after the deadline;
    reports no longer open are neither."""
    start = local(2026, 3, 2, 8)
    report = report_make(at=start, due_at=start + dt.timedelta(hours=10))
    closed = report_make(
        at=start, status="closed", due_at=start + dt.timedelta(hours=10)
    )
    hours = {h: start + dt.timedelta(hours=h) for h in (7, 8, 11)}
    assert workflow.sla_flags(report, hours[7]) == workflow.SlaFlags(
        overdue=False, due_soon=False, share=0.7
    )
    assert workflow.sla_flags(report, hours[8]).due_soon
    assert workflow.sla_flags(report, hours[11]).overdue
    assert not workflow.sla_flags(report, hours[11]).due_soon
    assert workflow.sla_flags(closed, hours[11]) == workflow.SlaFlags(
        overdue=False, due_soon=False, share=None
    )
    mine = {report.pk, closed.pk}

    def ids(queryset):
        return set(queryset.filter(pk__in=mine).values_list("pk", flat=True))

    assert ids(workflow.reports_due_soon(hours[7])) == set()
    assert ids(workflow.reports_due_soon(hours[8])) == {report.pk}
    assert ids(workflow.reports_overdue(hours[8])) == set()
    assert ids(workflow.reports_overdue(hours[11])) == {report.pk}
    assert ids(workflow.reports_due_soon(hours[11])) == set()


def test_reopened_report_counts_time_from_reopening():
    """A report reopened a month after it was made has a new deadline, measured from
    the reopening: neither overdue nor due soon, then due soon near the new deadline,
    and escalated again once past it."""
    month_ago = timezone.now() - dt.timedelta(days=30)
    report = report_make(
        status="resolved",
        at=month_ago,
        due_at=month_ago + dt.timedelta(days=3),
        escalated_at=month_ago + dt.timedelta(days=3),
    )
    report = workflow.report_rate(
        report=report,
        receipt=receipt_secret(report),
        rating="dissatisfied",
        reopen=True,
        note="Chưa xong.",
    )
    assert report.escalated_at is None
    now = timezone.now()
    flags = workflow.sla_flags(report, now)
    assert (flags.overdue, flags.due_soon) == (False, False)
    assert flags.share < 0.01
    assert not workflow.reports_due_soon(now).filter(pk=report.pk).exists()
    late = report.due_at - dt.timedelta(minutes=1)
    assert workflow.sla_flags(report, late).due_soon
    assert workflow.reports_due_soon(late).filter(pk=report.pk).exists()
    assert (
        workflow.reports_overdue(report.due_at + dt.timedelta(seconds=1))
        .filter(pk=report.pk)
        .exists()
    )


def test_sla_escalate_once_to_triage_desk():
    """The beat job escalates an overdue open report once: escalated_at, an internal
    escalation event and one e-mail to the triage desk, however often it runs."""
    past = timezone.now() - dt.timedelta(hours=1)
    overdue = report_make(due_at=past)
    in_time = report_make(due_at=timezone.now() + dt.timedelta(days=1))
    closed = report_make(status="closed", due_at=past)
    assert sla_escalate.run() >= 1
    assert sla_escalate.apply().get() == 0
    for report in (overdue, in_time, closed):
        report.refresh_from_db()
    assert overdue.escalated_at is not None
    assert in_time.escalated_at is None
    assert closed.escalated_at is None
    events = overdue.events.filter(kind="escalation")
    assert events.count() == 1
    assert not events.get().public
    assert events.get().data["triage"] == "ioc-triage"
    rows = Notification.objects.filter(report=overdue)
    assert rows.count() == 1
    assert (rows.get().channel, rows.get().recipient) == (
        "email",
        "ioc@hientruong.invalid",
    )
    assert overdue.tracking_code in rows.get().subject
    assert not Notification.objects.filter(report__in=[in_time, closed]).exists()


# --- The citizen hears of every public change --------------------------------------------


@pytest.mark.parametrize(("current", "target"), STEPS, ids="→".join)
def test_public_status_change_notifies_citizen(current, target):
    """Every public status change writes outbox rows to the citizen's e-mail and
    phone (both proven: a one-time code and the e-mail's link)."""
    report = report_make(
        status=current,
        reporter_email="dan@example.org",
        reporter_phone="+84912345678",
        contact_verified=True,
        email_verified=True,
    )
    role = (
        roles.CITIZEN
        if roles.CITIZEN in lifecycle.TRANSITIONS[(current, target)].roles
        else roles.ADMIN
    )
    act(role, report, target)
    rows = Notification.objects.filter(report=report, payload__status=target)
    assert {(n.channel, n.recipient) for n in rows} >= {
        ("email", "dan@example.org"),
        ("sms", "+84912345678"),
    }


def test_internal_changes_do_not_notify_citizen():
    """An internal status change or comment writes nothing for the citizen."""
    report = report_make(reporter_email="dan@example.org", email_verified=True)
    ioc = staff(roles.IOC_OPERATOR)
    workflow.report_transition(
        report=report, to_status="in_progress", actor=ioc, public=False
    )
    workflow.report_comment(report=report, actor=ioc, note=NOTE, public=False)
    assert not Notification.objects.filter(recipient="dan@example.org").exists()
    workflow.report_comment(report=report, actor=ioc, note=NOTE, public=True)
    assert Notification.objects.filter(recipient="dan@example.org").count() == 1


# --- manage.py staff_create ------------------------------------------------------------------


def test_staff_create_command():
    """staff_create makes a user with a role, checks department and unit, and
    updates the role when run again; only roles that use the admin are
    ``is_staff``."""
    out = StringIO()
    call_command(
        "staff_create",
        "qldt1",
        "--role",
        "department_officer",
        "--department",
        "dh-qldt",
        "--password",
        "Song-Nhat-Le-2025",
        stdout=out,
    )
    user = get_user_model().objects.get(username="qldt1")
    assert user.check_password("Song-Nhat-Le-2025")
    assert not user.is_staff  # the admin is for the operations centre and admins
    assert user.staff_profile.department.code == "dh-qldt"
    with pytest.raises(CommandError):
        call_command("staff_create", "x", "--role", "department_officer")
    with pytest.raises(CommandError):
        call_command("staff_create", "x", "--role", "unit_officer", "--unit", "0")
    call_command("staff_create", "qldt1", "--role", "routing_officer", stdout=out)
    user.refresh_from_db()
    assert user.staff_profile.role == "routing_officer"
    assert user.groups.filter(name="routing_officer").exists()
    assert user.check_password("Song-Nhat-Le-2025")
    assert not user.is_staff
    call_command("staff_create", "qldt1", "--role", "ioc_operator", stdout=out)
    user.refresh_from_db()
    assert user.is_staff
    assert not user.groups.filter(name="routing_officer").exists()
