"""What each role may see and do: the one access policy.

The API's permission classes (``api.access``, ``api.routing.permissions``,
``api.analytics.permissions``) and the staff pages (``web.access``) only adapt these
answers to 401/403 responses or a sign-in redirect; the workflow's status steps are
``routing.reports.lifecycle``. In short:

- reports: operations-centre operators and admins see every report; a department
  officer those assigned to their department; a unit officer those in their unit
  (by GSO code, across boundary versions that keep it); nobody else any (planners
  read aggregates, never rows);
- reporter identity: operations centre and admins always; the officers who see a
  report unless its citizen chose to stay anonymous; nobody else;
- the officers' queue: the roles that see reports; the intake desk (filing calls,
  letters and visits for citizens, and reading a caller's earlier reports): the
  operations centre and admins; zone editing: routing officers and admins;
  analytics: planners, the operations centre and admins;
- publication (``routing.reports.publication``): the operations centre and admins
  approve or withhold what the public reads of a report.
- personal data (reporter name, phone, e-mail, photo GPS tags, and the fingerprints
  and device or account ids kept in event data, ``PERSONAL_EVENT_KEYS``): only where
  ``sees_personal_data`` allows, in every response, page and export;
- the Django admin: administrators and the operations centre only
  (``may_use_admin``); admins may do everything the admin offers, the operations
  centre may read reports and routing's reference data (``admin_model_rights``).
  Other staff work in ``/ops/``, ``/plan/`` and ``/ops/zones/``.

Every answer needs an active user: a deactivated account keeps its profile but
may see and do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model

from routing.models import Report
from routing.models.reports import ReportQuerySet
from routing.reports.roles import (
    ADMIN,
    DEPARTMENT_OFFICER,
    IOC_OPERATOR,
    PLANNER,
    ROUTING_OFFICER,
    STAFF_ROLES,
    UNIT_OFFICER,
    profile_of,
    role_of,
)

# Who sees every report, and every reporter's identity.
SEES_ALL = frozenset({ADMIN, IOC_OPERATOR})
# Who works the officers' queue: the roles that see reports.
QUEUE_ROLES = frozenset({*SEES_ALL, DEPARTMENT_OFFICER, UNIT_OFFICER})
ZONE_EDITORS = frozenset({ROUTING_OFFICER, ADMIN})
ANALYTICS_READERS = frozenset({PLANNER, IOC_OPERATOR, ADMIN})
# Who may sign in to the Django admin (``manage.py staff_create`` makes them
# ``is_staff``, and only them).
ADMIN_SITE_ROLES = frozenset({ADMIN, IOC_OPERATOR})


def _active_role(user: Any) -> str | None:
    """The role of an active user; None for anyone else."""
    if user is None or not getattr(user, "is_active", False):
        return None
    return role_of(user)


def acts_as_staff(user: Any) -> bool:
    """An active user acting in a staff role: the staff API's first question."""
    return _active_role(user) in STAFF_ROLES


def may_work_queue(user: Any) -> bool:
    """The officers' queue and report page: the roles that see reports."""
    return _active_role(user) in QUEUE_ROLES


def may_take_calls(user: Any) -> bool:
    """The operations centre's intake desk: file a call, a letter or a visit for a
    citizen, look a caller up by phone, add a caller to an open report."""
    return _active_role(user) in SEES_ALL


def may_edit_zones(user: Any) -> bool:
    """Create, edit, check, preview and publish responsibility zones."""
    return _active_role(user) in ZONE_EDITORS


def may_read_analytics(user: Any) -> bool:
    """Clusters, hot spots, statistics and exports: no personal data, but every
    report's place and time, so staff only."""
    return _active_role(user) in ANALYTICS_READERS


def may_review_publication(user: Any) -> bool:
    """Approve or withhold a report's words and photos for the public, and read the
    masked text proposed for it."""
    return _active_role(user) in SEES_ALL


def may_filter_department(user: Any) -> bool:
    """Whether a department filter means anything to the user: only those who see
    every department's reports (the others see one department's or unit's)."""
    return _active_role(user) in SEES_ALL


def reports_visible_to(
    user: Any, queryset: ReportQuerySet | None = None
) -> ReportQuerySet:
    """The reports (of ``queryset``, all by default) that ``user`` may see."""
    queryset = Report.objects.all() if queryset is None else queryset
    role = _active_role(user)
    if role in SEES_ALL:
        return queryset
    profile = profile_of(user)
    if role == DEPARTMENT_OFFICER and profile and profile.department_id:
        return queryset.filter(department_id=profile.department_id)
    if role == UNIT_OFFICER and profile and profile.unit_code:
        return queryset.filter(unit__code=profile.unit_code)
    return queryset.none()


def report_in_scope(user: Any, report: Report) -> bool:
    """Whether ``report`` is among the reports ``user`` may see."""
    if _active_role(user) is None:
        return False
    return reports_visible_to(user, Report.objects.filter(pk=report.pk)).exists()


def sees_personal_data(user: Any, report: Report) -> bool:
    """Whether ``user`` may see who reported ``report``."""
    if _active_role(user) in SEES_ALL:
        return True
    if report.anonymous:
        return False
    return report_in_scope(user, report)


def personal_data_ids(*, user: Any, reports: Iterable[Report]) -> set[int]:
    """Ids of the reports whose reporter identity ``user`` may see: the rule of
    ``sees_personal_data`` for a page of reports, in one query at most."""
    reports = list(reports)
    if _active_role(user) in SEES_ALL:
        return {r.pk for r in reports}
    named = [r.pk for r in reports if not r.anonymous]
    if not named:
        return set()
    visible = reports_visible_to(user, Report.objects.filter(pk__in=named))
    return set(visible.values_list("pk", flat=True))


# --- event data -------------------------------------------------------------------

# Keys of ``ReportEvent.data``, at any depth, that identify the reporter or
# fingerprint what they sent: the intake's digest of the submission (contact
# included, so a phone behind an anonymous report could be guessed from it), an
# Open311 client's device and account ids, and contact or GPS values if an event ever
# carries them.
PERSONAL_EVENT_KEYS = frozenset(
    {
        "fingerprint",
        "device_id",
        "account_id",
        "name",
        "phone",
        "email",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "gps",
        "gps_lon",
        "gps_lat",
    }
)


def event_data_shown(data: Mapping[str, Any], *, personal: bool) -> dict[str, Any]:
    """An event's data as a reader sees it: whole for one who may see the report's
    personal data (``personal``, from ``sees_personal_data``), else without the
    ``PERSONAL_EVENT_KEYS`` at any depth."""
    if personal:
        return dict(data)
    return _without_personal(data)


def _without_personal(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key: _without_personal(item)
            for key, item in value.items()
            if key not in PERSONAL_EVENT_KEYS
        }
    if isinstance(value, list):
        return [_without_personal(item) for item in value]
    return value


# --- the admin site ------------------------------------------------------------------

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ADMIN_RIGHTS = frozenset({VIEW, ADD, CHANGE, DELETE})
# What the operations centre may read in the admin (``app_label.model``): reports
# with their routing decisions and routing's reference data. Never accounts, groups
# or API keys; never a change (the ModelAdmins keep reports read-only for admins too).
IOC_ADMIN_VIEWS = frozenset(
    {
        "routing.report",
        "routing.assignment",
        "routing.department",
        "routing.category",
        "routing.defaultdepartment",
        "routing.responsibilityzone",
        "routing.zonehistory",
        "boundaries.boundaryset",
        "boundaries.adminunit",
        "boundaries.unitsuccession",
        "boundaries.boundaryimport",
        "boundaries.jurisdiction",
        "api.serviceattribute",
        "api.requestattributevalue",
    }
)


def may_use_admin(user: Any) -> bool:
    """Whether ``user`` may sign in to the Django admin at all."""
    return _active_role(user) in ADMIN_SITE_ROLES


def admin_model_rights(user: Any, model: type[Model] | str) -> frozenset[str]:
    """What ``user`` may do with ``model`` (a model or its ``app_label.model``
    label) in the admin: a subset of view, add, change and delete. A ModelAdmin
    may allow less (read-only records), never more."""
    label = model if isinstance(model, str) else model._meta.label_lower
    role = _active_role(user)
    if role == ADMIN:
        return ADMIN_RIGHTS
    if role == IOC_OPERATOR and label.lower() in IOC_ADMIN_VIEWS:
        return frozenset({VIEW})
    return frozenset()
