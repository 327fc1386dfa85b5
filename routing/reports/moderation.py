"""The moderation queue: reports waiting for the operations centre's publication
review (``publication == pending``), newest first.

The decision itself is ``routing.workflow.report_publication_decide``; this module
only selects what waits, for the reviewer's page (``/ops/moderation``) and the
count in the staff header. Only reviewers (``routing.reports.access.
may_review_publication``) get anything: for everyone else the queue is empty.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from routing.models import Report, ReportPhoto
from routing.models.reports import ReportQuerySet
from routing.reports.access import may_review_publication, reports_visible_to


def moderation_pending(user: Any) -> ReportQuerySet:
    """The reports waiting for ``user``'s review, newest first (none for a user
    who may not review)."""
    if not may_review_publication(user):
        return Report.objects.none()
    return (
        reports_visible_to(user)
        .filter(publication=Report.Publication.PENDING)
        .order_by("-reported_at", "-pk")
    )


def moderation_select(*, user: Any, unit: str = "", category: str = "") -> Any:
    """The pending reports, filtered by unit (GSO code) and category code, with
    what a row shows: category, unit, department and the citizen's photos."""
    reports = moderation_pending(user)
    if unit:
        reports = reports.filter(unit__code=unit)
    if category:
        reports = reports.filter(category__code=category)
    citizen = ReportPhoto.objects.filter(of_resolution=False).order_by("pk")
    return (
        reports.select_related("category", "unit", "department")
        .defer("unit__geom")
        .prefetch_related(Prefetch("photos", queryset=citizen, to_attr="citizen"))
    )


def moderation_count(user: Any) -> int:
    """How many reports wait for ``user``'s review."""
    return moderation_pending(user).count()
