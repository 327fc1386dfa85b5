"""What the officers' pages call routing rules, causes, rejection reasons and roles.

The models' choice labels are bilingual ("Vùng trách nhiệm (responsibility zone)");
a page speaks one language, so these are English msgids translated in ``locale/vi``,
as ``web.labels`` does for statuses and events.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from routing.models import Assignment, Report
from routing.reports import roles

RULE = {
    Assignment.Rule.ZONE: _("Responsibility zone"),
    Assignment.Rule.UNIT_DEFAULT: _("Default department of the ward or commune"),
    Assignment.Rule.TRIAGE: _("Operations-centre triage desk (no other match)"),
    Assignment.Rule.MANUAL: _("Assigned by hand"),
}

CAUSE = {
    Assignment.Cause.SUBMIT: _("On arrival"),
    Assignment.Cause.ZONE_PUBLISH: _("Zones published"),
    Assignment.Cause.REROUTE: _("Re-routed"),
    Assignment.Cause.PIN_MOVED: _("Pin moved"),
    Assignment.Cause.CATEGORY_CHANGED: _("Category changed"),
    Assignment.Cause.MANUAL: _("Reassigned by hand"),
}

REJECTION_REASON = {
    Report.RejectionReason.OUT_OF_SCOPE: _("Out of scope"),
    Report.RejectionReason.INSUFFICIENT: _("Not enough information"),
    Report.RejectionReason.OTHER_PROCEDURE: _(
        "A complaint or denunciation (another procedure)"
    ),
    Report.RejectionReason.ABUSIVE: _("Abusive content"),
}

ROLE = {
    roles.SYSTEM: _("System"),
    roles.CITIZEN: _("Citizen"),
    roles.IOC_OPERATOR: _("Operations-centre operator"),
    roles.DEPARTMENT_OFFICER: _("Department officer"),
    roles.UNIT_OFFICER: _("Ward or commune officer"),
    roles.ROUTING_OFFICER: _("Routing officer"),
    roles.PLANNER: _("Planner"),
    roles.ADMIN: _("Administrator"),
}

PUBLICATION = {
    Report.Publication.PRIVATE: _(
        "Not public: the citizen did not agree, or the category is never public"
    ),
    Report.Publication.PENDING: _("Awaiting publication review"),
    Report.Publication.APPROVED: _("Approved for publication"),
    Report.Publication.WITHHELD: _("Publication withheld"),
}

# A publication decision in the timeline.
PUBLICATION_DECISION = {
    Report.Publication.APPROVED: _("Publication approved"),
    Report.Publication.WITHHELD: _("Publication withheld"),
}

# The button that moves a report to a status: what the officer does.
ACTION = {
    Report.Status.ASSIGNED: _("Forward for handling"),
    Report.Status.IN_PROGRESS: _("Start handling"),
    Report.Status.RESOLVED: _("Mark resolved"),
    Report.Status.CLOSED: _("Close"),
    Report.Status.REJECTED: _("Reject"),
    Report.Status.DUPLICATE: _("Mark as duplicate"),
    Report.Status.REOPENED: _("Reopen"),
}


def label(table: dict, code: str) -> str:
    """``table[code]`` in the active language, else the code itself."""
    return str(table.get(code, code)) if code else ""
