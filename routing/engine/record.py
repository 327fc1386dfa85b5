"""Store a routing decision: the report's current Assignment, with its reasons.

Two cases. A new report is written by the intake with its unit and department
already in the row, so its first assignment is only inserted, with the report's
other rows (``assignment_first_new``): re-saving the report would be a second write
of the row (and fire the analytics triggers on ``routing_report`` twice). A re-route
(``assignment_record``) retires the current assignment and moves the report.
"""

from __future__ import annotations

from routing.engine.decision import Decision
from routing.metrics import routing_decisions_count
from routing.models import Assignment, Report
from routing.reports.roles import Actor, acting_user


def _assignment_new(
    *,
    report: Report,
    decision: Decision,
    cause: str,
    actor: Actor,
    note: str,
    pk: int | None = None,
) -> Assignment:
    routing_decisions_count(rule=decision.rule, cause=cause)
    return Assignment(
        pk=pk,
        report=report,
        boundary_set_id=decision.unit.boundary_set_id,
        unit_id=decision.unit.id,
        department_id=decision.department.id,
        zone_id=decision.zone.id if decision.zone else None,
        rule=decision.rule,
        cause=cause,
        near_edge=decision.near_edge,
        edge_distance_m=decision.edge_distance_m,
        outside_unit_m=decision.unit.outside_m or None,
        candidates=decision.candidates_json(),
        reason_vi=decision.reason_vi,
        reason_en=decision.reason_en,
        decided_by=acting_user(actor),
        note=note,
    )


def _assignment_create(
    *, report: Report, decision: Decision, cause: str, actor: Actor, note: str
) -> Assignment:
    assignment = _assignment_new(
        report=report, decision=decision, cause=cause, actor=actor, note=note
    )
    assignment.save(force_insert=True)
    return assignment


def assignment_first_new(
    *,
    report: Report,
    decision: Decision,
    pk: int,
    cause: str = Assignment.Cause.SUBMIT,
) -> Assignment:
    """``decision`` as the first assignment (id ``pk``) of a report written with the
    decision's unit and department, not written yet: the intake writes it with the
    report's other rows (``routing.intake.inserts``); the report row is not written
    again."""
    if (report.unit_id, report.department_id) != (
        decision.unit.id,
        decision.department.id,
    ):
        raise ValueError(
            "the report was not written with the decision's unit and department"
        )
    return _assignment_new(
        report=report, decision=decision, cause=cause, actor=None, note="", pk=pk
    )


def assignment_record(
    *,
    report: Report,
    decision: Decision,
    cause: str,
    actor: Actor = None,
    note: str = "",
) -> Assignment:
    """Store ``decision`` as the report's current assignment and apply it: the
    previous assignment is retired and the report moves to the new unit and
    department."""
    Assignment.objects.filter(report=report, is_current=True).update(is_current=False)
    assignment = _assignment_create(
        report=report, decision=decision, cause=cause, actor=actor, note=note
    )
    report.unit_id = decision.unit.id
    report.department_id = decision.department.id
    report.save(update_fields=["unit", "department", "updated_at"])
    return assignment
