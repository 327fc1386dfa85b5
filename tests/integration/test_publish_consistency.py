"""Publishing zones and taking reports in, consistent with each other.

A publish re-routes the open reports it moves, each with its timeline event and the
new department told, in the publish's transaction; intake routes inside its own
transaction after taking the zones lock (``routing.zones.lock``) shared, a publish
takes it exclusive, so a report sent during a publish is never left on the zones
it replaced.

The concurrency tests run real transactions on two more connections (worker
threads) that commit, as a web request and a publish would. They do not use
``transactional_db``, which would flush the rows the session loaded (see
``tests/conftest.py``): the main thread's test transaction only reads (PostgreSQL's
READ COMMITTED shows it what the workers commit), and the ``committed`` fixture
deletes every row the workers made. Only the hand-off to the Celery broker after
commit is replaced, by a recorder, so that nothing reaches a real broker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shapely
from django.db import connection, connections, transaction

from routing.models import (
    Assignment,
    Category,
    Department,
    Notification,
    Report,
    ReportEvent,
    ResponsibilityZone,
    ZoneHistory,
)
from routing.notifications import outbox
from routing.reports.roles import SYSTEM
from routing.zones.lock import ZONES_LOCK_KEY
from routing.zones.services import zone_draft_create, zones_publish
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

# A draft YTE zone over Đồng Phú takes YTE reports there from the ward's committee.
SQUARE = shapely.MultiPolygon([shapely.box(106.61, 17.46, 106.62, 17.47)])
INSIDE = [DONG_PHU, (106.612, 17.462), (106.618, 17.466)]
WEBHOOK = "http://127.0.0.1:9/hook"  # never called: the hand-off is recorded
WAIT_S = 20


@pytest.fixture
def handoffs(monkeypatch) -> list[str]:
    """The outbox's hand-offs to the broker after commit, recorded instead."""
    calls: list[str] = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids: calls.append("enqueue"))
    monkeypatch.setattr(outbox, "sweep_soon", lambda: calls.append("sweep"))
    return calls


def health_department(code: str = "test-yte") -> Department:
    return Department.objects.create(
        code=code,
        kind=Department.Kind.PROVINCIAL,
        name_vi="Sở Y tế (thử)",
        name_en="Health department (test)",
        email="yte@example.vn",
        webhook_url=WEBHOOK,
    )


def yte_draft(department: Department) -> ResponsibilityZone:
    return zone_draft_create(
        name="Y tế Đồng Phú (thử)",
        department=department,
        categories=[Category.objects.get(code="YTE")],
        geometry=SQUARE,
        priority=5,
    )


def yte_report(point: tuple[float, float] = DONG_PHU) -> Report:
    return report_create(lon=point[0], lat=point[1], category="YTE", anonymous=True)


# --- in one transaction: events and notifications -----------------------------------


def test_a_publish_leaves_an_event_on_each_rerouted_report_and_tells_the_department(
    handoffs,
):
    """Each open report the publish moves gets one internal ``assignment`` event by
    the system naming the old and new department and the new assignment; the new
    department gets one e-mail listing them all and one webhook per report, handed
    to the workers by one sweep; the old department and the citizens get nothing,
    and a closed report is neither moved nor announced."""
    health = health_department()
    moved = [yte_report(point) for point in INSIDE]
    closed = report_force(yte_report(), status="closed")
    old = moved[0].department
    assert {r.department_id for r in moved} == {old.pk}
    before = set(Notification.objects.values_list("pk", flat=True))
    handoffs.clear()

    zones_publish(drafts=[yte_draft(health)])

    for report in moved:
        report.refresh_from_db()
        assert report.department == health
        current = Assignment.objects.get(report=report, is_current=True)
        (event,) = ReportEvent.objects.filter(
            report=report, kind=ReportEvent.Kind.ASSIGNMENT
        )
        assert event.actor is None
        assert event.actor_role == SYSTEM
        assert not event.public
        assert event.note == current.reason_vi
        assert event.data == {
            "cause": Assignment.Cause.ZONE_PUBLISH,
            "from": old.code,
            "to": health.code,
            "assignment": current.pk,
            "rule": Assignment.Rule.ZONE,
            "zone": current.zone_id,
        }
    closed.refresh_from_db()
    assert closed.department == old
    assert not closed.events.filter(kind=ReportEvent.Kind.ASSIGNMENT).exists()

    new = Notification.objects.exclude(pk__in=before)
    assert {n.department_id for n in new} == {health.pk}
    hooks = new.filter(channel=Notification.Channel.WEBHOOK)
    assert sorted(h.report_id for h in hooks) == sorted(r.pk for r in moved)
    for hook in hooks:
        assert hook.recipient == WEBHOOK
        assert hook.payload["event"] == "assigned"
        assert hook.payload["cause"] == Assignment.Cause.ZONE_PUBLISH
        assert hook.payload["department"] == health.code
    (digest,) = new.filter(channel=Notification.Channel.EMAIL)
    assert digest.recipient == "yte@example.vn"
    assert digest.report is None
    assert digest.subject.startswith("3 phản ánh")
    for report in moved:
        assert report.tracking_code in digest.body
    assert closed.tracking_code not in digest.body
    assert sorted(digest.payload["tracking_codes"]) == sorted(
        r.tracking_code for r in moved
    )
    # Nothing is handed over before commit (the test's transaction never commits).
    assert handoffs == []


def test_a_long_digest_lists_its_first_reports_and_counts_the_rest(
    handoffs, monkeypatch
):
    """A re-route that moves more reports than a digest lists names the first ones
    and says how many more there are, in both languages."""
    monkeypatch.setattr(outbox, "DIGEST_LINES", 2)
    health = health_department()
    health.webhook_url = ""
    health.save()
    moved = [yte_report(point) for point in INSIDE]
    zones_publish(drafts=[yte_draft(health)])
    (digest,) = Notification.objects.filter(department=health)
    assert sum(r.tracking_code in digest.body for r in moved) == 2
    assert "… và 1 phản ánh khác / and 1 more" in digest.body
    assert len(digest.payload["tracking_codes"]) == 3


# --- concurrent transactions ---------------------------------------------------------


class Worker(threading.Thread):
    """Run ``work`` on a connection of its own (a thread's), committing what it
    does; keep its result or error for the test."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:  # re-raised by outcome()
            self.error = error
        finally:
            connections.close_all()

    def outcome(self) -> Any:
        self.join(WAIT_S)
        assert not self.is_alive(), "the worker is still blocked"
        if self.error is not None:
            raise self.error
        return self.result


def committed(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a worker, committed, and return its result."""
    worker = Worker(work)
    worker.start()
    return worker.outcome()


def waiting_for_the_zones_lock() -> int:
    """How many transactions wait for the zones lock now (pg_locks holds a bigint
    advisory key as two 32-bit halves)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted
              AND database = (SELECT oid FROM pg_database
                              WHERE datname = current_database())
              AND classid::bigint = %s AND objid::bigint = %s
            """,
            [ZONES_LOCK_KEY >> 32, ZONES_LOCK_KEY & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def workers_rows(handoffs) -> Iterator[dict[str, Any]]:
    """A committed department and draft zone for the workers to publish, and,
    after the test, every row the workers made deleted again (their reports with
    their assignments, events and notifications, then the zone and the
    department)."""

    def setup() -> dict[str, Any]:
        department = health_department("test-yte-concurrent")
        return {"department": department, "draft": yte_draft(department)}

    rows = committed(setup)
    rows["reports"] = []
    yield rows

    def cleanup() -> None:
        with transaction.atomic():
            department, draft = rows["department"], rows["draft"]
            Notification.objects.filter(department=department).delete()
            made = Assignment.objects.filter(zone=draft).values("report_id")
            Report.objects.filter(pk__in=rows["reports"]).delete()
            Report.objects.filter(pk__in=made).delete()  # a failed test's too
            ZoneHistory.objects.filter(zone=draft).delete()
            ResponsibilityZone.objects.filter(pk=draft.pk).delete()
            department.delete()

    committed(cleanup)


def test_a_report_sent_during_a_publish_waits_and_routes_on_the_new_zones(
    workers_rows,
):
    """While a publish is between its re-route and its commit, a report sent to a
    point the new zone takes waits for the zones lock; once the publish commits it
    is routed on the new zone (without the lock it would be routed on the old
    zones, after the publish's re-route had already run: left behind for good)."""
    draft, department = workers_rows["draft"], workers_rows["department"]
    published, release = threading.Event(), threading.Event()

    def publish() -> None:
        with transaction.atomic():
            zones_publish(drafts=[draft])
            published.set()
            assert release.wait(WAIT_S)

    publisher = Worker(publish)
    publisher.start()
    assert published.wait(WAIT_S)
    intake = Worker(lambda: yte_report().pk)
    intake.start()
    until(lambda: waiting_for_the_zones_lock() == 1)
    assert intake.is_alive()
    release.set()
    publisher.outcome()
    workers_rows["reports"].append(intake.outcome())

    report = Report.objects.get(pk=workers_rows["reports"][0])
    assert report.department == department
    current = Assignment.objects.get(report=report, is_current=True)
    assert current.zone_id == draft.pk
    assert current.cause == Assignment.Cause.SUBMIT


def test_a_publish_waits_for_a_report_being_saved_and_reroutes_it(workers_rows):
    """A report routed on the old zones but not yet committed holds the publish
    back; the publish then re-routes it, with its event and its webhook (without
    the lock the publish would not see the report and leave it on the old zones)."""
    draft, department = workers_rows["draft"], workers_rows["department"]
    routed, release = threading.Event(), threading.Event()

    def submit() -> int:
        with transaction.atomic():
            pk = yte_report().pk
            routed.set()
            assert release.wait(WAIT_S)
        return pk

    intake = Worker(submit)
    intake.start()
    assert routed.wait(WAIT_S)
    publisher = Worker(lambda: zones_publish(drafts=[draft]))
    publisher.start()
    until(lambda: waiting_for_the_zones_lock() == 1)
    assert publisher.is_alive()
    release.set()
    workers_rows["reports"].append(intake.outcome())
    publisher.outcome()

    report = Report.objects.get(pk=workers_rows["reports"][0])
    assert report.department == department
    current = Assignment.objects.get(report=report, is_current=True)
    assert current.cause == Assignment.Cause.ZONE_PUBLISH
    assert current.zone_id == draft.pk
    event = report.events.get(kind=ReportEvent.Kind.ASSIGNMENT)
    assert event.data["assignment"] == current.pk
    assert Notification.objects.filter(
        report=report, channel=Notification.Channel.WEBHOOK, department=department
    ).exists()


def test_the_rerouting_its_events_and_notifications_appear_together(
    workers_rows, handoffs
):
    """Seen from another connection, a publish paused before its commit has
    changed nothing: no new department, event or notification; after the commit
    all three are there, and only then are the rows handed to the workers."""
    draft, department = workers_rows["draft"], workers_rows["department"]
    pk = committed(lambda: yte_report().pk)
    workers_rows["reports"].append(pk)
    old = Report.objects.get(pk=pk).department_id
    handoffs.clear()
    done, release = threading.Event(), threading.Event()

    def publish() -> None:
        with transaction.atomic():
            zones_publish(drafts=[draft])
            done.set()
            assert release.wait(WAIT_S)

    publisher = Worker(publish)
    publisher.start()
    assert done.wait(WAIT_S)

    def seen() -> tuple[int, int, int]:
        report = Report.objects.get(pk=pk)
        events = report.events.filter(kind=ReportEvent.Kind.ASSIGNMENT).count()
        notified = Notification.objects.filter(department=department).count()
        return report.department_id, events, notified

    assert seen() == (old, 0, 0)
    assert handoffs == []
    release.set()
    publisher.outcome()
    assert seen() == (department.pk, 1, 2)  # the webhook and the digest
    assert handoffs == ["sweep"]
