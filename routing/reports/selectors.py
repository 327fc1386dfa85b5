"""Read reports: the staff list and detail (scoped by role) and public tracking.

Staff see what ``routing.reports.access.reports_visible_to`` allows (reporter
identity is ``access.personal_data_ids``' concern). Citizens reach one report by
its tracking code, without any personal data (the API chooses the fields).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, cast

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Prefetch, Q

from geo.coords import BBox
from routing.models import Assignment, Report, ReportEvent, ReportPhoto
from routing.models.reports import ReportQuerySet
from routing.reads import lag_ok_db
from routing.reports.access import reports_visible_to
from routing.reports.tracking import tracking_code_normalise


class PublicEvents(TypedDict):
    public_events: list[ReportEvent]


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A report as ``report_public_get`` gives it: its public events prefetched.
    PublicReport: TypeAlias = WithAnnotations[Report, PublicEvents]


def _with_names(reports: ReportQuerySet) -> ReportQuerySet:
    return reports.select_related("category", "unit", "department")


def reports_select(
    *,
    user: Any,
    bbox: BBox | None = None,
    category_ids: Sequence[int] = (),
    statuses: Sequence[str] = (),
    unit_code: str | None = None,
    department_id: int | None = None,
    reported_from: dt.datetime | None = None,
    reported_before: dt.datetime | None = None,
) -> ReportQuerySet:
    """The reports ``user`` may see, filtered, newest first, with ``photo_count``.

    Each filter is a ``ReportQuerySet`` predicate (the staff list API's FilterSet
    uses the same ones): ``bbox`` keeps the points inside or on the box; ``unit_code``
    matches the unit's GSO code in every boundary set; ``reported_from`` is
    inclusive, ``reported_before`` exclusive. An empty filter is no filter.
    """
    reports: ReportQuerySet = reports_visible_to(user, Report.objects.all())
    if bbox is not None:
        reports = reports.in_bbox(bbox)
    if category_ids:
        reports = reports.with_categories(category_ids)
    if statuses:
        reports = reports.with_statuses(statuses)
    if unit_code:
        reports = reports.in_unit_code(unit_code)
    if department_id is not None:
        reports = reports.of_department(department_id)
    if reported_from is not None:
        reports = reports.reported_from(reported_from)
    if reported_before is not None:
        reports = reports.reported_before(reported_before)
    return (
        _with_names(reports)
        .annotate(photo_count=Count("photos"))
        .order_by("-reported_at", "-id")
    )


def report_visible_get(*, user: Any, code: str) -> Report | None:
    """One report by tracking code (as typed), if ``user`` may see it; with its
    current assignment, every event and the photos."""
    reports = reports_visible_to(user, Report.objects.all())
    return (
        _with_names(reports)
        .select_related("publication_decided_by", "received_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_current=True).select_related(
                    "zone", "boundary_set"
                ),
                to_attr="current_assignments",
            ),
            Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
            "photos",
        )
        .filter(tracking_code=tracking_code_normalise(code))
        .first()
    )


def report_public_get(*, code: str) -> PublicReport | None:
    """One report by tracking code (as typed) for the citizen: its public events and
    photos prefetched. Read where a lagging read may go (``routing.reads``); a code
    the replica does not know yet is looked up on the primary, so a report can be
    tracked the moment its receipt is given, by any client."""
    db = lag_ok_db()
    found = _public_get(code, db)
    if found is None and db != DEFAULT_DB_ALIAS:
        found = _public_get(code, DEFAULT_DB_ALIAS)
    return found


def _public_get(code: str, db: str) -> PublicReport | None:
    # The plugin cannot see what Prefetch(to_attr=...) adds: say it.
    found = (
        _with_names(Report.objects.using(db).all())
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ReportEvent.objects.filter(public=True),
                to_attr="public_events",
            ),
            "photos",
        )
        .filter(tracking_code=tracking_code_normalise(code))
        .first()
    )
    return cast("PublicReport | None", found)


def photo_by_file(name: str) -> ReportPhoto | None:
    """The photo whose image or thumbnail is stored under ``name`` (a path in the
    media storage, ``reports/<yyyy>/<mm>/<tracking code>/<file>``), with its report
    and category. The tracking code in the path finds the report by its unique
    index, then the photo among that report's few."""
    parts = name.split("/")
    if len(parts) != 5 or parts[0] != "reports" or not parts[4]:
        return None
    return (
        ReportPhoto.objects.select_related("report__category")
        .filter(report__tracking_code=parts[3])
        .filter(Q(image=name) | Q(thumbnail=name))
        .first()
    )


def current_assignment(report: Report) -> Assignment | None:
    found = getattr(report, "current_assignments", None)
    if found is not None:
        return found[0] if found else None
    return report.assignments.filter(is_current=True).first()
