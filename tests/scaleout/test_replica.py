"""Reads that may lag go to a real streaming replica; writes, and the reads of a
client that has just written, go to the primary.

The replica is ``pg_basebackup -R`` of the session's primary, on a port of its own.
The proof of where a read was answered: replay on the replica is paused, a report is
written on the primary, and the same question (the planners' statistics, an
export) gets the old answer from one client and the new one from the client that
wrote. The old answer exists nowhere but on the replica.
"""

from __future__ import annotations

import shutil

from bench.api import gunicorn
from tests.points import DONG_PHU
from tests.scaleout.client import Browser
from tests.scaleout.processes import (
    ROOT,
    django_env,
    private_folder,
    staff_sessions,
    wait_until,
)

REPORT = {
    "lon": DONG_PHU[0],
    "lat": DONG_PHU[1],
    "category": "VSMT",
    "description": "Rác chưa được thu gom (kiểm thử bản sao).",
    "anonymous": True,
}


def _total(browser: Browser) -> int:
    answer = browser.get("/api/v1/analytics/stats")
    assert answer.status == 200, answer.body
    return answer.json()["total"]


def _exported(browser: Browser) -> set[bytes]:
    answer = browser.get("/api/v1/analytics/export.csv")
    assert answer.status == 200, answer.body
    return {line.split(b",")[1] for line in answer.body.splitlines()[1:]}


def test_lagging_reads_are_answered_by_the_replica_and_a_writer_reads_its_writes(
    primary, tmp_path
):
    """With replay paused, a planner who has just submitted a report sees it in the
    statistics (primary, pinned by the cookie of the write); another planner sees
    the count from before it (the replica) and an export without it; a citizen
    without the cookie still tracks it (a code the replica lacks is looked up on the
    primary). Once replay resumes, the other planner sees it too."""
    folder = private_folder("ht-replica-")
    replica = primary.replica(folder)
    try:
        env = django_env(
            primary.url("hientruong"),
            DATABASE_REPLICA_URL=replica.url("hientruong"),
            MEDIA_ROOT=str(tmp_path),
        )
        sessions = staff_sessions(env, [("writer", "planner"), ("reader", "planner")])
        with gunicorn(
            cwd=ROOT,
            log=tmp_path / "gunicorn.log",
            options=["-k", "gthread", "-w", "1", "--threads", "2"],
            env=env,
        ) as server:
            writer = Browser.signed_in(server.port, sessions["writer"])
            reader = Browser.signed_in(server.port, sessions["reader"])
            wait_until(lambda: replica.replayed(primary), what="replica behind")
            assert replica.query("SELECT pg_is_in_recovery()") is True
            before = _total(reader)

            replica.query("SELECT pg_wal_replay_pause()")
            submitted = writer.post("/api/v1/reports/", REPORT)
            assert submitted.status == 201, submitted.body
            code = submitted.json()["tracking_code"]
            assert "ht_primary" in writer.cookies
            on_primary = primary.query("SELECT count(*) FROM routing_report")
            assert replica.query("SELECT count(*) FROM routing_report") < on_primary

            assert _total(writer) == before + 1  # read-your-writes: the primary
            assert _total(reader) == before  # the replica, replay paused
            assert code.encode() not in _exported(reader)
            assert code.encode() in _exported(writer)
            citizen = Browser(server.port)
            tracked = citizen.get(f"/api/v1/reports/track/{code}")
            assert tracked.status == 200, tracked.body
            assert "ht_primary" not in citizen.cookies

            replica.query("SELECT pg_wal_replay_resume()")
            wait_until(lambda: replica.replayed(primary), what="replica behind")
            # Replication is asynchronous: on a loaded machine the replayed report
            # may reach the reader's next answer a moment after the replay position
            # does (a CI run once saw the old total here); it must arrive.
            wait_until(
                lambda: _total(reader) == before + 1,
                what="the replayed report never reached the replica's reader",
                timeout=15,
            )
    finally:
        replica.stop()
        shutil.rmtree(folder, ignore_errors=True)
