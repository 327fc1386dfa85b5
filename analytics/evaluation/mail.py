"""The monthly e-mail: on the first of each month (07:00 Asia/Ho_Chi_Minh,
``CELERY_BEAT_SCHEDULE``) the previous calendar month's evaluation, compared with
the month before it, goes as a PDF to ``EVALUATION_RECIPIENTS``.

Once per month, never lost: while one worker renders and sends, it holds a short
lock ``evaluation-mail:<yyyy-mm>:lock`` (an atomic ``cache.add`` in the shared Redis,
``LOCK_SECONDS``, so a worker killed mid-render holds the month back for minutes,
not weeks); the 40-day marker ``evaluation-mail:<yyyy-mm>`` is set only AFTER
``send()`` succeeded, so a re-run or a second beat in the same month sends
nothing. A failed send, or a run that finds the lock taken, raises: the task
(``analytics.tasks``) retries with backoff, a bounded number of times. With no
recipients nothing is sent or marked.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

from analytics.evaluation.figures import Period
from analytics.evaluation.pdf import evaluation_pdf
from analytics.evaluation.report import DATE_FORMAT, evaluation_make

log = logging.getLogger(__name__)
MARK_SECONDS = 40 * 24 * 3600
LOCK_SECONDS = 15 * 60


class MailBusy(RuntimeError):
    """Another worker is rendering or sending this month's mail: try again later
    (it is then either sent, or its lock has expired)."""


def previous_month(today: dt.date) -> Period:
    """The calendar month before ``today``'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return Period(last.replace(day=1), last)


def marker_key(month: Period) -> str:
    """The cache key marking ``month``'s mail as sent."""
    return f"evaluation-mail:{month.first:%Y-%m}"


def _message(month: Period, recipients: list[str]) -> EmailMessage:
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
    return message


def evaluation_monthly_send(today: dt.date | None = None) -> int:
    """Send last month's report once; the number of messages sent (0 or 1). Raises
    ``MailBusy`` when another worker holds the month, or what sending raised."""
    recipients = list(getattr(settings, "EVALUATION_RECIPIENTS", []))
    if not recipients:
        return 0
    month = previous_month(today or timezone.localdate())
    key = marker_key(month)
    if cache.get(key) is not None:
        log.info("evaluation mail for %s already sent", key)
        return 0
    lock, token = f"{key}:lock", secrets.token_hex(8)
    if not cache.add(lock, token, LOCK_SECONDS):
        raise MailBusy(f"{lock} is held")
    try:
        if cache.get(key) is not None:  # sent while we waited for the lock
            return 0
        sent = _message(month, recipients).send()
        cache.set(key, timezone.now().isoformat(), MARK_SECONDS)
        return sent
    finally:
        # Only our own lock: a run slower than LOCK_SECONDS must not free the lock
        # a second worker took since (the task's time limit is below it anyway).
        if cache.get(lock) == token:
            cache.delete(lock)
