"""Recompute the pre-aggregates from the reports, or check them against the reports.

The triggers keep ``analytics_cellday`` right on every write; a rebuild is for after a
grid change, a restore of one table without the other, or a ``--check`` that reports
drift. The rebuild truncates the table first, which takes its ACCESS EXCLUSIVE lock:
a report written meanwhile waits in its trigger until the rebuild commits, then adds
itself to the rebuilt counts (its row was not in the rebuild's snapshot), so nothing
is counted twice or lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

_FRESH = """
    SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, r.category_id,
           r.status, r.unit_id, r.department_id, count(*)::integer AS n
    FROM routing_report r CROSS JOIN LATERAL analytics_cell(r.location) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""

_KEYS = "cell_x, cell_y, day, category_id, status, unit_id, department_id"


@dataclass(frozen=True)
class Drift:
    """Aggregate rows that differ from a fresh count: missing, surplus, or wrong."""

    missing: int
    surplus: int

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.surplus == 0


@transaction.atomic
def cellday_rebuild() -> int:
    """Recount every aggregate row from ``routing_report``; returns the row count."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_cellday")
        cursor.execute(f"INSERT INTO analytics_cellday ({_KEYS}, n) {_FRESH}")
        rows = cursor.rowcount
        cursor.execute("ANALYZE analytics_cellday")
    return rows


def cellday_check() -> Drift:
    """Compare the aggregates with a fresh count, writing nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS ({_FRESH}),
            kept AS (SELECT {_KEYS}, n FROM analytics_cellday)
            SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT ALL
                                          SELECT * FROM kept) m),
                   (SELECT count(*) FROM (SELECT * FROM kept EXCEPT ALL
                                          SELECT * FROM fresh) s)
            """
        )
        missing, surplus = cursor.fetchone()
    return Drift(int(missing), int(surplus))
