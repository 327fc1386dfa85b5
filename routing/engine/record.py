"""Store a routing decision: the report's current Assignment, with its reasons."""

from __future__ import annotations

from routing.engine.decision import Decision
from routing.models import Assignment, Report


def assignment_record(
    *,
    report: Report,
    decision: Decision,
    cause: str,
    actor=None,
    note: str = "",
) -> Assignment:
    """Store ``decision`` as the report's current assignment and apply it."""
    Assignment.objects.filter(report=report, is_current=True).update(is_current=False)
    assignment = Assignment.objects.create(
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
        decided_by=actor if getattr(actor, "pk", None) else None,
        note=note,
    )
    report.unit_id = decision.unit.id
    report.department_id = decision.department.id
    report.save(update_fields=["unit", "department", "updated_at"])
    return assignment
