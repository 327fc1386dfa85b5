"""The intake benchmark's pieces that need no gunicorn, so the benchmark cannot rot:
its points, its submissions, its client's retries and its proof counts."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection

from bench import intake, intake_load
from bench.intake_cpu import CpuMeter, cpu_json
from bench.intake_load import Load, Submission, Tally, load_run, submission_make
from bench.intake_proof import categories, points_sample, proof_count, wards
from bench.report import latency, render
from routing.intake.submission import submission_parse
from routing.intake.submit import report_submit
from routing.models import Category

POINTS = [(106.6155, 17.4689)]
CPU = {
    "gunicorn_s": 1.0,
    "postgres_s": 0.5,
    "client_s": 0.1,
    "server_ms_per_submission": 150.0,
    "machine_busy_share": 0.9,
    "benchmark_share": 0.6,
}


def submitted(sub: Submission) -> str:
    """Submit a benchmark submission through the service, as the API would; its
    tracking code."""
    body = json.loads(sub.body)
    submission = submission_parse(
        lon=body["lon"],
        lat=body["lat"],
        category=Category.objects.get(code=body["category"]),
        description=body["description"],
        reporter_phone=body["reporter_phone"],
        channel=body["channel"],
        idempotency_key=sub.key,
    )
    return report_submit(submission=submission).report.tracking_code


@pytest.fixture
def no_rate_limits(settings: Any) -> None:
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


@pytest.mark.django_db
def test_points_fall_inside_the_dong_hoi_wards_of_2025() -> None:
    """Every sampled point is at least 30 m inside one of the three Đồng Hới wards,
    and the same seed draws the same points."""
    with connection.cursor() as cursor:
        names = [name for _, name in wards(cursor)]
        points = points_sample(cursor, 200, seed=7)
        again = points_sample(cursor, 200, seed=7)
        cursor.execute(
            """
            SELECT count(*) FROM unnest(%s::float8[], %s::float8[]) AS p(lon, lat)
            WHERE EXISTS (
                SELECT 1 FROM boundaries_adminunit u
                JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
                WHERE s.slug = 'qt-2025' AND u.level = 'ward'
                  AND u.name = ANY(%s)
                  AND ST_Covers(
                      ST_Buffer(ST_Transform(u.geom, 32648), -29),
                      ST_Transform(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 32648)
                  )
            )
            """,
            [[p[0] for p in points], [p[1] for p in points], names],
        )
        (inside,) = cursor.fetchone()
    assert sorted(names) == ["Phường Đồng Hới", "Phường Đồng Sơn", "Phường Đồng Thuận"]
    assert len(points) == 200
    assert inside == 200
    assert points == again


@pytest.mark.django_db
def test_proof_counts_a_replay_as_one_report_and_catches_loss_and_wrong_answers(
    no_rate_limits: None,
) -> None:
    """A keyed submission sent twice is one report with one code; an acknowledged
    submission missing from the database counts as lost, an answer naming another
    report is caught, and an unacknowledged one that was never stored is not lost."""
    with connection.cursor() as cursor:
        points = points_sample(cursor, 5, seed=3)
        codes = categories(cursor)
    rng = random.Random(1)
    subs = [
        submission_make(
            rng, token=f"t1-retry-0-{i}", points=points, categories=codes, keyed=True
        )
        for i in range(3)
    ]
    first, again, other = submitted(subs[0]), submitted(subs[0]), submitted(subs[1])
    sent = {subs[0].token: [first, again], subs[1].token: [other], subs[2].token: []}
    with connection.cursor() as cursor:
        proof = proof_count(cursor, sent=sent, prefix="t1-retry-", keyed=True)
        wrong = proof_count(
            cursor,
            sent={**sent, subs[1].token: [other, first], "t1-retry-0-9": ["HT-X"]},
            prefix="t1-retry-",
            keyed=True,
        )
    assert first == again
    assert proof["submissions"] == 3
    assert proof["acknowledged"] == 2
    assert proof["reports_stored"] == proof["distinct_submissions_stored"] == 2
    assert proof["reports_by_key"] == proof["distinct_keys_stored"] == 2
    assert proof["reports_with_their_key"] == 2
    assert proof["lost"] == proof["duplicated"] == 0
    assert proof["tokens_with_differing_codes"] == 0
    assert proof["answers_naming_another_report"] == 0
    assert proof["stored_without_2xx"] == 0
    assert proof["assignments"] == proof["submitted_events"] == 2
    assert wrong["lost"] == 1
    assert wrong["tokens_with_differing_codes"] == 1
    assert wrong["answers_naming_another_report"] == 2


@pytest.mark.django_db
def test_without_a_key_a_retry_is_counted_as_a_duplicate(
    no_rate_limits: None,
) -> None:
    """The naive baseline: the same body sent twice without a key is two reports."""
    with connection.cursor() as cursor:
        points = points_sample(cursor, 5, seed=4)
        codes = categories(cursor)
    sub = submission_make(
        random.Random(2),
        token="t2-naive-0-1",
        points=points,
        categories=codes,
        keyed=False,
    )
    answers = [submitted(sub), submitted(sub)]
    with connection.cursor() as cursor:
        proof = proof_count(
            cursor, sent={sub.token: answers}, prefix="t2-naive-", keyed=False
        )
    assert sub.key is None
    assert "Idempotency-Key" not in sub.headers()
    assert proof["reports_stored"] == 2
    assert proof["duplicated"] == 1
    assert proof["submissions_stored_twice_or_more"] == 1
    assert proof["tokens_with_differing_codes"] == 1
    assert proof["reports_by_key"] == 0


@pytest.mark.django_db
def test_the_cpu_meter_counts_the_server_process_and_the_machine() -> None:
    """Work done by the metered process shows as server CPU, within the machine's."""
    with connection.cursor() as cursor:
        meter = CpuMeter(
            server_pid=os.getpid(),
            cursor=cursor,
            database=connection.settings_dict["NAME"],
        )
        before = meter.sample()
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:
            pass
        after = meter.sample()
    cpu = cpu_json(before, after, 10)
    assert cpu["gunicorn_s"] >= 0.1
    assert cpu["server_ms_per_submission"] >= 10
    assert 0 < cpu["machine_busy_share"] <= 1


class _Idempotent(BaseHTTPRequestHandler):
    """A stand-in for the API: 201 with a new code for a new key, 200 with the same
    code for a known one, as the real service answers."""

    protocol_version = "HTTP/1.1"
    codes: dict[str, str]
    lock: threading.Lock

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["Idempotency-Key"] or json.loads(body)["description"]
        with self.lock:
            known = key in self.codes
            code = self.codes.setdefault(key, f"HT-{len(self.codes):08d}")
        payload = json.dumps({"tracking_code": code}).encode()
        self.send_response(200 if known else 201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub_port() -> Iterator[tuple[int, dict[str, str]]]:
    class Handler(_Idempotent):
        codes: dict[str, str] = {}
        lock = threading.Lock()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), Handler.codes
    finally:
        server.shutdown()
        server.server_close()


def test_the_client_sends_every_kind_of_retry_and_keeps_every_answer(
    stub_port: tuple[int, dict[str, str]],
) -> None:
    """With every submission retried, each kind of retry happens; every answer for a
    key names the same code, and a dropped request still reaches the server."""
    port, stored = stub_port
    tally, seconds = load_run(
        port,
        Load("smoke", clients=2, seconds=0.5, keyed=True, retry_share=1.0),
        run_id="t3",
        points=POINTS,
        categories=["VSMT"],
        seed=1,
    )
    assert set(tally.retries) >= set(intake_load.KINDS)
    assert tally.submissions == len(tally.codes) == len(stored)
    assert all(len(set(codes)) == 1 for codes in tally.codes.values())
    assert all(codes for codes in tally.codes.values())
    assert tally.statuses["dropped"] == tally.retries["dropped"]
    assert tally.statuses["201"] + tally.statuses["dropped"] >= tally.submissions
    assert not [s for s in tally.statuses if s.startswith("error")]
    assert seconds >= 0.5


def test_the_table_renders_from_results() -> None:
    """The printed table has every row, from results shaped like the suite's."""

    def mode(keyed: bool) -> dict[str, Any]:
        tally = Tally(submissions=10, requests=10)
        tally.statuses["201"] = 10
        tally.times[201] = [50_000_000 + i * 1_000_000 for i in range(10)]
        window = intake_load.tally_json(tally, 1.0)
        window["load_average"] = {"before": [1.0, 1.0, 1.0], "after": [1.5, 1.0, 1.0]}
        window["cpu"] = CPU
        return {
            **intake_load.tally_json(tally, 1.0 if keyed else 0.9),
            "latency": latency(tally.times[201]),
            "cpu": CPU,
            "windows": [window],
        }

    def retry(keyed: bool) -> dict[str, Any]:
        return {
            **intake_load.tally_json(Tally(submissions=10, requests=13), 1.0),
            "retry_share": 0.3,
            "cpu": CPU,
            "proof": {
                "submissions": 10,
                "acknowledged": 10,
                "reports_stored": 10 if keyed else 13,
                "distinct_submissions_stored": 10,
                "reports_by_key": 10 if keyed else 0,
                "distinct_keys_stored": 10 if keyed else 0,
                "lost": 0,
                "duplicated": 0 if keyed else 3,
                "tokens_with_differing_codes": 0 if keyed else 3,
                "answers_naming_another_report": 0,
                "assignments": 10,
                "submitted_events": 10,
            },
        }

    results = {
        "setup": {
            "seconds": 12.0,
            "server": "gunicorn config.wsgi -w 3",
            "database": "x",
            "made_from": "migrate",
            "database_s": 9.0,
            "reports_before": 0,
            "wards": ["18880 Phường Đồng Hới"],
            "broker": "redis://127.0.0.1:6379/13",
        },
        "sustained": [
            {"clients": c, "keyed": mode(True), "no_key": mode(False)} for c in (4, 8)
        ],
        "retry": retry(True),
        "naive_retry": retry(False),
        "replay": {
            **intake_load.tally_json(Tally(submissions=5, requests=10), 1.0),
            "latency_created": latency([60_000_000] * 5),
            "latency_replayed": latency([20_000_000] * 5),
        },
        "database_after": {"reports": 40, "notifications_pending": 80},
        "load_average_start": [1.0, 1.0, 1.0],
        "load_average_end": [2.0, 1.0, 1.0],
    }
    table = render(["smoke"], intake.sections(results))
    assert "4 clients: submissions/s" in table
    assert "8 clients: latency p99" in table
    assert "reports duplicated" in table
    assert "1 client: replay (200) vs create (201) p50" in table
    assert "server CPU per submission" in table
