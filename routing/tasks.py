"""Periodic jobs of the report workflow (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from routing.citizens.purge import citizens_purge
from routing.intake.idempotency import idempotency_keys_purge
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


@shared_task(name="routing.tasks.idempotency_keys_purge", ignore_result=True)
def idempotency_keys_purge_task() -> int:
    """Delete the Idempotency-Keys past their day (hourly): lookups already ignore
    them; this keeps the table small."""
    return idempotency_keys_purge()


@shared_task(name="routing.tasks.citizens_purge", ignore_result=True)
def citizens_purge_task() -> dict[str, int]:
    """Delete stale one-time codes, citizen sessions and daily OTP counters
    (hourly; ``routing.citizens.purge``)."""
    return citizens_purge()
