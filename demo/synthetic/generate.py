"""Generate synthetic reports: draw, place, route, insert; one transaction.

The steps are statements of the sibling modules, run in order on temporary tables
(``gen_draw`` → ``gen`` → ``gen_unit`` → ``gen_pick`` → ``gen_zone`` → ``gen_route``)
and timed one by one, for the benchmark's report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from analytics.grid import BLOCK, TIME_ZONE
from analytics.rebuild import TABLES as AGGREGATE_TABLES
from demo.synthetic import load, outcomes, places, routing
from routing.models import Assignment, Report, ReportEvent


@dataclass
class Generated:
    reports: int
    seconds: dict[str, float]


@transaction.atomic
def reports_generate(
    *,
    count: int,
    seed: int = 1,
    years: float = 10.0,
    end: dt.datetime | None = None,
    assignments: bool = True,
    events: bool = False,
    unchecked: bool = False,
    reindex: bool = False,
) -> Generated:
    """Insert ``count`` synthetic reports (see ``demo.synthetic``).

    ``unchecked`` skips the foreign-key checks of the inserts (``SET LOCAL
    session_replication_role = replica``; superusers only). Django declares its
    foreign keys DEFERRABLE INITIALLY DEFERRED, so PostgreSQL checks each inserted
    row's keys at COMMIT, one lookup per key: for a million reports and their
    assignments that is eight million lookups, most of the run. The generator's ids
    all come from joins to existing rows, so nothing is lost by skipping them. The
    replica role silences the analytics triggers too, so the generated rows'
    aggregates are then added here, set-based: the new rows' cell × day counts once,
    upserted into ``analytics_cellday`` and, rolled up, into ``analytics_cellmonth``;
    their monthly outcomes into ``analytics_outcomemonth``.

    ``reindex`` drops the secondary indexes of ``routing_report`` and
    ``routing_assignment`` (all but primary keys and unique constraints) before the
    insert and builds them again after it, in the same transaction: one sorted build
    per index instead of an insertion per row and index (15 indexes on reports, two
    of them GiST). Worth it when the load is large beside what the table holds (the
    benchmark's 10M); the tables are locked meanwhile.

    ``events`` writes each report's timeline (submitted, assigned, and the steps to
    its outcome) for the demo's tracking and staff pages."""
    end = end or timezone.now()
    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        params = _setup(cursor, count=count, seed=seed, years=years, end=end)
        seconds["setup"] = params.pop("seconds")
        seconds |= _draw_and_route(cursor, params, count=count)
        seconds |= _load(
            cursor,
            assignments=assignments,
            events=events,
            unchecked=unchecked,
            reindex=reindex,
        )
    return Generated(reports=count, seconds=seconds)


def _setup(
    cursor: CursorWrapper, *, count: int, seed: int, years: float, end: dt.datetime
) -> dict[str, Any]:
    """Fresh statistics, the seed, and the parameters of the draws (with the
    time the set-up took, under ``seconds``)."""
    end_day = timezone.localtime(end).date()
    days = max(1, round(years * 365.25))
    found = places.places_select(cursor)
    floods = places.flood_places_select(cursor)
    if not found or not floods:
        raise ValueError("The qb-2020 and qt-2025 boundary sets are not loaded.")
    seconds = load.run(
        cursor,
        # Fresh statistics for the tables the joins read: on a just-loaded
        # database the planner otherwise puts the points on the outer side
        # (1M reports: 35 s for the units instead of 6 s).
        "DROP TABLE IF EXISTS gen_draw, gen, gen_unit, gen_pick, gen_zone; "
        "ANALYZE boundaries_adminunitpart, boundaries_boundaryset, "
        "routing_responsibilityzone, routing_responsibilityzone_categories; "
        "SELECT setseed(%(seed)s)",
        {"seed": (seed % 1000) / 1000.0},
    )
    return {
        "seconds": seconds,
        "n_draw": int(count * places.OVERDRAW) + 1000,
        "start": end_day - dt.timedelta(days=days - 1),
        "days": days,
        "end": end,
        "tz": TIME_ZONE,
        **places.draw_params(found, floods),
    }


def _draw_and_route(
    cursor: CursorWrapper, params: dict[str, Any], *, count: int
) -> dict[str, float]:
    """Draw the reports, keep the first ``count`` that land in a unit, route them
    and decide their outcomes (into ``gen_route``)."""
    seconds = {
        "draw": load.run(cursor, places.DRAW, params),
        "place": load.run(cursor, places.PLACE, params),
        "index": load.run(cursor, "CREATE INDEX ON gen USING gist (geom); ANALYZE gen"),
        "units": load.run(cursor, routing.UNITS),
        "pick": load.run(cursor, routing.PICK, {"n": count}),
    }
    cursor.execute("SELECT count(*) FROM gen_pick")
    picked = cursor.fetchone()[0]
    if picked < count:
        raise RuntimeError(
            f"Only {picked} of {count} draws landed in a unit; raise OVERDRAW."
        )
    seconds["zones"] = load.run(cursor, routing.ZONES)
    seconds["route"] = load.run(cursor, outcomes.ROUTE, {"end": params["end"]})
    return seconds


def _load(
    cursor: CursorWrapper,
    *,
    assignments: bool,
    events: bool,
    unchecked: bool,
    reindex: bool,
) -> dict[str, float]:
    """Insert the reports (and their assignments) from ``gen_route``; drop the
    temporary tables."""
    seconds: dict[str, float] = {}
    dropped = load.indexes_drop(cursor) if reindex else []
    if unchecked:
        cursor.execute("SET LOCAL session_replication_role = replica")
    seconds["reports"] = load.insert(
        cursor, Report, outcomes.report_columns(), outcomes.REPORT_SOURCE
    )
    if assignments:
        seconds["assignments"] = load.insert(
            cursor, Assignment, outcomes.ASSIGNMENT_COLUMNS, "gen_route g"
        )
    if events:
        seconds["events"] = load.insert(
            cursor,
            ReportEvent,
            outcomes.EVENT_COLUMNS,
            f"({outcomes.EVENT_ROWS}) e",
        )
    if unchecked:
        cursor.execute("SET LOCAL session_replication_role = origin")
        seconds["aggregates"] = load.run(cursor, load.AGGREGATE, {"block": BLOCK})
    if dropped:
        seconds["indexes"] = load.run(cursor, "; ".join(dropped))
    seconds["analyze"] = load.run(
        cursor,
        "DROP TABLE gen_draw, gen, gen_unit, gen_pick, gen_zone, gen_route; "
        + "; ".join(f"ANALYZE {t}" for t in ("routing_report", *AGGREGATE_TABLES)),
    )
    return seconds
