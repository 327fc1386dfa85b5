"""What the pages call statuses, events, ratings and category groups, translated.

The models' choice labels are bilingual strings for staff screens ("Đã chuyển xử lý
(assigned)"); the citizen sees one language, so the pages keep their own labels here,
through Django's translation machinery (English msgids, Vietnamese in ``locale/vi``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from routing.models import Report, ReportEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Looked up by the codes stored on rows (plain strings), keyed by the choices.

STATUS: dict[str, StrPromise] = {
    Report.Status.RECEIVED: pgettext_lazy("report status", "Received"),
    Report.Status.ASSIGNED: pgettext_lazy("report status", "Forwarded for handling"),
    Report.Status.IN_PROGRESS: pgettext_lazy("report status", "In progress"),
    Report.Status.RESOLVED: pgettext_lazy("report status", "Resolved"),
    Report.Status.CLOSED: pgettext_lazy("report status", "Closed"),
    Report.Status.REJECTED: pgettext_lazy("report status", "Rejected"),
    Report.Status.DUPLICATE: pgettext_lazy("report status", "Duplicate"),
    Report.Status.REOPENED: pgettext_lazy("report status", "Reopened"),
}

EVENT: dict[str, StrPromise] = {
    ReportEvent.Kind.SUBMITTED: _("Report received"),
    ReportEvent.Kind.COMMENT: _("Note from the department"),
    ReportEvent.Kind.ASSIGNMENT: _("Passed to another department"),
    ReportEvent.Kind.ESCALATION: _("Escalated"),
    ReportEvent.Kind.MERGE: _("Merged with a report of the same problem"),
    ReportEvent.Kind.RATING: _("Rated by the citizen"),
    ReportEvent.Kind.LOCATION: _("Location corrected"),
    ReportEvent.Kind.PUBLICATION: _("Publication decided"),
}

RATING: dict[str, StrPromise] = {
    Report.Rating.SATISFIED: _("Satisfied"),
    Report.Rating.ACCEPTABLE: _("Acceptable"),
    Report.Rating.DISSATISFIED: _("Dissatisfied"),
}

# Category groups: a colour and a 24×24 stroke icon (SVG path data) for each.
GROUP_STYLE = {
    "urban": ("#9a3412", "M3 21h18M5 21V9l7-5 7 5v12M10 21v-6h4v6"),
    "environment": ("#166534", "M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14M10 11v6M14 11v6"),
    "infrastructure": ("#334155", "M8 3 4 21M16 3l4 18M12 4v3M12 10v3M12 16v4"),
    "utilities": ("#1d4ed8", "M13 2 4 14h7l-1 8 9-12h-7z"),
    "security": ("#b91c1c", "M12 2 4 5v6c0 5 3.4 9 8 11 4.6-2 8-6 8-11V5z"),
    "administration": (
        "#6d28d9",
        "M3 21h18M4 10h16M12 3 3 8h18zM6 10v8M10 10v8M14 10v8M18 10v8",
    ),
    "social": ("#be185d", "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z"),
    "economy": ("#0e7490", "M20 12l-8 8-9-9V3h8zM7.5 7.5h.01"),
    "other": ("#525252", "M5 12h.01M12 12h.01M19 12h.01"),
}


# Category icons (the fixture's ``icon`` names), 24×24 stroke paths; a category with
# another icon name takes its group's.
ICONS = {
    "store": "M3 9l1.5-5h15L21 9M3 9h18v1.5a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0zM5 13v8h14v-8M10 21v-5h4v5",
    "hammer": "M13 3l8 8-3 3-8-8zM11 8l-8 8 3 3 8-8",
    "trash": GROUP_STYLE["environment"][1],
    "smoke": "M3 21V12l5 3v-3l5 3V4h5v17zM2 21h20",
    "road": GROUP_STYLE["infrastructure"][1],
    "lamp": "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z",
    "bolt": GROUP_STYLE["utilities"][1],
    "droplet": "M12 3s6 6.5 6 11a6 6 0 0 1-12 0c0-4.5 6-11 6-11z",
    "tree": "M12 22v-6M12 2l6 9h-3l4 5H5l4-5H6z",
    "car": "M3 13l2-6h14l2 6v5H3zM3 13h18M7 18v2M17 18v2M7 15.5h.01M17 15.5h.01",
    "shield": GROUP_STYLE["security"][1],
    "map": "M9 4 3 6v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14",
    "antenna": "M12 12v10M8 22h8M8.5 8.5a5 5 0 0 1 7 0M5.5 5.5a9 9 0 0 1 13 0M12 12h.01",
    "cross": GROUP_STYLE["social"][1],
    "school": "M2 9l10-5 10 5-10 5zM6 11v5c3 2 9 2 12 0v-5M22 9v5",
    "umbrella": "M12 3a9 9 0 0 1 9 9H3a9 9 0 0 1 9-9zM12 12v7a2 2 0 0 0 4 0",
    "building": GROUP_STYLE["administration"][1],
    "dots": GROUP_STYLE["other"][1],
}


def category_style(*, group: str, icon: str) -> tuple[str, str]:
    """A category's colour (its group's) and icon path."""
    colour, group_icon = group_style(group)
    return colour, ICONS.get(icon, group_icon)


def status_label(code: str) -> str:
    return str(STATUS.get(code, code))


def status_labels() -> dict[str, str]:
    """Every status label in the active language, for the pages' scripts."""
    return {code: str(label) for code, label in STATUS.items()}


def event_label(kind: str, to_status: str) -> str:
    """A timeline entry's title: what happened, or for a plain status change the
    status it moved to."""
    if kind == ReportEvent.Kind.STATUS and to_status:
        return status_label(to_status)
    return str(EVENT.get(kind, kind))


def group_style(group: str) -> tuple[str, str]:
    return GROUP_STYLE.get(group, GROUP_STYLE["other"])
