"""The monthly e-mail: on the first of each month (07:00 Asia/Ho_Chi_Minh,
``CELERY_BEAT_SCHEDULE``) the previous calendar month's evaluation, compared with
the month before it, goes as a PDF to ``EVALUATION_RECIPIENTS``.

Once per month: a marker ``evaluation-mail:<yyyy-mm>`` is added to the shared cache
(Redis) with an atomic ``add`` before sending and kept 40 days, so a re-run, a
retry or a second beat in the same month sends nothing; it is removed if sending
fails, so the next run tries again. With no recipients nothing is sent or marked.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

from analytics.evaluation.figures import Period
from analytics.evaluation.pdf import evaluation_pdf
from analytics.evaluation.report import DATE_FORMAT, evaluation_make

log = logging.getLogger(__name__)
MARK_SECONDS = 40 * 24 * 3600


def previous_month(today: dt.date) -> Period:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return Period(last.replace(day=1), last)


def marker_key(month: Period) -> str:
    return f"evaluation-mail:{month.first:%Y-%m}"


def evaluation_monthly_send(today: dt.date | None = None) -> int:
    """Send last month's report once; the number of messages sent (0 or 1)."""
    recipients = [a for a in getattr(settings, "EVALUATION_RECIPIENTS", []) if a]
    if not recipients:
        return 0
    month = previous_month(today or timezone.localdate())
    key = marker_key(month)
    if not cache.add(key, timezone.now().isoformat(), MARK_SECONDS):
        log.info("evaluation mail for %s already sent", key)
        return 0
    try:
        ev = evaluation_make(month, previous_month(month.first))
        span = f"{month.first:%d/%m/%Y} – {month.last.strftime(DATE_FORMAT)}"
        message = EmailMessage(
            subject=f"Báo cáo đánh giá thí điểm {month.first:%m/%Y} "
            f"(pilot evaluation report)",
            body=f"Báo cáo đánh giá thí điểm kỳ {span}, đính kèm (PDF).\n"
            f"The pilot evaluation report for {span} is attached (PDF).\n",
            to=recipients,
        )
        message.attach(
            f"danh-gia-{month.first:%Y-%m}.pdf", evaluation_pdf(ev), "application/pdf"
        )
        return message.send()
    except Exception:
        cache.delete(key)
        raise
