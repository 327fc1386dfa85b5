"""Outbox delivery: e-mail, signed webhooks and SMS, retries, claims, and a Redis outage.

The webhook receiver is a real HTTP server on 127.0.0.1, the broker a real Redis
started by the test on a free port, the worker Celery's embedded worker in a thread.
"""

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.db import connections
from django.utils import timezone

from config.celery import app as project_app
from routing.models import Department, Notification, ReportEvent
from routing.notifications.outbox import enqueue, notify_assignment, notify_public_event
from routing.notifications.signing import signature, verify_signature
from routing.notifications.sms import MemorySmsBackend
from routing.notifications.tasks import (
    deliver,
    notifications_lease_due,
    outbox_sweep,
    retry_delay,
)
from routing.notifications.webhook_secrets import department_webhook_secret_rotate
from routing.reports.events import event_record
from tests.factories import report_create

pytestmark = pytest.mark.django_db

SECRET = "bí-mật-riêng-với-sở"
REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notification(**fields) -> Notification:
    fields.setdefault("channel", Notification.Channel.EMAIL)
    fields.setdefault("recipient", "ubnd.dongphu@example.vn")
    fields.setdefault("subject", "[HT-TEST] Phản ánh mới: Thu gom rác")
    fields.setdefault("body", "Rác thải ven đường.\n---\nNew report: litter.")
    fields.setdefault("payload", {"event": "assigned", "tracking_code": "HT-TEST"})
    fields.setdefault("next_attempt_at", timezone.now())
    if fields["channel"] == Notification.Channel.WEBHOOK:
        # A webhook is signed with its department's secret.
        fields.setdefault("department", Department.objects.get(code="dh-qldt"))
    return Notification.objects.create(**fields)


def in_thread(function):
    """Run ``function`` in a thread of its own, hence on a connection of its own."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class WebhookReceiver(BaseHTTPRequestHandler):
    """Records each POST and answers with the server's ``status`` after ``delay``."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.hits.append((self.headers, body))  # case-insensitive
        time.sleep(self.server.delay)
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"stored" if self.server.status < 300 else b"database busy")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), WebhookReceiver)
    server.hits, server.status, server.delay = [], 200, 0.0
    server.url = f"http://127.0.0.1:{server.server_port}/hooks/hien-truong"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def memory_sms(settings):
    settings.SMS_BACKEND = "routing.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def eager_celery():
    """Tasks handed to Celery run at once in this process (no broker)."""
    project_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    project_app.conf.update(task_always_eager=False, task_eager_propagates=False)


def test_email_lands_in_the_outbox_and_the_row_is_sent(mailoutbox):
    """An e-mail row is sent through Django's mail backend and marked sent."""
    row = notification()
    assert deliver(row.pk) == "sent"
    (message,) = mailoutbox
    assert message.to == ["ubnd.dongphu@example.vn"]
    assert message.subject == "[HT-TEST] Phản ánh mới: Thu gom rác"
    assert message.body.startswith("Rác thải")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    assert row.sent_at is not None


def test_webhook_is_signed_and_names_the_delivery(webhook_server):
    """A webhook POSTs {id, event, …payload} with a valid signature and delivery id."""
    department = Department.objects.get(code="dh-qldt")
    department.webhook_secret = SECRET
    department.save()
    row = notification(
        channel=Notification.Channel.WEBHOOK,
        recipient=webhook_server.url,
        payload={"event": "assigned", "tracking_code": "HT-TEST", "note": "Ngập úng"},
        department=department,
    )
    assert deliver(row.pk) == "sent"
    ((headers, body),) = webhook_server.hits
    assert verify_signature(body, headers["X-HienTruong-Signature"], SECRET)
    assert not verify_signature(body, headers["X-HienTruong-Signature"], "khác")
    assert not verify_signature(body + b" ", headers["X-HienTruong-Signature"], SECRET)
    assert headers["X-HienTruong-Delivery"] == str(row.pk)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {
        "id": row.pk,
        "event": "assigned",
        "tracking_code": "HT-TEST",
        "note": "Ngập úng",
    }
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_department_webhook_signed_with_its_own_secret(settings, webhook_server):
    """A department's webhooks are signed with its own secret, never with
    SECRET_KEY; one whose secret was cleared gets a new one before the next
    delivery, and that signs."""
    report = report_create(category="VSMT")
    department = report.department
    department.webhook_url = webhook_server.url
    department.webhook_secret = "bí-mật-riêng-của-cơ-quan"
    department.save()
    assignment = report.assignments.get(is_current=True)

    def deliver_one() -> tuple[dict, bytes]:
        (row,) = [
            n
            for n in notify_assignment(report=report, assignment=assignment)
            if n.channel == Notification.Channel.WEBHOOK
        ]
        assert row.department == department
        assert deliver(row.pk) == "sent"
        return webhook_server.hits[-1]

    headers, body = deliver_one()
    signed = headers["X-HienTruong-Signature"]
    assert verify_signature(body, signed, "bí-mật-riêng-của-cơ-quan")
    assert not verify_signature(body, signed, settings.SECRET_KEY)

    Department.objects.filter(pk=department.pk).update(webhook_secret="")
    headers, body = deliver_one()
    department.refresh_from_db()
    assert len(department.webhook_secret) == 43
    assert verify_signature(
        body, headers["X-HienTruong-Signature"], department.webhook_secret
    )
    assert not verify_signature(
        body, headers["X-HienTruong-Signature"], settings.SECRET_KEY
    )


def test_after_a_rotation_both_secrets_sign_until_the_grace_ends(
    settings, webhook_server
):
    """Rotated: deliveries carry two entries (new first), so a receiver on either
    secret accepts them; after WEBHOOK_SECRET_GRACE_HOURS only the new one signs."""
    settings.WEBHOOK_SECRET_GRACE_HOURS = 72
    department = Department.objects.get(code="dh-qldt")
    old = department.webhook_secret
    rotated = department_webhook_secret_rotate(department=department)
    new = rotated.webhook_secret
    assert new != old

    def delivered() -> tuple[dict, bytes]:
        row = notification(
            channel=Notification.Channel.WEBHOOK,
            recipient=webhook_server.url,
            department=department,
        )
        assert deliver(row.pk) == "sent"
        return webhook_server.hits[-1]

    headers, body = delivered()
    header = headers["X-HienTruong-Signature"]
    assert header == f"{signature(body, new)},{signature(body, old)}"
    assert verify_signature(body, header, new)
    assert verify_signature(body, header, old)
    assert not verify_signature(body, header, "khác")

    Department.objects.filter(pk=department.pk).update(
        webhook_secret_rotated_at=timezone.now() - dt.timedelta(hours=73)
    )
    headers, body = delivered()
    header = headers["X-HienTruong-Signature"]
    assert header == signature(body, new)
    assert not verify_signature(body, header, old)


def test_a_webhook_row_without_a_department_is_undeliverable(webhook_server):
    """No shared secret exists: a webhook with no department to sign for is given
    up at once, and nothing is posted."""
    row = notification(
        channel=Notification.Channel.WEBHOOK,
        recipient=webhook_server.url,
        department=None,
    )
    assert deliver(row.pk) == "dead"
    row.refresh_from_db()
    assert "no department" in row.last_error
    assert webhook_server.hits == []


def test_webhook_500_is_retried_with_backoff_then_given_up(settings, webhook_server):
    """A 500 is retried after a backoff (not before) and the row dies at the limit."""
    settings.NOTIFY_MAX_ATTEMPTS = 3
    webhook_server.status = 500
    row = notification(
        channel=Notification.Channel.WEBHOOK, recipient=webhook_server.url
    )

    before = timezone.now()
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 1)
    assert "HTTP 500" in row.last_error
    assert "database busy" in row.last_error
    assert before + dt.timedelta(seconds=15) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + dt.timedelta(seconds=30)
    assert deliver(row.pk) == "skipped"  # the backoff is honoured

    for attempts, outcome in [(2, "failed"), (3, "dead")]:
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert deliver(row.pk) == outcome
        row.refresh_from_db()
        assert row.attempts == attempts
    assert row.status == Notification.Status.DEAD
    assert deliver(row.pk) == "skipped"
    assert len(webhook_server.hits) == 3


def test_refused_connection_is_a_failure_with_its_reason():
    """A webhook nobody listens on fails with "Connection refused" and is retried."""
    row = notification(
        channel=Notification.Channel.WEBHOOK,
        recipient=f"http://127.0.0.1:{free_port()}/",
    )
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert "refused" in row.last_error.lower()


def test_retry_delays_double_with_jitter_up_to_an_hour():
    """Delays start at 15–30 s, double with each failure and never exceed an hour."""
    for attempts in range(1, 12):
        step = min(3600, 30 * 2 ** (attempts - 1))
        delay = retry_delay(attempts).total_seconds()
        assert step / 2 <= delay <= step


def test_sms_goes_through_the_configured_backend(memory_sms):
    """An SMS row is sent through SMS_BACKEND, here the in-memory one, without
    diacritics (SMS_ASCII_ONLY)."""
    row = notification(
        channel=Notification.Channel.SMS,
        recipient="+84912345678",
        subject="",
        body="[HT-TEST] Đã xử lý",
    )
    assert deliver(row.pk) == "sent"
    assert [(m.to, m.text) for m in memory_sms] == [
        ("+84912345678", "[HT-TEST] Da xu ly")
    ]


def test_an_undeliverable_row_is_given_up_at_once(memory_sms):
    """A phone number that is not E.164 cannot improve with retries: dead at once."""
    row = notification(channel=Notification.Channel.SMS, recipient="0912 345 678")
    assert deliver(row.pk) == "dead"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.DEAD, 1)
    assert "E.164" in row.last_error
    assert memory_sms == []


def test_two_concurrent_claims_deliver_once(webhook_server):
    """Two workers delivering the same row at the same moment send it once."""
    # Committed, so that the two workers' own connections see it; removed below.
    webhook_server.delay = 0.5
    row_id = in_thread(
        lambda: (
            notification(
                channel=Notification.Channel.WEBHOOK, recipient=webhook_server.url
            ).pk
        )
    )
    try:
        barrier = threading.Barrier(2)
        outcomes = []

        def worker():
            try:
                barrier.wait()
                outcomes.append(deliver(row_id))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["sent", "skipped"]
        assert len(webhook_server.hits) == 1
        row = Notification.objects.get(pk=row_id)
        assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    finally:
        in_thread(lambda: Notification.objects.filter(pk=row_id).delete())


def test_sweep_sends_what_is_due_and_leaves_the_rest(mailoutbox, eager_celery):
    """The sweep delivers pending and failed rows that are due, and nothing else."""
    now = timezone.now()
    due = [
        notification(recipient="a@example.vn"),
        notification(recipient="b@example.vn", status=Notification.Status.FAILED),
    ]
    later = notification(
        recipient="c@example.vn", next_attempt_at=now + dt.timedelta(1)
    )
    done = notification(recipient="d@example.vn", status=Notification.Status.SENT)
    dead = notification(recipient="e@example.vn", status=Notification.Status.DEAD)

    assert outbox_sweep() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.vn", "b@example.vn"]
    statuses = dict(
        Notification.objects.filter(
            pk__in=[n.pk for n in [*due, later, done, dead]]
        ).values_list("recipient", "status")
    )
    assert statuses == {
        "a@example.vn": "sent",
        "b@example.vn": "sent",
        "c@example.vn": "pending",
        "d@example.vn": "sent",
        "e@example.vn": "dead",
    }
    assert outbox_sweep() == 0


def test_a_row_queued_by_the_sweep_is_sent_by_its_own_task(mailoutbox):
    """A row the sweep has queued is left alone by other tasks until its lease ends."""
    row = notification()
    ids, lease = notifications_lease_due(limit=100)
    assert row.pk in ids
    assert deliver(row.pk) == "skipped"  # e.g. the late on-commit hand-off
    stale = lease - dt.timedelta(minutes=1)
    assert deliver(row.pk, stale.isoformat()) == "skipped"  # an older sweep's task
    assert deliver(row.pk, lease.isoformat()) == "sent"
    assert deliver(row.pk, lease.isoformat()) == "skipped"
    assert len(mailoutbox) == 1


# --- The broker path: Redis down, then back -------------------------------------------


class RedisServer:
    """A throw-away redis-server on a free port, started and stopped by the test."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.pidfile = directory / "redis.pid"
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _client(self):
        return redis.Redis(port=self.port, socket_connect_timeout=0.5)

    def _up(self) -> bool:
        try:
            return self._client().ping()
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        subprocess.run(
            [
                REDIS_SERVER,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "yes"),
                *("--dir", str(self.directory), "--pidfile", str(self.pidfile)),
                *("--logfile", str(self.directory / "redis.log")),
            ],
            check=True,
        )
        deadline = time.monotonic() + 5
        while not self._up():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM to the pid it wrote (no save configured, so it exits at once)."""
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        self.pidfile.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@contextlib.contextmanager
def celery_app_on(broker_url: str):
    """A Celery app configured like the project's but on ``broker_url``, made current.

    The outbox tasks are shared tasks, so ``deliver.apply_async`` (in the writers and
    in the sweep) goes through whichever app is current: this one, for the test. It
    runs without Celery's Django fix-up, which closes database connections when the
    pool starts and around every task: here that would end the test's transaction.
    """
    app = Celery("hientruong-test", set_as_current=False, fixups=[])
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker_url, worker_hijack_root_logger=False)
    app.set_current()
    app.set_default()
    try:
        yield app
    finally:
        project_app.set_current()
        project_app.set_default()
        app.close()


@contextlib.contextmanager
def worker_on_test_connection():
    """Let the embedded worker's thread use this test's connection and transaction.

    The rows exist only in the test's uncommitted transaction, so the worker's tasks
    must run on the same connection (as Django's LiveServerTestCase shares one with its
    server thread). The main thread does not touch the database while the worker runs.
    """
    shared = connections["default"]

    def adopt(**kwargs):
        connections["default"] = shared

    shared.inc_thread_sharing()
    task_prerun.connect(adopt, weak=False)
    try:
        yield
    finally:
        task_prerun.disconnect(adopt)
        shared.dec_thread_sharing()


class TaskLog:
    """What each task run by the worker returned, collected from ``task_postrun``."""

    def __init__(self):
        self.results = []
        self.changed = threading.Condition()

    def __enter__(self):
        task_postrun.connect(self.record, weak=False)
        return self

    def __exit__(self, *exc):
        task_postrun.disconnect(self.record)

    def record(self, task=None, retval=None, **kwargs):
        with self.changed:
            self.results.append((task.name.rsplit(".", 1)[-1], retval))
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=15.0):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.results), timeout), (
                f"worker did not finish: {self.results}"
            )


def test_a_sweep_that_cannot_reach_the_broker_sends_inline(mailoutbox):
    """When the broker refuses the sweep's first message, it delivers the batch itself."""
    rows = [notification(recipient=f"{n}@example.vn") for n in "abc"]
    with celery_app_on(f"redis://127.0.0.1:{free_port()}/0"):
        assert outbox_sweep() == 3
    assert sorted(m.to[0] for m in mailoutbox) == [r.recipient for r in rows]
    assert set(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("status")
    ) == {("sent",)}


def test_nothing_is_lost_while_redis_is_down(
    redis_server,
    settings,
    mailoutbox,
    memory_sms,
    webhook_server,
    django_capture_on_commit_callbacks,
    caplog,
):
    """With Redis down, writing notifications succeeds and rows wait; once Redis is
    back, a worker plus the sweep deliver every row exactly once."""
    report = report_create(category="VSMT")
    # The rows the intake queued for this report are not this test's subject: the
    # sweep below must hand out exactly the rows written here.
    Notification.objects.filter(report=report).delete()
    report.reporter_email = "nguoidan@example.vn"
    report.reporter_phone = "+84912345678"
    # Both proven (a one-time code, the e-mail's link): the citizen hears back.
    report.contact_verified = report.email_verified = True
    report.save(
        update_fields=[
            "reporter_email",
            "reporter_phone",
            "contact_verified",
            "email_verified",
        ]
    )
    report.department.email = "xuly@example.vn"
    report.department.webhook_url = webhook_server.url
    report.department.webhook_secret = SECRET
    report.department.save(update_fields=["email", "webhook_url", "webhook_secret"])
    assignment = report.assignments.get(is_current=True)
    event = event_record(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        to_status="assigned",
        note="Đã chuyển",
    )

    redis_server.start()
    redis_server.stop()  # a real Redis on this port, now down
    with celery_app_on(redis_server.url) as app:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            rows = notify_assignment(report=report, assignment=assignment)
            rows += notify_public_event(report=report, event=event)
        assert len(callbacks) == 2  # both hand-offs were attempted, and failed quietly
        waiting = [r for r in caplog.records if "waits for the sweep" in r.message]
        assert len(waiting) == 2
        assert time.monotonic() - started < 10
        ids = [row.pk for row in rows]
        assert Counter(row.channel for row in rows) == {
            "email": 4,
            "webhook": 2,
            "sms": 2,
        }
        assert set(
            Notification.objects.filter(pk__in=ids).values_list("status", "attempts")
        ) == {("pending", 0)}

        redis_server.start()  # back, and empty: the failed hand-offs left no message
        with (
            worker_on_test_connection(),
            TaskLog() as log,
            start_worker(app, pool="solo", perform_ping_check=False),
        ):
            outbox_sweep.delay()
            enqueue(ids)  # a late duplicate hand-off of every row, too

            def finished(results):
                swept = [n for name, n in results if name == "outbox_sweep"]
                delivered = [r for name, r in results if name == "deliver"]
                return swept and len(delivered) == len(ids) + swept[0]

            log.wait_for(finished)

    swept = [n for name, n in log.results if name == "outbox_sweep"]
    delivered = Counter(r for name, r in log.results if name == "deliver")
    assert swept == [len(ids)]
    assert delivered == {"sent": len(ids), "skipped": len(ids)}
    assert set(
        Notification.objects.filter(pk__in=ids).values_list("status", "attempts")
    ) == {("sent", 1)}
    # The citizen hears of the assignment (a receipt) and of the status change.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "nguoidan@example.vn",
        "nguoidan@example.vn",
        "xuly@example.vn",
        "xuly@example.vn",
    ]
    assert [m.to for m in memory_sms] == ["+84912345678", "+84912345678"]
    hooks = sorted(
        int(headers["X-HienTruong-Delivery"]) for headers, _ in webhook_server.hits
    )
    assert hooks == sorted(r.pk for r in rows if r.channel == "webhook")
    for headers, body in webhook_server.hits:
        assert verify_signature(body, headers["X-HienTruong-Signature"], SECRET)
