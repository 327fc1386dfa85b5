"""What a bulk re-route leaves besides the new assignments: a timeline event on
each re-routed report, and word to the departments that receive open ones.

Called by ``routing.zones.bulk.reports_reroute`` inside its transaction, while its
temporary table ``reroute`` (report, old and new department, zone, rule, open or
not) still exists and the new assignments are current; so the events and the
outbox rows exist exactly when the re-route does. The events are one set-based
INSERT (a publish may move thousands of reports); the notifications are
``routing.notifications.outbox.notify_rerouted``'s, for the open reports only (a
closed report re-filed under its new department needs nobody's action).
"""

from __future__ import annotations

from typing import Any

from routing.models import Assignment, ReportEvent
from routing.notifications.outbox import notify_rerouted
from routing.reports.roles import SYSTEM

# One internal ``assignment`` event per re-routed report, by the system, in the
# shape of a manual reassignment's (cause, from, to, assignment) plus the rule and
# zone. Its note is the decision's Vietnamese reason; the English staff page shows
# the assignment's English one.
_EVENTS = """
    INSERT INTO routing_reportevent (
        report_id, kind, from_status, to_status, actor_id, actor_role, public,
        note, data, at)
    SELECT c.report_id, %(kind)s, '', '', NULL, %(role)s, false, a.reason_vi,
           jsonb_build_object('cause', %(cause)s, 'from', od.code, 'to', nd.code,
                              'assignment', a.id, 'rule', c.rule, 'zone', c.zone_id),
           now()
    FROM reroute c
    JOIN routing_assignment a ON a.report_id = c.report_id AND a.is_current
    JOIN routing_department od ON od.id = c.old_department_id
    JOIN routing_department nd ON nd.id = c.new_department_id
"""
_OPEN_ASSIGNMENTS = """
    SELECT a.id FROM reroute c
    JOIN routing_assignment a ON a.report_id = c.report_id AND a.is_current
    WHERE c.is_open
"""


def reroute_records(cursor: Any, *, cause: str) -> None:
    """Write the events and the notifications of the re-route in ``reroute``."""
    cursor.execute(
        _EVENTS,
        {"kind": ReportEvent.Kind.ASSIGNMENT, "role": SYSTEM, "cause": cause},
    )
    cursor.execute(_OPEN_ASSIGNMENTS)
    ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return
    assignments = (
        Assignment.objects.filter(pk__in=ids)
        .select_related("report__category", "report__department")
        .only(
            "rule",
            "cause",
            "zone",
            "near_edge",
            "report__tracking_code",
            "report__status",
            "report__location",
            "report__reported_at",
            "report__due_at",
            "report__category__code",
            "report__category__name_vi",
            "report__category__name_en",
            "report__department__code",
            "report__department__name_vi",
            "report__department__name_en",
            "report__department__email",
            "report__department__webhook_url",
        )
        .order_by("report__department_id", "report__due_at", "report__id")
    )
    notify_rerouted(assignments=assignments)
