"""Who a user is to the system: the roles staff act in, defined once.

Citizens are not users: they reach their own reports by tracking code (or a verified
phone) and act as ``CITIZEN``; the engine and the timers act as ``SYSTEM``. Staff act
in one role, read from their ``StaffProfile``; superusers act as admins whatever
their profile says. What each role may see and do is ``routing.reports.access``;
which status steps it may take is ``routing.reports.lifecycle``.

This module imports no model, so ``StaffProfile.role`` can take its choices from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from routing.models import StaffProfile


# The roles staff act in, as stored (``StaffProfile.role``, ``ReportEvent.actor_role``)
# and as the workflow table names them.
IOC_OPERATOR = "ioc_operator"
DEPARTMENT_OFFICER = "department_officer"
UNIT_OFFICER = "unit_officer"
ROUTING_OFFICER = "routing_officer"
PLANNER = "planner"
ADMIN = "admin"


class Role(models.TextChoices):
    """The roles above with their labels: ``StaffProfile.role``'s choices."""

    IOC_OPERATOR = IOC_OPERATOR, "Điều phối viên IOC (operations-centre operator)"
    DEPARTMENT_OFFICER = (
        DEPARTMENT_OFFICER,
        "Cán bộ cơ quan xử lý (department officer)",
    )
    UNIT_OFFICER = UNIT_OFFICER, "Cán bộ phường/xã (unit officer)"
    ROUTING_OFFICER = ROUTING_OFFICER, "Cán bộ điều phối vùng (routing officer)"
    PLANNER = PLANNER, "Cán bộ quy hoạch (planner)"
    ADMIN = ADMIN, "Quản trị (admin)"


STAFF_ROLES: tuple[str, ...] = tuple(Role.values)

# Actors that are not staff users.
SYSTEM = "system"
CITIZEN = "citizen"

# The routing officers' Django group (made by migration routing/0002).
# ``manage.py staff_create`` adds routing officers to it and takes the other roles
# out; it grants nothing any more: the zone API and editor ask the role, and the
# admin asks the access policy, never a group (``routing.admin_site``).
ROUTING_OFFICER_GROUP = ROUTING_OFFICER

# Who acts on a report or a zone: a user as the request gives it (an anonymous one has
# no role, so the services refuse it or record nobody), or None for the system.
Actor: TypeAlias = "User | AnonymousUser | None"


def acting_user(actor: Actor) -> User | None:
    """The user a record names as having acted: None for the system and for
    anonymous users."""
    if actor is None or not actor.is_authenticated:
        return None
    return actor


def profile_of(user: Any) -> StaffProfile | None:
    """The user's staff profile, or None for anonymous users and users without one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except ObjectDoesNotExist:
        return None


def role_of(user: Any) -> str | None:
    """The user's role: ``ADMIN`` for a superuser, else their profile's; None for
    anonymous users and users without a profile."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    profile = profile_of(user)
    return profile.role if profile else None
