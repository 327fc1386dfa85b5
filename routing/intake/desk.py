"""What only the operations centre's intake desk does: who is calling, what is open
near the place they describe, and adding a caller to an open report instead of
filing the same problem twice.

The desk files reports through the one intake path (``routing.intake.submit``, on
the channels ``Report.DESK_CHANNELS``, with the operator as the actor: the report
records them as ``received_by`` and its deadline runs from the time of the call).
The answers here carry callers' phone numbers and earlier reports: they are for the
operations centre only (``routing.reports.access.may_take_calls``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from geo.projections import degree_margin
from routing.intake import errors
from routing.models import Report, ReportEvent, ReportFollower
from routing.reports.events import event_record
from routing.reports.roles import acting_user, role_of

CALLER_REPORTS = 10
# "Open reports near the place": any category, within this many metres.
NEARBY_RADIUS_M = 300
NEARBY_REPORTS = 10

# The internal note a follower added by the desk leaves on the report's timeline:
# no number in it (staff read the followers where personal data is allowed).
FOLLOWER_NOTE = (
    "Tổng đài đã thêm một người gọi phản ánh cùng vấn đề vào phản ánh này "
    "(the desk added a caller reporting the same problem)."
)

ADDED = "added"
ALREADY_FOLLOWING = "already_following"
IS_REPORTER = "is_reporter"


@dataclass(frozen=True)
class CallerReport:
    """A report the caller filed (``relation`` "reporter") or follows ("follower")."""

    report: Report
    relation: str


def caller_reports(phone: str, *, limit: int = CALLER_REPORTS) -> list[CallerReport]:
    """The reports a phone number (E.164) filed or follows, newest first. Two
    queries, each on its index (``report_reporter_phone``, the followers' phone)."""
    if not phone:
        return []
    related = ("category", "unit", "department")
    order = ("-reported_at", "-id")
    filed = Report.objects.filter(reporter_phone=phone).select_related(*related)
    followed = Report.objects.filter(followers__phone=phone).select_related(*related)
    found: dict[int, CallerReport] = {}
    for report in followed.order_by(*order)[:limit]:
        found[report.pk] = CallerReport(report=report, relation="follower")
    for report in filed.order_by(*order)[:limit]:
        found[report.pk] = CallerReport(report=report, relation="reporter")
    rows = sorted(
        found.values(), key=lambda c: (c.report.reported_at, c.report.pk), reverse=True
    )
    return rows[:limit]


_OPEN_NEAR = """
    SELECT r.id, ST_Distance(r.location::geography, p.pt::geography) AS distance_m
    FROM routing_report r,
         (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt) p
    WHERE r.status = ANY(%(open)s)
      AND r.location && ST_Expand(p.pt, %(dlon)s, %(dlat)s)
      AND ST_DWithin(r.location::geography, p.pt::geography, %(radius)s)
    ORDER BY distance_m, r.reported_at DESC, r.id
    LIMIT %(limit)s
"""


@dataclass(frozen=True)
class NearbyReport:
    """An open report near the place, and how far (whole metres)."""

    report: Report
    distance_m: int


def open_reports_near(
    *,
    lon: float,
    lat: float,
    radius_m: float = NEARBY_RADIUS_M,
    limit: int = NEARBY_REPORTS,
) -> list[NearbyReport]:
    """Open reports of any category within ``radius_m`` of (lon, lat), nearest
    first: what the caller may be describing again."""
    dlon, dlat = degree_margin(lat, radius_m)
    with connection.cursor() as cursor:
        cursor.execute(
            _OPEN_NEAR,
            {
                "lon": lon,
                "lat": lat,
                "open": list(Report.OPEN_STATUSES),
                "dlon": dlon,
                "dlat": dlat,
                "radius": radius_m,
                "limit": limit,
            },
        )
        rows = cursor.fetchall()
    reports = Report.objects.select_related("category", "unit", "department").in_bulk(
        [pk for pk, _ in rows]
    )
    return [
        NearbyReport(report=reports[pk], distance_m=round(distance))
        for pk, distance in rows
        if pk in reports
    ]


@transaction.atomic
def caller_follow(*, report: Report, phone: str, operator: Any, channel: str) -> str:
    """Add a caller (``phone``, E.164) to the open ``report`` they describe,
    instead of a duplicate: a follower (source ``desk``, not verified: the number
    was only heard on the phone) who counts as support and hears of the report's
    updates where the notification rules allow, and an internal note on its
    timeline without the number. Returns ``ADDED``, ``ALREADY_FOLLOWING`` or
    ``IS_REPORTER`` (the caller filed it: nothing to add)."""
    if not phone:
        raise errors.follow_needs_phone()
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not locked.is_open:
        raise errors.follow_report_closed(locked.tracking_code)
    if locked.filed_by(phone):
        return IS_REPORTER
    follower, created = ReportFollower.objects.get_or_create(
        report=locked,
        phone=phone,
        defaults={
            "source": ReportFollower.Source.DESK,
            "verified": False,
            "added_by": acting_user(operator),
        },
    )
    if not created:
        return ALREADY_FOLLOWING
    event_record(
        report=locked,
        kind=ReportEvent.Kind.COMMENT,
        actor=operator,
        role=role_of(operator) or "",
        public=False,
        note=FOLLOWER_NOTE,
        data={"follower": follower.pk, "source": follower.source, "channel": channel},
    )
    return ADDED
