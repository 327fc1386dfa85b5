"""Periodic jobs of the report workflow (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from routing.workflow import reports_autoclose, reports_escalate


@shared_task(name="routing.tasks.sla_escalate", ignore_result=True)
def sla_escalate() -> int:
    """Escalate the open reports past their deadline to the triage desk (every 5
    minutes). Idempotent: a report is escalated once per deadline."""
    return reports_escalate()


@shared_task(name="routing.tasks.reports_autoclose", ignore_result=True)
def autoclose() -> int:
    """Close resolved reports nobody rated within the window (hourly). Idempotent."""
    return reports_autoclose()
