"""Routing by hand: reassign to a department, move the pin, change the category.

A moved pin or a changed category re-routes through the engine
(``routing.engine.route.route_decide``) at the report's ``reported_at``, with the
boundaries and zones in force then, and records a new Assignment with its cause.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from geo.coords import check_lon_lat
from routing.engine.record import assignment_record
from routing.engine.route import route_decide
from routing.metrics import routing_decisions_count
from routing.models import Assignment, Category, Department, Report, ReportEvent
from routing.notifications.outbox import notify_assignment
from routing.reports.actors import role_names
from routing.reports.events import event_record
from routing.reports.roles import Actor
from routing.workflow.deadlines import due_at
from routing.workflow.errors import WorkflowConflict, WorkflowError
from routing.workflow.guards import (
    ROUTING_ROLES,
    acting_role,
    lock,
    require_note,
    require_open,
    require_role,
)


def _department_change_notify(
    report: Report, before_id: int, assignment: Assignment
) -> None:
    if report.department_id != before_id:
        notify_assignment(report=report, assignment=assignment)


@transaction.atomic
def report_reassign(
    *, report: Report, actor: Actor, department: Department, note: str
) -> Assignment:
    """Hand an open report to ``department`` by hand (operations centre only).

    The assignment is recorded with rule and cause ``manual``, who and why; zone
    re-routes (``routing.zones.bulk``) leave it alone.
    """
    role = acting_role(actor)
    require_role(role, ROUTING_ROLES)
    note = require_note(note)
    (report,) = lock(report)
    require_open(report)
    if not department.active:
        raise WorkflowError(
            "inactive_department",
            f"{department.name_vi} không còn hoạt động.",
            f"{department.name_en} is no longer active.",
            field="department",
        )
    before = report.department
    if department.pk == before.pk:
        raise WorkflowConflict(
            "same_department",
            f"Phản ánh đã do {department.name_vi} xử lý.",
            f"The report is already with {department.name_en}.",
            field="department",
        )
    # require_role: the system never reassigns, and anonymous users have no role.
    assert actor is not None
    assert actor.is_authenticated
    # The reasons name the role, not the user name (decided_by keeps who).
    who_vi, who_en = role_names(role)
    Assignment.objects.filter(report=report, is_current=True).update(is_current=False)
    assignment = Assignment.objects.create(
        report=report,
        boundary_set_id=report.unit.boundary_set_id,
        unit=report.unit,
        department=department,
        rule=Assignment.Rule.MANUAL,
        cause=Assignment.Cause.MANUAL,
        reason_vi=f"{who_vi} chuyển thủ công từ {before.name_vi} sang "
        f"{department.name_vi}: {note}",
        reason_en=f"{who_en} reassigned by hand from {before.name_en} to "
        f"{department.name_en}: {note}",
        decided_by=actor,
        note=note,
    )
    report.department = department
    report.save(update_fields=["department", "updated_at"])
    routing_decisions_count(rule=Assignment.Rule.MANUAL, cause=Assignment.Cause.MANUAL)
    event_record(
        report=report,
        kind=ReportEvent.Kind.ASSIGNMENT,
        actor=actor,
        role=role,
        public=False,
        note=note,
        data={
            "cause": Assignment.Cause.MANUAL,
            "from": before.code,
            "to": department.code,
            "assignment": assignment.pk,
        },
    )
    notify_assignment(report=report, assignment=assignment)
    return assignment


@transaction.atomic
def report_move_pin(
    *, report: Report, actor: Actor, lon: float, lat: float
) -> Assignment:
    """Correct an open report's location and route it again, with the boundaries and
    zones in force when it was made. A person's new fact outranks an earlier manual
    assignment: the report goes wherever the new point routes."""
    role = acting_role(actor)
    require_role(role, ROUTING_ROLES)
    point = check_lon_lat(float(lon), float(lat))
    (report,) = lock(report)
    require_open(report)
    decision = route_decide(
        lon=point.lon, lat=point.lat, category=report.category, at=report.reported_at
    )
    before = {
        "lon": report.location.x,
        "lat": report.location.y,
        "unit": report.unit.code,
        "department": report.department.code,
    }
    report.location = Point(point.lon, point.lat, srid=4326)
    report.jurisdiction_code = decision.unit.jurisdiction_code
    report.save(update_fields=["location", "jurisdiction_code", "updated_at"])
    before_department = report.department_id
    assignment = assignment_record(
        report=report, decision=decision, cause=Assignment.Cause.PIN_MOVED, actor=actor
    )
    event_record(
        report=report,
        kind=ReportEvent.Kind.LOCATION,
        actor=actor,
        role=role,
        public=False,
        note=decision.reason_vi,
        data={
            "from": before,
            "to": {
                "lon": point.lon,
                "lat": point.lat,
                "unit": decision.unit.code,
                "department": decision.department.code,
            },
            "assignment": assignment.pk,
        },
    )
    _department_change_notify(report, before_department, assignment)
    return assignment


@transaction.atomic
def report_change_category(
    *, report: Report, actor: Actor, category: Category
) -> Assignment:
    """Correct an open report's category: route it again (at its reported_at) and
    recompute its deadline from the new category's SLA."""
    role = acting_role(actor)
    require_role(role, ROUTING_ROLES)
    (report,) = lock(report)
    require_open(report)
    if category.pk == report.category_id:
        raise WorkflowConflict(
            "same_category",
            "Phản ánh đã thuộc lĩnh vực này.",
            "The report already has this category.",
            field="category",
        )
    if not category.active:
        raise WorkflowError(
            "inactive_category",
            f"Lĩnh vực «{category.name_vi}» không còn được nhận.",
            f"The category '{category.name_en}' is no longer in use.",
            field="category",
        )
    decision = route_decide(
        lon=report.location.x,
        lat=report.location.y,
        category=category,
        at=report.reported_at,
    )
    old_category, before_department = report.category, report.department
    report.category = category
    report.due_at = due_at(
        category=category, start=report.reported_at, urgent=report.urgent
    )
    if report.due_at > timezone.now():
        report.escalated_at = None  # the new deadline may escalate in its turn
    report.save(update_fields=["category", "due_at", "escalated_at", "updated_at"])
    assignment = assignment_record(
        report=report,
        decision=decision,
        cause=Assignment.Cause.CATEGORY_CHANGED,
        actor=actor,
    )
    event_record(
        report=report,
        kind=ReportEvent.Kind.ASSIGNMENT,
        actor=actor,
        role=role,
        public=False,
        note=decision.reason_vi,
        data={
            "cause": Assignment.Cause.CATEGORY_CHANGED,
            "category": {"from": old_category.code, "to": category.code},
            "from": before_department.code,
            "to": decision.department.code,
            "due_at": report.due_at.isoformat(),
            "assignment": assignment.pk,
        },
    )
    _department_change_notify(report, before_department.pk, assignment)
    return assignment
