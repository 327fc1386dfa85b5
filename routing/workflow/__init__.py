"""The report workflow: status changes, comments, manual routing, ratings, merges, SLA.

Every service here is one transaction. It locks the report row (``SELECT … FOR
UPDATE``), so two officers acting at once are serialised and the second sees the
first one's status; it leaves a :class:`~routing.models.ReportEvent` with the actor
and the role they acted in; and a change the citizen may see writes its outbox rows
(``routing.notifications.outbox``) in the same transaction.

Who may do what comes from ``routing.reports.lifecycle.TRANSITIONS`` and the actor's
StaffProfile (``routing.reports.roles.role_of``). ``actor=None`` is the system (the engine,
scheduled jobs); citizens are not users and act only through :func:`report_rate` and
:func:`report_add_info`, proved by their report's receipt secret
(``routing.workflow.citizen``), never by the public tracking code alone. Refusals
are bilingual errors carrying their HTTP status: 403 for a role or a department
that may not act (or a missing or wrong receipt secret), 409 for a step the
workflow does not have or a report in the wrong state, 400 for missing or invalid
input.
"""

from routing.workflow.assignments import (
    report_change_category,
    report_move_pin,
    report_reassign,
)
from routing.workflow.autoclose import reports_autoclose
from routing.workflow.citizen import (
    ReceiptRefused,
    receipt_check,
    report_add_info,
    reporter_check,
)
from routing.workflow.errors import WorkflowConflict, WorkflowError, WorkflowForbidden
from routing.workflow.publication import report_publication_decide
from routing.workflow.sla import (
    SlaFlags,
    reports_due_soon,
    reports_escalate,
    reports_overdue,
    sla_flags,
)
from routing.workflow.status import (
    report_comment,
    report_merge,
    report_rate,
    report_transition,
    report_transition_allowed,
)

__all__ = [
    "ReceiptRefused",
    "SlaFlags",
    "WorkflowConflict",
    "WorkflowError",
    "WorkflowForbidden",
    "receipt_check",
    "report_add_info",
    "report_change_category",
    "report_comment",
    "report_merge",
    "report_move_pin",
    "report_publication_decide",
    "report_rate",
    "report_reassign",
    "report_transition",
    "report_transition_allowed",
    "reporter_check",
    "reports_autoclose",
    "reports_due_soon",
    "reports_escalate",
    "reports_overdue",
    "sla_flags",
]
