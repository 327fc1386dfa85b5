"""Recompute the pre-aggregates from the reports, or check them against the reports.

The triggers keep ``analytics_cellday``, its roll-ups (``analytics_cellmonth``,
``analytics_cellyear``, ``analytics_blockyear``) and the monthly outcomes
``analytics_outcomemonth`` right on every write; a rebuild is for after a grid
change, a restore of one table without the others, a bulk load with the triggers
off, or a ``--check`` that reports drift.
The rebuild truncates the tables first, which takes their ACCESS EXCLUSIVE locks: a
report written meanwhile waits in its trigger until the rebuild commits, then adds
itself to the rebuilt counts (its row was not in the rebuild's snapshot), so nothing
is counted twice or lost. The roll-ups are recounted from the freshly rebuilt cell ×
day rows (the same numbers as from the reports, at a fraction of the reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

_FRESH = """
    SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, r.category_id,
           r.status, r.unit_id, r.department_id, count(*)::integer AS n
    FROM routing_report r CROSS JOIN LATERAL analytics_cell(r.location) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""

# The outcome rows (``analytics_outcomemonth``) of the reports, counted afresh.
_OUTCOMES = """
    SELECT date_trunc('month', analytics_day(r.reported_at))::date AS month,
           r.category_id, r.status, r.unit_id, r.department_id,
           analytics_hours_bucket(r.reported_at, r.resolved_at) AS bucket,
           count(*)::integer AS n,
           count(*) FILTER (WHERE r.resolved_at > r.due_at)::integer AS late,
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL
                              AND r.due_at IS NOT NULL)::integer AS with_due,
           count(*) FILTER (WHERE r.rating = 'satisfied')::integer AS satisfied,
           count(*) FILTER (WHERE r.rating = 'acceptable')::integer AS acceptable,
           count(*) FILTER (WHERE r.rating = 'dissatisfied')::integer AS dissatisfied,
           count(*) FILTER (WHERE r.reopen_count > 0)::integer AS reopened
    FROM routing_report r GROUP BY 1, 2, 3, 4, 5, 6
"""
_OKEYS = (
    "month, category_id, status, unit_id, department_id, bucket, n, late, with_due, "
    "satisfied, acceptable, dissatisfied, reopened"
)

_KEYS = "cell_x, cell_y, day, category_id, status, unit_id, department_id"
_MKEYS = "block_x, block_y, month, category_id, status, unit_id, department_id"
_YKEYS = "cell_x, cell_y, year, category_id, status, unit_id, department_id"
_BKEYS = "block_x, block_y, year, category_id, status, unit_id, department_id"

# The roll-up of rows (cell keys…, n) read from ``{source}``.
_ROLLUP = """
    SELECT floor(cell_x / %(block)s::float8)::integer AS block_x,
           floor(cell_y / %(block)s::float8)::integer AS block_y,
           date_trunc('month', day)::date AS month, category_id, status, unit_id,
           department_id, sum(n)::integer AS n, sum(n::bigint * cell_x) AS sx,
           sum(n::bigint * cell_y) AS sy
    FROM {source} GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


# The year tables from rows of the cell × day (``{days}``) and block × month
# (``{months}``) tables.
_CELL_YEARS = """
    SELECT cell_x, cell_y, date_trunc('year', day)::date AS year, category_id,
           status, unit_id, department_id, sum(n)::integer AS n
    FROM {days} GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
_BLOCK_YEARS = """
    SELECT block_x, block_y, date_trunc('year', month)::date AS year, category_id,
           status, unit_id, department_id, sum(n)::integer AS n,
           sum(sx)::bigint AS sx, sum(sy)::bigint AS sy
    FROM {months} GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def rollups_from(days: str) -> list[tuple[str, str, tuple[str, ...], str]]:
    """Each roll-up table with the SELECT of its rows from the cell × day rows of
    ``days`` (a table name): (table, key columns, count columns, SELECT). Takes
    the ``block`` parameter (``_block()``)."""
    months = _ROLLUP.format(source=days)
    return [
        ("analytics_cellmonth", _MKEYS, ("n", "sx", "sy"), months),
        ("analytics_cellyear", _YKEYS, ("n",), _CELL_YEARS.format(days=days)),
        (
            "analytics_blockyear",
            _BKEYS,
            ("n", "sx", "sy"),
            _BLOCK_YEARS.format(months=f"({months}) m"),
        ),
    ]


@dataclass(frozen=True)
class Drift:
    """Aggregate rows that differ from a fresh count: missing, surplus, or wrong —
    in the cell × day table, the block × month roll-up, the monthly outcomes and
    the two year tables (summed)."""

    missing: int
    surplus: int
    rollup_missing: int = 0
    rollup_surplus: int = 0
    outcome_missing: int = 0
    outcome_surplus: int = 0
    years_missing: int = 0
    years_surplus: int = 0

    @property
    def ok(self) -> bool:
        return not any(
            (
                self.missing,
                self.surplus,
                self.rollup_missing,
                self.rollup_surplus,
                self.outcome_missing,
                self.outcome_surplus,
                self.years_missing,
                self.years_surplus,
            )
        )


def _block() -> dict[str, int]:
    from analytics.grid import BLOCK

    return {"block": BLOCK}


TABLES = (
    "analytics_cellday",
    "analytics_cellmonth",
    "analytics_cellyear",
    "analytics_blockyear",
    "analytics_outcomemonth",
)


@transaction.atomic
def cellday_rebuild() -> int:
    """Recount every aggregate row (cell × day, then the block × month, cell ×
    year and block × year roll-ups, and the monthly outcomes) from
    ``routing_report``; returns the cell × day row count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE analytics_cellday, analytics_cellmonth, analytics_outcomemonth, "
            "analytics_cellyear, analytics_blockyear"
        )
        cursor.execute(f"INSERT INTO analytics_cellday ({_KEYS}, n) {_FRESH}")
        rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO analytics_cellmonth ({_MKEYS}, n, sx, sy) "
            + _ROLLUP.format(source="analytics_cellday"),
            _block(),
        )
        cursor.execute(
            f"INSERT INTO analytics_cellyear ({_YKEYS}, n) "
            + _CELL_YEARS.format(days="analytics_cellday")
        )
        cursor.execute(
            f"INSERT INTO analytics_blockyear ({_BKEYS}, n, sx, sy) "
            + _BLOCK_YEARS.format(months="analytics_cellmonth")
        )
        cursor.execute(f"INSERT INTO analytics_outcomemonth ({_OKEYS}) {_OUTCOMES}")
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return rows


def _difference(cursor: CursorWrapper, kept: str, fresh: str) -> tuple[int, int]:
    cursor.execute(
        f"""
        SELECT (SELECT count(*) FROM (SELECT * FROM {fresh} f EXCEPT ALL
                                      SELECT * FROM {kept} k) m),
               (SELECT count(*) FROM (SELECT * FROM {kept} k EXCEPT ALL
                                      SELECT * FROM {fresh} f) s)
        """,
        _block(),
    )
    missing, surplus = cursor.fetchone()
    return int(missing), int(surplus)


@transaction.atomic
def cellday_check() -> Drift:
    """Compare every aggregate table with a fresh count of the reports (read once),
    writing nothing but a temporary table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS analytics_fresh; "
            f"CREATE TEMP TABLE analytics_fresh AS {_FRESH}; "
            "ANALYZE analytics_fresh"
        )
        day = _difference(
            cursor, f"(SELECT {_KEYS}, n FROM analytics_cellday)", "analytics_fresh"
        )
        month, *years = (
            _difference(
                cursor,
                f"(SELECT {keys}, {', '.join(counts)} FROM {table})",
                f"({select})",
            )
            for table, keys, counts, select in rollups_from("analytics_fresh")
        )
        cursor.execute("DROP TABLE analytics_fresh")
        outcome = _difference(
            cursor,
            f"(SELECT {_OKEYS} FROM analytics_outcomemonth)",
            f"({_OUTCOMES})",
        )
    years_missing = sum(missing for missing, _ in years)
    years_surplus = sum(surplus for _, surplus in years)
    return Drift(*day, *month, *outcome, years_missing, years_surplus)
