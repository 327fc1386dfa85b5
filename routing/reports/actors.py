"""Who acted, as a viewer may be told: a role, not a user name.

A user name is half of a staff sign-in; shown on public zone history or to every
officer who opens a report, it helps anyone guessing passwords and names the person
rather than the office. So events, assignments and zone history name the role the
actor acted in ("Điều phối viên IOC (operations-centre operator)"); only admins,
who manage the accounts, see the user name beside it. The record itself keeps the
user (``ReportEvent.actor``, ``Assignment.decided_by``, ``ZoneHistory.actor``).
"""

from __future__ import annotations

from typing import Any

from routing.reports.roles import ADMIN, CITIZEN, SYSTEM, Role, role_of

SYSTEM_LABEL = "Hệ thống (system)"
STAFF_LABEL = "Cán bộ (staff)"
CITIZEN_LABEL = "Người dân (citizen)"


def may_see_usernames(viewer: Any) -> bool:
    """Admins, who manage the accounts; nobody else (anonymous viewers never)."""
    return bool(getattr(viewer, "is_active", False)) and role_of(viewer) == ADMIN


def role_label(role: str | None) -> str:
    """A stored role as both languages say it; the system when there is none."""
    if not role or role == SYSTEM:
        return SYSTEM_LABEL
    if role == CITIZEN:  # the reporter's own acts: submitting, rating, reopening
        return CITIZEN_LABEL
    if role in Role.values:
        return str(Role(role).label)
    return STAFF_LABEL


def role_names(role: str | None) -> tuple[str, str]:
    """The role's label split into its Vietnamese and English names, for texts
    written once in each language (an assignment's reasons)."""
    label = role_label(role)
    vi, _, en = label.rpartition(" (")
    return (vi, en.rstrip(")")) if vi else (label, label)


def actor_label(actor: Any, role: str | None = None, *, viewer: Any) -> str:
    """``actor`` (a user or None) as ``viewer`` may see it: the role's label, with
    the user name in front for admins. ``role`` is the role recorded with the act
    (events keep it); without it the actor's present role is used."""
    if actor is None:
        return SYSTEM_LABEL
    label = role_label(role or role_of(actor))
    if may_see_usernames(viewer):
        return f"{actor.get_username()} · {label}"
    return label
