"""What the officer's report page shows: the facts, why it was routed where it is,
the whole timeline, and the actions this user may take.

Everything is read through the selectors the staff API uses
(``routing.reports.selectors``) and the rules it applies: reporter identity only where
``routing.reports.access.sees_personal_data`` allows, the status steps of
``routing.reports.lifecycle`` for the user's role, routing changes for the roles the
workflow lets route (``routing.workflow.guards``).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.projections import WGS84, utm_for
from routing import workflow
from routing.models import (
    Assignment,
    DefaultDepartment,
    Department,
    Report,
    ReportEvent,
)
from routing.reports import lifecycle
from routing.reports.access import event_data_shown, sees_personal_data
from routing.reports.actors import may_see_usernames
from routing.reports.photo_urls import media_path
from routing.reports.roles import role_of
from routing.reports.selectors import current_assignment
from routing.workflow.guards import COMMENT_ROLES, ROUTING_ROLES
from routing.workflow.resolution import after_photo_missing
from web import labels
from web.i18n import page_in_english
from web.maps import map_config
from web.ops import labels as ops_labels
from web.ops.publication import publication_context
from web.views import category_choices

# The order of the status buttons: the step forward first, the way out last.
STEP_ORDER: list[str] = [
    Report.Status.IN_PROGRESS,
    Report.Status.ASSIGNED,
    Report.Status.RESOLVED,
    Report.Status.CLOSED,
    Report.Status.REOPENED,
    Report.Status.DUPLICATE,
    Report.Status.REJECTED,
    Report.Status.RECEIVED,
]
# Outlines drawn over the map: simplified to 3 m, in UTM 48N (metres, not degrees).
OUTLINE_TOLERANCE_M = 3.0


def _name(thing: Any) -> str:
    return thing.name_en if page_in_english() else thing.name_vi


def _rounded(coordinates: Any) -> Any:
    if isinstance(coordinates, float):
        return round(coordinates, 6)  # about 0.1 m
    return [_rounded(c) for c in coordinates]


def _outline(geom: Any) -> dict[str, Any] | None:
    """A unit's or zone's outline as GeoJSON for the map, simplified and rounded
    (a province-wide zone stays a few tens of kilobytes)."""
    if geom is None:
        return None
    # Metres of the UTM zone of the outline's own centre, wherever it lies.
    centre = geom.centroid
    metric = geom.transform(utm_for(centre.x, centre.y), clone=True)
    simplified = metric.simplify(OUTLINE_TOLERANCE_M, preserve_topology=True)
    simplified.transform(WGS84)
    shape = json.loads(simplified.json)
    return {"type": shape["type"], "coordinates": _rounded(shape["coordinates"])}


def _who(user: Any, viewer: Any) -> str:
    """Who decided, as ``viewer`` may see it: the user name for admins, the role
    for everyone else (``routing.reports.actors``)."""
    if user is None:
        return ""
    if may_see_usernames(viewer):
        return user.get_username()
    return ops_labels.label(ops_labels.ROLE, role_of(user) or "")


def _assignment(assignment: Assignment | None, viewer: Any) -> dict[str, Any] | None:
    """The current routing decision, in the page's language."""
    if assignment is None:
        return None
    codes = {c.get("department") for c in assignment.candidates}
    names = {
        d.code: _name(d) for d in Department.objects.filter(code__in=codes - {None})
    }
    boundary_set = assignment.boundary_set
    return {
        "rule": ops_labels.label(ops_labels.RULE, assignment.rule),
        "cause": ops_labels.label(ops_labels.CAUSE, assignment.cause),
        "reason": assignment.reason_en if page_in_english() else assignment.reason_vi,
        "zone": assignment.zone.name if assignment.zone else "",
        "boundary_set": boundary_set,
        "near_edge": assignment.near_edge,
        "edge_distance_m": assignment.edge_distance_m,
        "outside_unit_m": assignment.outside_unit_m,
        "candidates": [
            {
                **candidate,
                "area_km2": (candidate.get("area_m2") or 0) / 1e6,
                "department_name": names.get(
                    candidate.get("department"), candidate.get("department")
                ),
            }
            for candidate in assignment.candidates
        ],
        "decided_at": assignment.decided_at,
        "decided_by": _who(assignment.decided_by, viewer),
        "note": assignment.note,
    }


def _history(report: Report, viewer: Any) -> list[dict[str, Any]]:
    """Earlier routing decisions, newest first."""
    earlier = (
        report.assignments.filter(is_current=False)
        .select_related("department", "decided_by")
        .annotate(unit_name=F("unit__name"))
        .defer("candidates")
    )
    return [
        {
            "decided_at": a.decided_at,
            "cause": ops_labels.label(ops_labels.CAUSE, a.cause),
            "rule": ops_labels.label(ops_labels.RULE, a.rule),
            "unit": a.unit_name,
            "department": _name(a.department),
            "reason": a.reason_en if page_in_english() else a.reason_vi,
            "decided_by": _who(a.decided_by, viewer),
        }
        for a in earlier
    ]


def _events(report: Report, viewer: Any, *, personal: bool) -> list[dict[str, Any]]:
    """Every event, internal ones too, oldest first, its data as the policy shows
    it to this reader (``personal``: whether they see the report's personal data;
    user names only for admins). Routing events (a moved pin, a changed category)
    keep the decision's Vietnamese reason as their note; the English page shows the
    English reason of the assignment they made."""
    english = page_in_english()
    usernames = may_see_usernames(viewer)
    reasons_en = (
        dict(report.assignments.values_list("pk", "reason_en")) if english else {}
    )
    events = []
    for event in report.events.all():
        data = event_data_shown(event.data or {}, personal=personal)
        reason = data.get("reason", "")
        note = event.note
        made = data.get("assignment")
        if english and made is not None and reasons_en.get(made):
            note = reasons_en[made]
        title = labels.event_label(event.kind, event.to_status)
        if event.kind == ReportEvent.Kind.PUBLICATION:
            decision = (event.data or {}).get("publication", "")
            title = ops_labels.label(ops_labels.PUBLICATION_DECISION, decision)
        events.append(
            {
                "title": title,
                "kind": event.kind,
                "public": event.public,
                "actor": event.actor.get_username()
                if event.actor and usernames
                else "",
                "role": ops_labels.label(ops_labels.ROLE, event.actor_role),
                "note": note,
                "reason": ops_labels.label(ops_labels.REJECTION_REASON, reason),
                "duplicate_of": data.get("duplicate_of", ""),
                "at": event.at,
            }
        )
    return events


def _photos(report: Report) -> list[dict[str, Any]]:
    """Every photo, linked by its /media/ path (the media view checks the reader)."""
    return [
        {
            "url": media_path(photo.image),
            "thumbnail_url": media_path(photo.thumbnail),
            "of_resolution": photo.of_resolution,
        }
        for photo in report.photos.all()
    ]


def _transitions(report: Report, role: str) -> list[dict[str, Any]]:
    """The status steps this role may take from the report's status, with what
    each needs (a public note, a rejection reason, the original report)."""
    steps = []
    targets = lifecycle.next_statuses(report.status, role)
    for target in sorted(targets, key=STEP_ORDER.index):
        step = lifecycle.step(report.status, target)
        assert step is not None  # next_statuses lists steps of the table
        steps.append(
            {
                "to": target,
                "action": ops_labels.label(ops_labels.ACTION, target),
                "status": labels.status_label(target),
                "needs_note": step.needs_note,
                "needs_reason": step.needs_reason,
                "needs_duplicate_of": step.needs_duplicate_of,
                # Resolving a category that requires it needs a photo of the fix
                # (uploaded before, or with the step).
                "needs_photo": target == Report.Status.RESOLVED
                and after_photo_missing(report),
            }
        )
    return steps


def _department_groups(report: Report) -> list[dict[str, Any]]:
    """Active departments a report may be handed to, in two groups: the
    departments and companies, then the People's Committees of the units in the
    report's boundary set (not those of rosters a reform has replaced)."""
    order = "name_en" if page_in_english() else "name_vi"
    committees_now = DefaultDepartment.objects.filter(
        unit__boundary_set_id=report.unit.boundary_set_id
    ).values("department_id")
    departments = (
        Department.objects.filter(active=True)
        .filter(~Q(kind=Department.Kind.UNIT_COMMITTEE) | Q(pk__in=committees_now))
        .exclude(pk=report.department_id)
        .order_by(order)
    )
    services, committees = [], []
    for department in departments:
        row = {"code": department.code, "name": _name(department)}
        if department.kind == Department.Kind.UNIT_COMMITTEE:
            committees.append(row)
        else:
            services.append(row)
    return [
        {"label": _("Departments and companies"), "departments": services},
        {
            "label": _("People's Committees of wards and communes"),
            "departments": committees,
        },
    ]


def report_context(*, report: Report, user: Any) -> dict[str, Any]:
    """The template context of the report page for ``user`` (who may see it)."""
    role = role_of(user) or ""
    flags = workflow.sla_flags(report)
    colour, icon = labels.category_style(
        group=report.category.group, icon=report.category.icon
    )
    may_route = role in ROUTING_ROLES and report.is_open
    assignment = current_assignment(report)
    lat, lon = report.location.y, report.location.x
    code = report.tracking_code
    urls = {
        name: reverse(f"report-{name}", kwargs={"code": code})
        for name in (
            "transitions",
            "comments",
            "reassign",
            "location",
            "category",
            "publication",
        )
    }
    urls["explain"] = reverse("routing-explain")
    sees_personal = sees_personal_data(user, report)
    return {
        "report": report,
        "category_name": _name(report.category),
        "category_colour": colour,
        "category_icon": icon,
        "department_name": _name(report.department),
        "status_label": labels.status_label(report.status),
        "rejection_reason": ops_labels.label(
            ops_labels.REJECTION_REASON, report.rejection_reason
        ),
        "rating_label": labels.RATING.get(report.rating, ""),
        "overdue": flags.overdue,
        "due_soon": flags.due_soon,
        "sees_personal": sees_personal,
        "assignment": _assignment(assignment, user),
        "history": _history(report, user),
        "events": _events(report, user, personal=sees_personal),
        "photos": _photos(report),
        "transitions": _transitions(report, role),
        "may_comment": role in COMMENT_ROLES,
        "may_route": may_route,
        "department_groups": _department_groups(report) if may_route else [],
        "categories": [
            c for c in category_choices() if c["code"] != report.category.code
        ]
        if may_route
        else [],
        "rejection_reasons": list(ops_labels.REJECTION_REASON.items()),
        **publication_context(report=report, user=user),
        "page_config": {
            "map": map_config(
                # The outlines in force when it was reported, as routing used them.
                day=timezone.localdate(report.reported_at),
                center=(lat, lon),
                zoom=16 if settings.MAP_TILES_URL else 15,
                pin=[lat, lon],
            ),
            "code": code,
            "category": report.category.code,
            "reported_at": timezone.localtime(report.reported_at).isoformat(),
            "unit_outline": _outline(report.unit.geom),
            "unit_name": report.unit.name,
            "zone_outline": _outline(assignment.zone.geom)
            if assignment and assignment.zone
            else None,
            "may_move": may_route,
            "urls": urls,
            "statuses": labels.status_labels(),
        },
    }
