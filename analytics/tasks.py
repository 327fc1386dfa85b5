"""Periodic jobs of analytics (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from analytics.evaluation.mail import evaluation_monthly_send as _send


@shared_task(name="analytics.tasks.evaluation_monthly_send", ignore_result=True)
def evaluation_monthly_send() -> int:
    """E-mail last month's pilot evaluation as a PDF (first of the month, 07:00
    local). Idempotent per month (``analytics.evaluation.mail``)."""
    return _send()
