"""A verified citizen's reports: those giving their proven phone, and those they
follow, newest first."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from routing.models import Report, ReportFollower


def reports_of_citizen(phone: str) -> QuerySet[Report]:
    """The reports of ``phone`` (``own`` True) and those it follows (``own``
    False), with category, department and unit, newest first."""
    followed = ReportFollower.objects.filter(
        report=OuterRef("pk"), phone=phone, notify=True
    )
    return (
        Report.objects.filter(Q(reporter_phone=phone) | Exists(followed))
        .select_related("category", "department", "unit")
        .order_by("-reported_at", "-pk")
    )
