"""Deliver the outbox: one row per task, and a periodic sweep for what is due.

Rows reach workers two ways. Right after the transaction that wrote them commits,
``routing.notifications.outbox.enqueue`` sends one :func:`deliver` task per row; when
Redis is down that hand-off is skipped and the row waits in PostgreSQL. Every 30 s
beat runs :func:`outbox_sweep`, which finds rows that are due (new rows whose hand-off
was lost, failed rows whose backoff has passed) and hands them out again. A row leaves
the due set only as ``sent`` or ``dead``: nothing is lost, delivery is at-least-once.

Leases instead of locks. ``next_attempt_at`` doubles as a lease: a worker claims a row
with one ``UPDATE … WHERE status IN (pending, failed) AND next_attempt_at <= now``
that pushes ``next_attempt_at`` :data:`SEND_LEASE` ahead. PostgreSQL re-checks the
condition for a second, concurrent UPDATE once the first commits, so exactly one
worker wins; the loser sees a row that is not due and does nothing. The claim commits
at once, so no transaction stays open while we talk to an SMTP server or a webhook. If
a worker dies mid-send, the row becomes due again when the lease runs out (and is sent
again: receivers de-duplicate on the notification id).

The sweep enqueues rather than sending inline, so a backlog after an outage spreads
over every worker instead of one. So that a sweep every 30 s does not enqueue the same
backlog again and again while workers catch up, it leases the rows it hands out for
:data:`QUEUE_LEASE`, and passes that lease to the task as a token: only the task
carrying it (or anyone, once it expires) can claim the row. If the broker refuses a
message during the sweep, the rest of that batch is delivered inline.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from routing.models import Notification
from routing.notifications.delivery import (
    Deferred,
    Undeliverable,
    notification_send,
)

log = logging.getLogger(__name__)

SEND_LEASE = dt.timedelta(minutes=5)
QUEUE_LEASE = dt.timedelta(minutes=5)
RETRY_BASE_S = 30
RETRY_CAP_S = 3600
SWEEP_BATCH = 200
SWEEP_MAX_ROWS = 5000
RETRYABLE = (Notification.Status.PENDING, Notification.Status.FAILED)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s doubling, at most 1 h.

    "Equal jitter": half the step is fixed, the other half random, so rows that failed
    together (a department's server was down) do not all come back at the same second.
    """
    step = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=step / 2 + random.uniform(0, step / 2))


def notification_claim(
    *, notification_id: int, lease: dt.datetime | None = None
) -> Notification | None:
    """Take the row for sending, or None if it is not due, done or held by another.

    ``lease`` is the token a sweep put in ``next_attempt_at`` when it queued the row.
    """
    now = timezone.now()
    due = Q(next_attempt_at__lte=now)
    if lease is not None:
        due |= Q(next_attempt_at=lease)
    claimed = Notification.objects.filter(
        due, pk=notification_id, status__in=RETRYABLE
    ).update(next_attempt_at=now + SEND_LEASE)
    if not claimed:
        return None
    return Notification.objects.select_related("department").get(pk=notification_id)


def notification_mark_sent(
    *, notification: Notification, provider_id: str | None = None
) -> None:
    """Record a successful delivery (``last_error`` keeps the last failure, if any)
    and the SMS gateway's message id, by which its delivery receipts find the row."""
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=now,
        next_attempt_at=now,  # the send lease no longer means anything
        attempts=F("attempts") + 1,
        provider_id=provider_id or "",
    )


def notification_mark_failed(*, notification: Notification, error: Exception) -> str:
    """Record a failed attempt: retry later with backoff, or give up. Returns the status.

    The update only applies while this worker still holds the lease, so a send that
    outlived its lease cannot overwrite the outcome of the worker that took over.
    """
    attempts = notification.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:2000]
    dead = isinstance(error, Undeliverable) or attempts >= settings.NOTIFY_MAX_ATTEMPTS
    now = timezone.now()
    fields = {"attempts": attempts, "last_error": reason, "next_attempt_at": now}
    if dead:
        fields["status"] = Notification.Status.DEAD
    else:
        fields["status"] = Notification.Status.FAILED
        fields["next_attempt_at"] = now + retry_delay(attempts)
    Notification.objects.filter(
        pk=notification.pk,
        status__in=RETRYABLE,
        next_attempt_at=notification.next_attempt_at,
    ).update(**fields)
    log.warning(
        "notification %s (%s) attempt %s failed%s: %s",
        notification.pk,
        notification.channel,
        attempts,
        ", giving up" if dead else "",
        reason,
    )
    return str(fields["status"])


def notification_defer(*, notification: Notification, deferral: Deferred) -> str:
    """Put the send off by ``deferral.wait`` seconds without spending an attempt
    (a recipient's hourly limit, the limiter down); only while this worker holds
    the lease. Returns ``deferred``."""
    now = timezone.now()
    Notification.objects.filter(
        pk=notification.pk,
        status__in=RETRYABLE,
        next_attempt_at=notification.next_attempt_at,
    ).update(
        last_error=str(deferral)[:2000],
        next_attempt_at=now + dt.timedelta(seconds=deferral.wait),
    )
    log.warning("notification %s deferred: %s", notification.pk, deferral)
    return "deferred"


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def deliver(notification_id: int, lease: str | None = None) -> str:
    """Send one notification if it is due and nobody else holds it.

    Returns what happened: ``sent``, ``failed`` (retried later), ``deferred``
    (put off without spending an attempt), ``dead`` or ``skipped`` (not due,
    already sent, or claimed by another worker).
    """
    token = dt.datetime.fromisoformat(lease) if lease else None
    notification = notification_claim(notification_id=notification_id, lease=token)
    if notification is None:
        return "skipped"
    try:
        provider_id = notification_send(notification=notification)
    except Deferred as deferral:
        return notification_defer(notification=notification, deferral=deferral)
    except Exception as exc:  # any failure is recorded on the row and retried
        return notification_mark_failed(notification=notification, error=exc)
    notification_mark_sent(notification=notification, provider_id=provider_id)
    return Notification.Status.SENT.value


def notifications_lease_due(*, limit: int) -> tuple[list[int], dt.datetime]:
    """Lease up to ``limit`` due rows, oldest first, skipping rows being claimed."""
    now = timezone.now()
    lease = now + QUEUE_LEASE
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status__in=RETRYABLE, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=lease)
    return ids, lease


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Hand every due row to the workers, in batches. Returns how many were handed."""
    handed = 0
    inline = False
    while handed < SWEEP_MAX_ROWS and not inline:
        ids, lease = notifications_lease_due(limit=SWEEP_BATCH)
        token = lease.isoformat()
        for notification_id in ids:
            if not inline:
                try:
                    deliver.apply_async((notification_id, token), retry=False)
                    continue
                except OperationalError as exc:
                    log.warning(
                        "outbox sweep: broker refused (%s), sending inline", exc
                    )
                    inline = True
            deliver(notification_id, token)
        handed += len(ids)
        if len(ids) < SWEEP_BATCH:
            break
    if handed:
        log.info("outbox sweep handed out %s notifications", handed)
    return handed
