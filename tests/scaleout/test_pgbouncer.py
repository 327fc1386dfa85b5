"""The service behind pgbouncer in transaction mode (Debian's pgbouncer, started here).

In transaction mode two consecutive transactions of one client may run on two
different server connections, so nothing may live in a session: no server-side
cursor held across transactions, no prepared statement, no ``SET``. gunicorn serves
the API with ``DATABASE_POOL=pgbouncer`` through a pool of two server connections
while four clients call it at once; every answer must be right, and pgbouncer's own
counters show the traffic went through it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import psycopg
import pytest

from bench.api import HOST, gunicorn
from tests.points import DONG_PHU
from tests.scaleout.client import Browser
from tests.scaleout.processes import (
    ROOT,
    django_env,
    pgbouncer,
    pgbouncer_stats,
    staff_sessions,
)

SIDE = 0.007


def _draft() -> dict:
    west, south = DONG_PHU[0] - SIDE / 2, DONG_PHU[1] - SIDE / 2
    east, north = west + SIDE, south + SIDE
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "name": "Thử qua pgbouncer (pgbouncer smoke)",
        "department": "dh-qldt",
        "categories": ["TTDT"],
        "priority": 50,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _citizen_round(port: int, n: int) -> str:
    """Look up the ward, submit a report, track it: one citizen's round trip."""
    citizen = Browser(port)
    lon, lat = DONG_PHU[0] + n * 1e-4, DONG_PHU[1]
    lookup = citizen.get(f"/api/v1/boundaries/lookup?lon={lon}&lat={lat}")
    assert lookup.status == 200, lookup.body
    submitted = citizen.post(
        "/api/v1/reports/",
        {
            "lon": lon,
            "lat": lat,
            "category": "VSMT",
            "description": f"Rác ở lề đường, qua pgbouncer ({n}).",
            "anonymous": True,
        },
    )
    assert submitted.status == 201, submitted.body
    code = submitted.json()["tracking_code"]
    tracked = citizen.get(f"/api/v1/reports/track/{code}")
    assert tracked.status == 200, tracked.body
    assert tracked.json()["tracking_code"] == code
    return code


def test_the_api_works_through_pgbouncer_in_transaction_mode(primary, tmp_path):
    """Lookups, submissions and tracking from four clients at once, the IOC's list
    and queue, a planner's CSV export (paged, no cursor) and a zone preview (temporary
    tables dropped at commit) all answer correctly through two pooled server
    connections; pgbouncer counted the transactions."""
    with pgbouncer(primary) as port:
        url = f"postgis://postgres@{HOST}:{port}/hientruong"
        env = django_env(url, DATABASE_POOL="pgbouncer", MEDIA_ROOT=str(tmp_path))
        sessions = staff_sessions(
            env,
            [
                ("ioc", "ioc_operator"),
                ("dieuphoi", "routing_officer"),
                ("quyhoach", "planner"),
            ],
        )
        with gunicorn(
            cwd=ROOT,
            log=tmp_path / "gunicorn.log",
            options=["-k", "gthread", "-w", "1", "--threads", "4"],
            env=env,
        ) as server:
            with ThreadPoolExecutor(4) as pool:
                codes = list(pool.map(partial(_citizen_round, server.port), range(12)))
            _staff_round(server.port, sessions, codes)
        stats = pgbouncer_stats(port)["hientruong"]
        assert stats["total_xact_count"] > 12 * 3


def _staff_round(port: int, sessions: dict[str, str], codes: list[str]) -> None:
    """The IOC's list and queue, a planner's export, a routing officer's preview."""
    ioc = Browser.signed_in(port, sessions["ioc"])
    listed = ioc.get("/api/v1/reports/?page_size=200")
    assert listed.status == 200, listed.body
    features = listed.json()["features"]
    assert set(codes) <= {f["properties"]["tracking_code"] for f in features}
    queue = ioc.get("/ops/")
    assert queue.status == 200
    assert codes[0].encode() in queue.body
    planner = Browser.signed_in(port, sessions["quyhoach"])
    export = planner.get("/api/v1/analytics/export.csv")
    assert export.status == 200, export.body
    exported = {line.split(b",")[1] for line in export.body.splitlines()[1:]}
    assert {code.encode() for code in codes} <= exported
    officer = Browser.signed_in(port, sessions["dieuphoi"])
    draft = officer.post("/api/v1/zones/", _draft())
    assert draft.status == 201, draft.body
    preview = officer.post("/api/v1/zones/preview", {"drafts": [draft.json()["id"]]})
    assert preview.status == 200, preview.body
    assert preview.json()["topology"]["ok"] is True


def test_session_settings_do_not_survive_transaction_pooling(primary):
    """What a per-connection setting becomes behind pgbouncer: the ``options``
    startup parameter (``-c statement_timeout=…``) is refused outright; a session
    ``SET`` lands on whichever server connection ran it and is then seen by another
    client; a setting of the role (``ALTER ROLE … SET``) holds in every
    transaction, which is where a statement timeout or ``jit = off`` belongs."""
    role = "hientruong_timeout"
    with primary.connect("hientruong") as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(
            f"ALTER ROLE {role} IN DATABASE hientruong SET statement_timeout = '25s'"
        )
        conn.execute(f"ALTER ROLE {role} IN DATABASE hientruong SET jit = off")
    try:
        with pgbouncer(primary, users=("postgres", role)) as port:
            one = f"host={HOST} port={port} dbname=hientruong_one"
            with pytest.raises(psycopg.OperationalError, match="options"):
                psycopg.connect(
                    f"{one} user=postgres options='-c statement_timeout=5s'"
                ).close()
            with (
                psycopg.connect(f"{one} user=postgres", autocommit=True) as first,
                psycopg.connect(f"{one} user=postgres", autocommit=True) as second,
            ):
                first.execute("SET statement_timeout = '7s'")
                leaked = second.execute("SHOW statement_timeout").fetchone()
                assert leaked == ("7s",)  # another client's session setting
                first.execute("RESET statement_timeout")
            with psycopg.connect(
                f"host={HOST} port={port} dbname=hientruong user={role}"
            ) as app:
                for _ in range(3):
                    with app.transaction():
                        shown = app.execute(
                            "SELECT current_setting('statement_timeout'), "
                            "current_setting('jit')"
                        ).fetchone()
                        assert shown == ("25s", "off")
    finally:
        with primary.connect("hientruong") as conn:
            conn.execute(f"DROP ROLE {role}")
