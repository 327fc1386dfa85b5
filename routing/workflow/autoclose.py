"""Closing resolved reports the citizen never rated.

A resolved report waits for the citizen's rating (routing.workflow.status.report_rate).
Most citizens never rate (Huế 2019: 45 % did), so a resolved report would stay
"resolved" for ever and the dashboards would never count it as done. After
``REPORT_AUTOCLOSE_WORKING_DAYS`` Vietnamese working days without a rating or a
reopening the system closes it, with a public note saying so; the citizen can still
send a new report.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from routing.models import Report
from routing.reports import roles
from routing.workflow.calendar import WorkingCalendar
from routing.workflow.deadlines import calendar_load
from routing.workflow.guards import S
from routing.workflow.status import _status_change

AUTOCLOSE_NOTE = (
    "Tự động đóng: đã xử lý xong và không nhận được đánh giá sau {days} ngày làm "
    "việc. (Closed automatically: resolved with no rating after {days} working days.)"
)


def autoclose_due(resolved_at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """When a report resolved at ``resolved_at`` closes if nobody rates it: the end
    of the N-th working day after the day it was resolved."""
    return calendar.add_working_days(
        resolved_at, settings.REPORT_AUTOCLOSE_WORKING_DAYS
    )


def reports_autoclose(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close the resolved reports whose rating window has passed. One transaction per
    batch; rows another run holds are skipped and a closed report is never picked
    again, so overlapping runs close each report once. Returns how many closed."""
    now = now or timezone.now()
    calendar = calendar_load()
    days = settings.REPORT_AUTOCLOSE_WORKING_DAYS
    # N working days are at least N calendar days: a cheap prefilter on the index.
    earliest = now - dt.timedelta(days=days)
    total, after = 0, 0
    while True:
        with transaction.atomic():
            reports = list(
                Report.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("category", "department", "unit")
                .filter(status=S.RESOLVED, resolved_at__lt=earliest, pk__gt=after)
                .order_by("pk")[:batch]
            )
            for report in reports:
                assert report.resolved_at is not None  # resolved_at__lt, locked
                if autoclose_due(report.resolved_at, calendar) <= now:
                    _status_change(
                        report=report,
                        to_status=S.CLOSED,
                        actor=None,
                        role=roles.SYSTEM,
                        note=AUTOCLOSE_NOTE.format(days=days),
                        data={"autoclosed": True},
                    )
                    total += 1
        if len(reports) < batch:
            return total
        after = reports[-1].pk
