"""Periodic jobs of analytics (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from redis.exceptions import ConnectionError as RedisConnectionError

from analytics.evaluation.mail import LOCK_SECONDS, MailBusy
from analytics.evaluation.mail import evaluation_monthly_send as _send

# A failed month is retried after 1, 2, 4, 8, 16, 30, 30 and 30 minutes (about two
# hours in all), then given up and logged; the next beat is a month later.
MAIL_RETRIES = 8


@shared_task(
    name="analytics.tasks.evaluation_monthly_send",
    ignore_result=True,
    # A Redis outage (the once-a-month marker) is retried like a mail server's.
    autoretry_for=(OSError, MailBusy, RedisConnectionError),
    # Below the lock's life (analytics.evaluation.mail.LOCK_SECONDS).
    time_limit=LOCK_SECONDS - 60,
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=MAIL_RETRIES,
)
def evaluation_monthly_send() -> int:
    """E-mail last month's pilot evaluation as a PDF (first of the month, 07:00
    local). Once per month; a failed send (an SMTP or network error, ``OSError``)
    or a month held by another worker is retried with backoff
    (``analytics.evaluation.mail``)."""
    return _send()
