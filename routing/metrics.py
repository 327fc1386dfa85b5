"""What the domain tells Prometheus: counters where things happen, gauges read at
scrape time.

Counters (``*_total``) count events in the process that made them — reports
stored by channel, routing decisions by rule and cause — and only once the
transaction that wrote them commits (a rolled-back submission was never made).
Under gunicorn every worker is a process of its own; prometheus_client's
multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, set by config/gunicorn.conf.py) adds
them up on scrape. Counters a Celery worker increments (an escalation re-route)
stay in that worker and are not scraped.

Everything about the outbox and the backlog is read from PostgreSQL at scrape time
instead (:class:`DomainCollector`): the table is the truth every web node and
worker shares, so any node's ``/metrics`` gives the same answer, nothing is lost
when a worker restarts, and SMS or e-mail failures made inside Celery workers show
without an exporter in each of them. The reads are bounded: counts stop at
:data:`COUNT_CAP`, each read uses an index (the outbox's ``(status,
next_attempt_at)``, the open-reports-by-deadline partial index), and the whole
scrape runs under a statement timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from routing.models import Assignment, Notification, Report

log = logging.getLogger(__name__)

COUNT_CAP = 100_000
STATEMENT_TIMEOUT_MS = 2000
DEAD_WINDOW_HOURS = 24
# kombu's Redis transport keeps a queue's messages of priority p > 0 in the list
# "<queue>\x06\x16<p>" (priority steps 0, 3, 6, 9).
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)

REPORTS_SUBMITTED = Counter(
    "hientruong_reports_submitted",
    "Reports stored, by channel (counted when the transaction commits).",
    ["channel"],
)
ROUTING_DECISIONS = Counter(
    "hientruong_routing_decisions",
    "Routing decisions stored (Assignments), by rule and cause.",
    ["rule", "cause"],
)
# Every series exists from the start at 0, so rate() and alerts see the first event.
for _channel in Report.Channel.values:
    REPORTS_SUBMITTED.labels(channel=_channel)
for _rule in Assignment.Rule.values:
    ROUTING_DECISIONS.labels(rule=_rule, cause=Assignment.Cause.SUBMIT)


def report_submitted_count(*, channel: str) -> None:
    """Count a stored report once its transaction commits."""
    transaction.on_commit(lambda: REPORTS_SUBMITTED.labels(channel=channel).inc())


def routing_decisions_count(*, rule: str, cause: str, count: int = 1) -> None:
    """Count ``count`` stored decisions once their transaction commits."""
    if count > 0:
        transaction.on_commit(
            lambda: ROUTING_DECISIONS.labels(rule=rule, cause=cause).inc(count)
        )


_RETRYABLE = (Notification.Status.PENDING, Notification.Status.FAILED)

# Raw SQL for the caps: a count that stops at COUNT_CAP rows needs LIMIT inside a
# subquery, which the ORM's count() does not write.
_OUTBOX_BACKLOG = """
    SELECT channel, status, count(*) FROM (
        SELECT channel, status FROM routing_notification
        WHERE status = ANY(%(retryable)s) LIMIT %(cap)s
    ) backlog GROUP BY channel, status
"""
_OUTBOX_OLDEST = """
    SELECT extract(epoch FROM clock_timestamp() - min(created_at))
    FROM routing_notification
    WHERE status = ANY(%(retryable)s)
"""
_OUTBOX_DEAD = """
    SELECT channel, count(*) FROM (
        SELECT channel FROM routing_notification
        WHERE status = 'dead' AND next_attempt_at >= now() - %(window)s * interval '1 hour'
        LIMIT %(cap)s
    ) dead GROUP BY channel
"""
_OVERDUE = """
    SELECT count(*) FROM (
        SELECT 1 FROM routing_report
        WHERE status = ANY(%(open)s) AND due_at < now() LIMIT %(cap)s
    ) overdue
"""


def _gauge(
    name: str, documentation: str, labels: Iterable[str] = ()
) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=list(labels))


class DomainCollector:
    """The outbox, the overdue reports and the Celery queue, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from self._database()
        yield from self._celery_queue()

    def _database(self) -> Iterator[Metric]:
        up = _gauge(
            "hientruong_metrics_database_up",
            "1 when the scrape could read the database, 0 when it could not.",
        )
        try:
            metrics = list(self._read())
        except DatabaseError as exc:
            log.warning("metrics: database read failed: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics

    def _read(self) -> Iterator[Metric]:
        params: dict[str, Any] = {
            "retryable": [str(status) for status in _RETRYABLE],
            "cap": COUNT_CAP,
            "window": DEAD_WINDOW_HOURS,
            "open": list(Report.OPEN_STATUSES),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            cursor.execute(_OUTBOX_BACKLOG, params)
            backlog = cursor.fetchall()
            cursor.execute(_OUTBOX_OLDEST, params)
            (oldest,) = cursor.fetchone()
            cursor.execute(_OUTBOX_DEAD, params)
            dead = dict(cursor.fetchall())
            cursor.execute(_OVERDUE, params)
            (overdue,) = cursor.fetchone()
        yield from _outbox_metrics(backlog, oldest, dead)
        reports = _gauge(
            "hientruong_reports_overdue",
            f"Open reports past their deadline (counted up to {COUNT_CAP}).",
        )
        reports.add_metric([], overdue)
        yield reports

    def _celery_queue(self) -> Iterator[Metric]:
        queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
        length = _gauge(
            "hientruong_celery_queue_length",
            "Tasks waiting in the broker's queue (Redis list lengths).",
            ["queue"],
        )
        up = _gauge(
            "hientruong_celery_broker_up",
            "1 when the scrape could read the broker (Redis), 0 when it could not.",
        )
        keys = [
            queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}"
            for step in PRIORITY_STEPS
        ]
        try:
            client = redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
            )
            with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.llen(key)
                waiting = sum(pipe.execute())
            client.close()
        except redis.RedisError as exc:
            log.warning("metrics: broker read failed: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        length.add_metric([queue], waiting)
        yield up
        yield length


def _outbox_metrics(
    backlog: list[tuple[str, str, int]], oldest: float | None, dead: dict[str, int]
) -> Iterator[Metric]:
    waiting = _gauge(
        "hientruong_outbox_backlog",
        "Notifications not yet delivered, by channel and status (pending: not yet "
        "tried; failed: the last attempt failed, retried with backoff); counted "
        f"up to {COUNT_CAP}.",
        ["channel", "status"],
    )
    found = {(channel, status): n for channel, status, n in backlog}
    for channel in Notification.Channel.values:
        for status in _RETRYABLE:
            waiting.add_metric([channel, status], found.get((channel, status), 0))
    yield waiting
    age = _gauge(
        "hientruong_outbox_oldest_age_seconds",
        "Age of the oldest notification not yet delivered (0 when none waits).",
    )
    age.add_metric([], float(oldest or 0))
    yield age
    given_up = _gauge(
        "hientruong_outbox_dead",
        f"Notifications given up in the last {DEAD_WINDOW_HOURS} h, by channel "
        "(SMS, e-mail or webhook that failed every attempt or can never be sent).",
        ["channel"],
    )
    for channel in Notification.Channel.values:
        given_up.add_metric([channel], dead.get(channel, 0))
    yield given_up
