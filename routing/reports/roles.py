"""Who a user is to the system, and which reports they may see.

Citizens are not users: they reach their own reports by tracking code (or a verified
phone). Staff act in one role from their StaffProfile; superusers act as admins.
"""

from __future__ import annotations

from django.db.models import QuerySet

from routing.models import Report, StaffProfile
from routing.reports import lifecycle


def role_of(user) -> str | None:
    """The user's role, or None for anonymous users and users without a profile."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return lifecycle.ADMIN
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile else None


def profile_of(user) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def reports_visible_to(
    user, queryset: QuerySet[Report] | None = None
) -> QuerySet[Report]:
    """The reports a staff user may see: all for the operations centre and admins,
    their department's or unit's for officers, none for anyone else (planners read
    aggregates, never rows)."""
    queryset = Report.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role in {lifecycle.ADMIN, lifecycle.IOC_OPERATOR}:
        return queryset
    profile = profile_of(user)
    if role == lifecycle.DEPARTMENT_OFFICER and profile and profile.department_id:
        return queryset.filter(department_id=profile.department_id)
    if role == lifecycle.UNIT_OFFICER and profile and profile.unit_code:
        return queryset.filter(unit__code=profile.unit_code)
    return queryset.none()


def sees_personal_data(user, report: Report) -> bool:
    """Reporter identity: operations-centre staff always; officers of the report's
    department or unit unless the citizen chose to stay anonymous; nobody else."""
    role = role_of(user)
    if role in {lifecycle.ADMIN, lifecycle.IOC_OPERATOR}:
        return True
    if report.anonymous:
        return False
    return reports_visible_to(user, Report.objects.filter(pk=report.pk)).exists()
