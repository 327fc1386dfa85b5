"""The one set of definitions the public scorecards (``analytics.scorecards``, over
``analytics_outcomemonth``) and the planners' evaluation (``analytics.evaluation``,
over ``routing_report``) both apply, so that the same month gives the same figures
on both (tests/analytics/test_definitions.py checks it), with one exception: the
public scorecards leave out sensitive categories (public security, never public),
which the evaluation, for staff, counts. The pre-aggregates
(``analytics.rebuild`` and the triggers) keep every status, unit and department as
stored: these definitions are applied when they are read.

- cohort: the reports whose ``reported_at`` falls in the period (local
  Asia/Ho_Chi_Minh days), whenever they were resolved.
- received: every report of the cohort except ``duplicate`` (merged into another
  report, which is counted). ``rejected`` reports (spam, out of scope, another
  procedure) ARE received; both surfaces also show how many were rejected.
- resolved: of those, status ``resolved`` or ``closed`` with ``resolved_at`` set.
- on-time rate: (with deadline − late) / with deadline, over the resolved reports
  that had a ``due_at`` (late: ``resolved_at > due_at``).
- satisfaction: satisfied / rated, rated = satisfied + acceptable + dissatisfied; a
  report closed without a rating (auto-closed) is not rated, never satisfied.
- reopen rate: reports with ``reopen_count > 0`` / reports resolved at least once
  (``resolved_at`` set, or reopened: a reopened report not yet resolved again has
  no ``resolved_at``).
- unit: a report keeps the unit of its time; a unit of a former boundary set with a
  single successor in the crosswalk (merged whole, renamed, unchanged: the 2025
  reform) is counted as that successor, followed through later reforms to a unit of
  a set in force today (a draft set's crosswalk moves nothing); a unit that was split
  keeps its own row, marked not current (``units_current``), since its reports
  cannot be shared out without their places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from boundaries.bulk import valid_set_ids
from boundaries.models import AdminUnit
from boundaries.sql import param, set_in_force
from routing.models import Report

DUPLICATE: str = Report.Status.DUPLICATE.value
REJECTED: str = Report.Status.REJECTED.value
RESOLVED_STATUSES: tuple[str, ...] = (
    Report.Status.RESOLVED.value,
    Report.Status.CLOSED.value,
)
RATINGS = ("satisfied", "acceptable", "dissatisfied")
# The statuses of the reports received (every one but duplicate).
RECEIVED_STATUSES = tuple(str(s) for s in Report.Status.values if s != DUPLICATE)

# How many reforms in a row a former unit is followed through.
MAX_REFORMS = 8
# Former units with exactly one successor at each step, followed to a unit of a set
# in force on ``%(today)s`` (columns from_unit_id, to_unit_id; the last such unit).
SUCCESSOR_SQL = f"""
    WITH RECURSIVE single AS (
        SELECT from_unit_id, min(to_unit_id) AS to_unit_id
        FROM boundaries_unitsuccession WHERE from_unit_id IS NOT NULL
        GROUP BY from_unit_id HAVING count(DISTINCT to_unit_id) = 1
    ), chain AS (
        SELECT from_unit_id AS origin, to_unit_id AS unit_id, 1 AS depth FROM single
        UNION ALL
        SELECT c.origin, s.to_unit_id, c.depth + 1
        FROM chain c JOIN single s ON s.from_unit_id = c.unit_id
        WHERE c.depth < {MAX_REFORMS}
    )
    SELECT DISTINCT ON (c.origin) c.origin AS from_unit_id, c.unit_id AS to_unit_id
    FROM chain c
    JOIN boundaries_adminunit u ON u.id = c.unit_id
    JOIN boundaries_boundaryset b ON b.id = u.boundary_set_id
    WHERE {set_in_force("b", param("today"))}
    ORDER BY c.origin, c.depth DESC
"""


def today() -> dt.date:
    """The local day ``SUCCESSOR_SQL``'s ``%(today)s`` is asked for."""
    return timezone.localdate()


def received_sql(alias: str) -> str:
    """The SQL predicate of a received report (a row ``alias`` with a status)."""
    return f"{alias}.status <> '{DUPLICATE}'"


def resolved_status_sql(alias: str) -> str:
    """The SQL predicate of a resolved status (the resolution time checked apart)."""
    statuses = ", ".join(f"'{s}'" for s in RESOLVED_STATUSES)
    return f"{alias}.status IN ({statuses})"


def today_unit_sql(unit: str, successor: str) -> str:
    """Today's unit of ``unit`` given ``successor`` joined from ``SUCCESSOR_SQL``."""
    return f"coalesce({successor}.to_unit_id, {unit})"


def share(part: float, whole: int, min_count: int = 1) -> float | None:
    """``part / whole``, or None when ``whole`` is below ``min_count`` (or zero)."""
    return part / whole if whole >= max(min_count, 1) else None


def on_time_rate(late: int, with_due: int, min_count: int = 1) -> float | None:
    return share(with_due - late, with_due, min_count)


def satisfaction(satisfied: int, rated: int, min_count: int = 1) -> float | None:
    return share(satisfied, rated, min_count)


def reopen_rate(reopened: int, resolved_once: int, min_count: int = 1) -> float | None:
    return share(reopened, resolved_once, min_count)


def units_current(ids: Iterable[int]) -> dict[int, tuple[str, str, str, bool]]:
    """Per unit id: code, name, level and whether its boundary set is in force today
    (False for a split former unit that keeps its own row)."""
    current = set(valid_set_ids(today()))
    return {
        u.pk: (u.code, u.name, u.level, u.boundary_set_id in current)
        for u in AdminUnit.objects.filter(pk__in=list(ids)).without_geometry()
    }
