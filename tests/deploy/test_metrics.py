"""GET /metrics: who may read it, and the domain's figures moving with the domain."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import redis
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from routing.models import Notification, Report
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rate_limits(settings, tmp_path):
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0
    settings.MEDIA_ROOT = tmp_path / "media"


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics by name and sorted labels."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_loopback_may_scrape_others_get_404(client, settings):
    """Loopback reads the metrics; another address, or anything that came through a
    proxy, gets a plain 404; an address in METRICS_ALLOWED_NETWORKS may read."""
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 404
    assert client.get("/metrics", HTTP_X_REAL_IP="127.0.0.1").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics").status_code == 404


def test_a_submission_moves_the_counters_and_the_outbox(
    client, django_capture_on_commit_callbacks
):
    """A report posted to the API counts once, under its channel and its routing
    rule, when its transaction commits; the notifications it queued show in the
    outbox backlog, with their age."""
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/api/v1/reports/",
            json.dumps(
                {
                    "lon": 106.6155,
                    "lat": 17.4689,
                    "category": "VSMT",
                    "description": "Rác thải đổ bừa bãi cạnh chợ.",
                    "reporter_phone": "0912345678",
                    "reporter_email": "an@example.vn",
                }
            ),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    # Nothing is counted before the commit...
    assert (
        scrape(client)[("hientruong_reports_submitted_total", (("channel", "web"),))]
        == before[("hientruong_reports_submitted_total", (("channel", "web"),))]
    )
    # ...and the commit's own callbacks (not the Celery hand-off) count it.
    for callback in callbacks:
        if callback.__module__ == "routing.metrics":
            callback()
    after = scrape(client)
    report = Report.objects.get(tracking_code=response.json()["tracking_code"])
    rule = report.assignments.get().rule

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before.get(key, 0.0)

    assert moved("hientruong_reports_submitted_total", channel="web") == 1
    assert moved("hientruong_reports_submitted_total", channel="open311") == 0
    assert moved("hientruong_routing_decisions_total", rule=rule, cause="submit") == 1
    queued = Notification.objects.filter(report=report)
    assert queued.exists()
    for channel in Notification.Channel.values:
        expected = queued.filter(channel=channel).count()
        assert (
            moved("hientruong_outbox_backlog", channel=channel, status="pending")
            == expected
        )
    assert after[("hientruong_outbox_oldest_age_seconds", ())] >= 0
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    assert moved(latency, view="reports", method="POST") == 1


def test_failures_dead_rows_and_overdue_reports(client):
    """Failed and given-up notifications show by channel, with the oldest waiting
    row's age; an open report past its deadline counts as overdue."""
    before = scrape(client)
    report = report_create()
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    Notification.objects.filter(report=report).delete()
    Notification.objects.create(
        channel="sms",
        recipient="+84912345678",
        status="failed",
        report=report,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
        attempts=2,
    )
    for _ in range(2):
        Notification.objects.create(
            channel="email",
            recipient="a@example.vn",
            status="dead",
            report=report,
            next_attempt_at=timezone.now(),
            attempts=8,
        )
    Notification.objects.filter(report=report).update(created_at=hour_ago)
    report_force(report, due_at=hour_ago, status=Report.Status.IN_PROGRESS)
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before[key]

    assert moved("hientruong_outbox_backlog", channel="sms", status="failed") == 1
    assert moved("hientruong_outbox_dead", channel="email") == 2
    assert moved("hientruong_reports_overdue") == 1
    assert after[("hientruong_outbox_oldest_age_seconds", ())] >= 3600
    assert after[("hientruong_metrics_database_up", ())] == 1


def test_celery_queue_length_from_redis(client, settings):
    """The default queue's length is the Redis list's, priority lists included; a
    broker that cannot be reached is reported, and the scrape still answers."""
    queue = f"metrics-test-{uuid.uuid4().hex}"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        broker.rpush(queue, "a", "b", "c")
        broker.rpush(f"{queue}\x06\x163", "d")
        samples = scrape(client)
        assert samples[("hientruong_celery_queue_length", (("queue", queue),))] == 4
        assert samples[("hientruong_celery_broker_up", ())] == 1
    finally:
        broker.delete(queue, f"{queue}\x06\x163")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    samples = scrape(client)
    assert samples[("hientruong_celery_broker_up", ())] == 0
    assert not any(name == "hientruong_celery_queue_length" for name, _ in samples)
