"""What the portal's filters offer and how its map colours reports, in the page's
language: today's units, the public (non-sensitive) categories, the status groups."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from analytics.choices import unit_choices
from routing.reports.listing import STATUS_GROUPS
from web.views import category_choices

# A colour per status group (open: amber, resolved: green, closed: blue-grey),
# and the status group of each listed status.
GROUP_COLOURS = {"open": "#d97706", "resolved": "#15803d", "closed": "#475569"}


def group_labels() -> dict[str, str]:
    """The status groups' names in the page's language."""
    return {
        "open": _("Being handled"),
        "resolved": pgettext("report status", "Resolved"),
        "closed": pgettext("report status", "Closed"),
    }


def status_groups() -> dict[str, str]:
    """Each listed status's group."""
    return {status: group for group, codes in STATUS_GROUPS.items() for status in codes}


def today_units() -> list[dict[str, str]]:
    """The units reports were routed to, of the boundary sets in force today."""
    today = timezone.localdate()
    units: list[dict[str, str]] = []
    for group in unit_choices():
        valid_to = group["valid_to"]
        if group["valid_from"] <= today and (valid_to is None or valid_to >= today):
            units.extend(group["units"])
    return sorted(units, key=lambda unit: unit["name"])


def public_categories() -> list[dict[str, Any]]:
    """Every category but the sensitive ones (old reports keep retired ones)."""
    return [c for c in category_choices(include_inactive=True) if not c["sensitive"]]


def category_names() -> dict[str, str]:
    """Category code → name in the page's language, for the map's pop-ups."""
    return {c["code"]: c["name"] for c in public_categories()}
