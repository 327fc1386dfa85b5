"""What a new report is written with besides its routing decision, in one statement.

The intake needs three things that do not depend on the decision: the open reports
nearby that may be the same problem (``routing.intake.duplicates``, shown in the
receipt and kept in the ``submitted`` event), the province's calendar overrides that
its deadline is counted in (``routing.workflow.deadlines``), and the ids of the
report and of its first assignment, drawn from their sequences so that every row of
the report can be written in one round trip (``routing.intake.inserts``: the
assignment, the events and the outbox rows name them). Asked apart they cost three
round trips; here the duplicates query (the same text, :data:`NEAR`) is joined to a
one-row aggregate of the overrides and the two ids, so they come back together, and
the statement is prepared where the connection allows (``boundaries.prepared``).
The overrides are read whole, as ``calendar_load`` reads them (a handful of rows).
An id drawn for a transaction that then fails is not used again, as with any
insert that fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from boundaries import prepared
from routing.intake.duplicates import NEAR, DuplicateSuggestion, near_params, suggestion
from routing.models import Category
from routing.workflow.calendar import WorkingCalendar, calendar_with

# One row with no suggestion (the lateral join's NULLs), else one per suggestion,
# nearest first as in NEAR; each row carries the overrides as two parallel arrays
# and the two ids (drawn once: ``ids`` is a one-row subquery that volatile
# functions keep from being flattened into the join).
_CONTEXT = f"""
    SELECT d.tracking_code, d.status, d.reported_at, d.x, d.y, d.distance_m,
           c.days, c.working, ids.report_id, ids.assignment_id
    FROM (SELECT nextval(pg_get_serial_sequence('routing_report', 'id'))
                   AS report_id,
                 nextval(pg_get_serial_sequence('routing_assignment', 'id'))
                   AS assignment_id) ids
    CROSS JOIN (SELECT array_agg(o.date ORDER BY o.date) AS days,
                       array_agg(o.working ORDER BY o.date) AS working
                FROM routing_calendaroverride o) c
    LEFT JOIN LATERAL ({NEAR}) d ON true
    ORDER BY d.distance_m, d.reported_at DESC, d.id
"""


@dataclass(frozen=True)
class Context:
    """The open reports near a new one (nearest first), the working calendar, and
    the ids its report and first assignment are to be written with."""

    duplicates: list[DuplicateSuggestion]
    calendar: WorkingCalendar
    report_id: int
    assignment_id: int


def intake_context(
    *, lon: float, lat: float, category: Category, at: dt.datetime
) -> Context:
    """The suggestions ``duplicates_near`` gives for (lon, lat), ``category`` and
    ``at``, the calendar ``calendar_load`` gives, and two new ids, in one query."""
    rows = prepared.fetchall(
        _CONTEXT, near_params(lon=lon, lat=lat, category=category, at=at)
    )
    days, working, report_id, assignment_id = rows[0][6:10]
    return Context(
        duplicates=[suggestion(row, category) for row in rows if row[0] is not None],
        calendar=calendar_with(zip(days or [], working or [], strict=True)),
        report_id=report_id,
        assignment_id=assignment_id,
    )
