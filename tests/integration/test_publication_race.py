"""Two publication decisions at the same moment: the second waits for the first's
row lock, then finds the state its reviewer was shown (``expected``) gone and is
refused (409); the first decision stands, with one audit event.

Like ``test_publish_consistency``, the decisions run as real transactions on two
more connections (worker threads) that commit; the main thread's test transaction
only reads, and every row the workers made is deleted afterwards.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from routing import workflow
from routing.models import Notification, Report, ReportEvent, StaffProfile
from routing.notifications import outbox
from routing.reports import roles
from routing.workflow import WorkflowConflict
from tests.factories import report_create

pytestmark = pytest.mark.django_db

WAIT_S = 20
POLLS = 400
P = Report.Publication


class Worker(threading.Thread):
    """Run ``work`` on a connection of its own, committing what it does."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:  # kept for the test
            self.error = error
        finally:
            connections.close_all()

    def finished(self) -> Worker:
        self.join(WAIT_S)
        assert not self.is_alive(), "the worker is still blocked"
        return self


def committed(work: Callable[[], Any]) -> Any:
    worker = Worker(work)
    worker.start()
    worker.finished()
    if worker.error is not None:
        raise worker.error
    return worker.result


def waiting_for_a_row_lock() -> int:
    """How many other sessions of this database wait for a lock now (the
    statistics snapshot, kept for a transaction, is cleared first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def rows(monkeypatch) -> Iterator[dict[str, Any]]:
    """A committed report awaiting review and two reviewers; deleted afterwards."""
    monkeypatch.setattr(outbox, "enqueue", lambda ids: None)
    monkeypatch.setattr(outbox, "sweep_soon", lambda: None)

    def setup() -> dict[str, Any]:
        users = []
        for role in (roles.IOC_OPERATOR, roles.ADMIN):
            user = get_user_model().objects.create_user(
                f"race-{role}-{uuid.uuid4().hex[:8]}"
            )
            StaffProfile.objects.create(user=user, role=role)
            users.append(user)
        report = report_create(reporter_phone="0912345678")
        assert report.publication == P.PENDING
        return {"report": report, "users": users}

    made = committed(setup)
    yield made

    def cleanup() -> None:
        with transaction.atomic():
            report = made["report"]
            Notification.objects.filter(report=report).delete()
            Report.objects.filter(pk=report.pk).delete()
            get_user_model().objects.filter(
                pk__in=[u.pk for u in made["users"]]
            ).delete()

    committed(cleanup)


def test_of_two_simultaneous_decisions_the_second_is_refused(rows):
    report, (first, second) = rows["report"], rows["users"]
    decided, release = threading.Event(), threading.Event()

    def refuse() -> Report:
        with transaction.atomic():
            done = workflow.report_publication_decide(
                report=report,
                actor=first,
                approve=False,
                note="Lời lẽ xúc phạm.",
                expected=P.PENDING,
            )
            decided.set()
            release.wait()  # holds the row lock until released (always, below)
            return done

    def approve() -> Report:
        return workflow.report_publication_decide(
            report=report, actor=second, approve=True, expected=P.PENDING
        )

    refusing = Worker(refuse)
    approving = Worker(approve)
    try:
        refusing.start()
        assert decided.wait(WAIT_S), "the refusal never took the lock"
        approving.start()
        # Polled a bounded number of times (not against a clock).
        for _ in range(POLLS):
            if not approving.is_alive() or waiting_for_a_row_lock():
                break
            time.sleep(0.05)
        assert approving.is_alive(), "the approval did not wait for the lock"
        assert waiting_for_a_row_lock(), "the approval never waited for the lock"
    finally:
        release.set()
    assert refusing.finished().error is None
    error = approving.finished().error
    assert isinstance(error, WorkflowConflict), error
    assert error.code == "publication_changed"
    stored = Report.objects.get(pk=report.pk)
    assert stored.publication == P.WITHHELD
    decisions = ReportEvent.objects.filter(
        report=report, kind=ReportEvent.Kind.PUBLICATION
    )
    assert decisions.count() == 1
