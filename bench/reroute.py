"""Bulk re-route after publishing zones: ``reports_reroute`` against one report at a time.

The drafts are published (status and start set directly, so the re-route can be timed
on its own), then the same open reports are re-routed both ways from the same state:

- the baseline, on a random sample of open reports inside a savepoint that is rolled
  back: for each report ``route_decide`` at the publish moment and, when the
  department changes, ``assignment_record`` (what a loop over reports in a management
  command would do);
- ours, ``reports_reroute`` over every open report: one set-based decision, then an
  Assignment and an UPDATE only for the reports that move.

Afterwards each sampled report must sit with the department the baseline chose.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from bench.impact import sample_ids
from routing.engine.record import assignment_record
from routing.engine.route import route_decide
from routing.models import Assignment, Report, ResponsibilityZone
from routing.zones.bulk import OPEN, Selection, reports_reroute
from routing.zones.state import ZoneState


class _Undo(Exception):
    """Raised to roll the baseline's savepoint back."""


def zones_publish_bare(drafts: list[ResponsibilityZone], at: dt.datetime) -> None:
    """Put the drafts in force from ``at`` (no topology check, no history, no re-route:
    ``zones_publish`` does those around ``reports_reroute``)."""
    ResponsibilityZone.objects.filter(pk__in=[d.pk for d in drafts]).update(
        status=ResponsibilityZone.Status.PUBLISHED, valid_from=at
    )


def naive_reroute(ids: list[int], at: dt.datetime) -> tuple[dict[int, int], int, float]:
    """Re-route the reports one by one; (new department by report, moved, seconds)."""
    departments: dict[int, int] = {}
    moved = 0
    start = time.perf_counter()
    # Only the columns the engine needs: the table may lag behind the model.
    reports = (
        Report.objects.filter(pk__in=ids)
        .only("id", "location", "category", "unit", "department", "updated_at")
        .select_related("category")
        .order_by("id")
    )
    for report in reports:
        decision = route_decide(
            lon=report.location.x,
            lat=report.location.y,
            category=report.category,
            at=at,
        )
        departments[report.pk] = decision.department.id
        if decision.department.id != report.department_id:
            assignment_record(
                report=report, decision=decision, cause=Assignment.Cause.REROUTE
            )
            moved += 1
    return departments, moved, round(time.perf_counter() - start, 3)


def run(
    *, drafts: list[ResponsibilityZone], at: dt.datetime, sample: int
) -> dict[str, Any]:
    zones_publish_bare(drafts, at)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM routing_report WHERE status = ANY(%s)", [OPEN]
        )
        open_reports = cursor.fetchone()[0]
    ids = sample_ids(min(sample, open_reports), open_only=True)

    naive: dict[int, int] = {}
    naive_moved, naive_s = 0, 0.0
    try:
        with transaction.atomic():
            naive, naive_moved, naive_s = naive_reroute(ids, at)
            raise _Undo
    except _Undo:
        pass

    start = time.perf_counter()
    impact = reports_reroute(
        state=ZoneState(at=at),
        selection=Selection(statuses=tuple(OPEN)),
        cause=Assignment.Cause.ZONE_PUBLISH,
        note="bench",
        near_edge_m=settings.ROUTING_NEAR_EDGE_M,
    )
    ours_s = round(time.perf_counter() - start, 3)

    after = dict(Report.objects.filter(pk__in=ids).values_list("id", "department_id"))
    current = (
        Assignment.objects.filter(report_id__in=ids, is_current=True)
        .values("report_id")
        .distinct()
        .count()
    )
    same = sum(1 for pk, department in naive.items() if after.get(pk) == department)
    return {
        "open_reports": open_reports,
        "ours": {
            "seconds": ours_s,
            "reports_per_s": round(open_reports / ours_s),
            "moved": impact.open_changed + impact.past_changed,
            "moves": len(impact.moves),
        },
        "naive": {
            "reports": len(naive),
            "seconds": naive_s,
            "reports_per_s": round(len(naive) / naive_s) if naive_s else None,
            "moved": naive_moved,
        },
        "agreement": {
            "sample": len(naive),
            "same_department": same,
            "differ": len(naive) - same,
            "one_current_assignment": current == len(ids),
        },
    }
