"""Route a point or a report: load candidates, decide, and record the decision."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from routing.engine.candidates import unit_candidate, zone_candidates
from routing.engine.decision import Decision, decide
from routing.engine.record import assignment_record
from routing.models import Assignment, Category, Report
from routing.reports.tracking import tracking_code_new


def route_decide(
    *, lon: float, lat: float, category: Category, at: dt.datetime | None = None
) -> Decision:
    """The decision a report at (lon, lat) of ``category`` made at ``at`` would get.

    Uses the boundary set and the zones in force at ``at`` (default now). Raises
    OutsideAllUnits beyond the shore tolerance and NoBoundarySet before every set.
    """
    at = at or timezone.now()
    unit, triage = unit_candidate(lon=lon, lat=lat, at=at)
    zones = zone_candidates(
        lon=lon,
        lat=lat,
        category_id=category.pk,
        at=at,
        near_m=settings.ROUTING_NEAR_EDGE_M,
    )
    return decide(
        unit=unit,
        zones=zones,
        triage=triage,
        category_vi=category.name_vi,
        category_en=category.name_en,
        near_edge_m=settings.ROUTING_NEAR_EDGE_M,
    )


@transaction.atomic
def report_create_routed(
    *,
    lon: float,
    lat: float,
    category: Category,
    reported_at: dt.datetime | None = None,
    status: str = Report.Status.ASSIGNED,
) -> Report:
    """Create a report at a point and route it in one transaction.

    The minimal intake the routing engine needs (tests, demo data, benchmarks); the
    citizen-facing submission adds description, photos and contact details on top.
    """
    reported_at = reported_at or timezone.now()
    decision = route_decide(lon=lon, lat=lat, category=category, at=reported_at)
    report = Report.objects.create(
        tracking_code=tracking_code_new(),
        location=f"SRID=4326;POINT({lon} {lat})",
        category=category,
        reported_at=reported_at,
        status=status,
        jurisdiction_code=decision.unit.jurisdiction_code,
        unit_id=decision.unit.id,
        department_id=decision.department.id,
    )
    assignment_record(report=report, decision=decision, cause=Assignment.Cause.SUBMIT)
    return report
