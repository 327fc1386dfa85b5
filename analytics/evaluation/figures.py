"""The pilot evaluation's figures, per unit, per department and in total, read
from ``routing_report`` with SQL aggregates (exact percentiles over the raw rows:
the page is for planners only, so it is not exposed to public traffic spikes).

Definitions: received (every report of the cohort but ``duplicate``; ``rejected``
ones are received and also counted apart), resolved, on-time rate, satisfaction,
reopen rate and today's unit (a former unit with a single successor counts as
it; a split one keeps its row, marked not current) are those of
``analytics.definitions``, shared with the public scorecards. Here also:

- cohort: the reports whose ``reported_at`` falls in the period (local
  Asia/Ho_Chi_Minh days, both ends included); a report counts under its current
  department and its current unit's today's unit;
- time to resolve: ``resolved_at − reported_at`` of the resolved reports, its
  median and 90th percentile by ``percentile_cont`` (exact);
- automation rate: automated / routed. A report is routed when it has an
  assignment; it is automated when no later assignment (in ``decided_at, id``
  order) is a staff correction. A staff correction is an assignment made by a
  person (``decided_by`` set: a manual reassignment, a moved pin, a changed
  category) that replaced an automatic one (the assignment before it has
  ``decided_by`` empty) with another unit or department; re-routes by the system
  (after a zone publish), a person's re-route that kept the same unit and
  department, and a person's change of another person's assignment do not count;
- corrections by cause, read from the assignment that was corrected (the one
  before), first match wins: ``near_edge`` if it lay near a zone or unit edge;
  ``out_of_area`` if the point lay outside every unit (``outside_unit_m > 0``) or
  it fell to triage; ``wrong_unit`` if the correction changed the unit; otherwise
  ``wrong_zone``. The zones that caused most corrections are those corrected
  assignments' zones;
- operations-centre touches: the events of cohort reports written by a person
  acting as operations-centre staff (``actor_role = 'ioc_operator'``) of the kinds
  in ``TOUCH_KINDS`` (status, comment, assignment, escalation, merge, pin move,
  publication; not the filing itself nor a rating), each worth
  ``EVALUATION_MINUTES_PER_ACTION`` minutes of staff time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from analytics import definitions as d
from analytics.grid import local_midnight
from routing.models import Report, ReportEvent
from routing.reads import lag_ok_connection

CHANNELS = tuple(Report.Channel.values)
TOUCH_KINDS = (
    ReportEvent.Kind.STATUS,
    ReportEvent.Kind.COMMENT,
    ReportEvent.Kind.ASSIGNMENT,
    ReportEvent.Kind.ESCALATION,
    ReportEvent.Kind.MERGE,
    ReportEvent.Kind.LOCATION,
    ReportEvent.Kind.PUBLICATION,
)
CAUSES = ("wrong_zone", "wrong_unit", "near_edge", "out_of_area")
TOP = 10

_STEPS = f"""
    WITH cohort AS (
        SELECT r.id, {d.today_unit_sql("r.unit_id", "s")} AS unit_id,
               r.department_id, r.channel, r.reported_at, r.resolved_at,
               r.due_at, r.rating, r.reopen_count,
               r.status = '{d.REJECTED}' AS rejected,
               ({d.resolved_status_sql("r")} AND r.resolved_at IS NOT NULL) AS resolved
        FROM routing_report r
        LEFT JOIN ({d.SUCCESSOR_SQL}) s ON s.from_unit_id = r.unit_id
        WHERE r.reported_at >= %(since)s AND r.reported_at < %(until)s
          AND {d.received_sql("r")}
    ),
    steps AS (
        SELECT a.report_id, a.decided_by_id, a.unit_id, a.department_id,
               lag(a.decided_by_id) OVER w AS prev_decided_by,
               lag(a.unit_id) OVER w AS prev_unit,
               lag(a.department_id) OVER w AS prev_department,
               lag(a.near_edge) OVER w AS prev_near_edge,
               lag(a.outside_unit_m) OVER w AS prev_outside_m,
               lag(a.rule) OVER w AS prev_rule,
               lag(a.zone_id) OVER w AS prev_zone
        FROM routing_assignment a
        WHERE a.report_id IN (SELECT id FROM cohort)
        WINDOW w AS (PARTITION BY a.report_id ORDER BY a.decided_at, a.id)
    ),
    corrections AS (
        SELECT s.*, CASE
                WHEN s.prev_near_edge THEN 'near_edge'
                WHEN coalesce(s.prev_outside_m, 0) > 0 OR s.prev_rule = 'triage'
                    THEN 'out_of_area'
                WHEN s.unit_id <> s.prev_unit THEN 'wrong_unit'
                ELSE 'wrong_zone' END AS cause
        FROM steps s
        WHERE s.decided_by_id IS NOT NULL AND s.prev_decided_by IS NULL
          AND s.prev_unit IS NOT NULL
          AND (s.unit_id <> s.prev_unit OR s.department_id <> s.prev_department)
    )
"""

_GROUPS = (
    _STEPS
    + """,
    routed AS (
        SELECT s.report_id, count(c.report_id) AS corrections
        FROM (SELECT DISTINCT report_id FROM steps) s
        LEFT JOIN corrections c ON c.report_id = s.report_id
        GROUP BY s.report_id
    ),
    touches AS (
        SELECT e.report_id, count(*) AS n FROM routing_reportevent e
        WHERE e.report_id IN (SELECT id FROM cohort)
          AND e.actor_role = 'ioc_operator' AND e.kind = ANY(%(kinds)s)
        GROUP BY e.report_id
    )
    SELECT GROUPING(c.unit_id, c.department_id) AS level, c.unit_id,
           c.department_id, {channels},
           count(*) FILTER (WHERE c.resolved),
           count(*) FILTER (WHERE c.resolved AND c.due_at IS NOT NULL),
           count(*) FILTER (WHERE c.resolved AND c.resolved_at > c.due_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY
               extract(epoch FROM c.resolved_at - c.reported_at))
               FILTER (WHERE c.resolved),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY
               extract(epoch FROM c.resolved_at - c.reported_at))
               FILTER (WHERE c.resolved),
           count(*) FILTER (WHERE c.rating = 'satisfied'),
           count(*) FILTER (WHERE c.rating = ANY(%(ratings)s)),
           count(*) FILTER (WHERE c.reopen_count > 0),
           count(*) FILTER (WHERE c.resolved_at IS NOT NULL OR c.reopen_count > 0),
           count(rt.report_id),
           count(*) FILTER (WHERE rt.corrections = 0),
           coalesce(sum(t.n), 0),
           count(*) FILTER (WHERE c.rejected)
    FROM cohort c
    LEFT JOIN routed rt ON rt.report_id = c.id
    LEFT JOIN touches t ON t.report_id = c.id
    GROUP BY GROUPING SETS ((c.unit_id), (c.department_id), ())
"""
)

_CAUSES = (
    _STEPS
    + """
    SELECT cause, count(*) FROM corrections GROUP BY cause
"""
)

_ZONES = (
    _STEPS
    + """
    SELECT z.id, z.name, count(*) FROM corrections c
    JOIN routing_responsibilityzone z ON z.id = c.prev_zone
    GROUP BY z.id, z.name ORDER BY count(*) DESC, z.name LIMIT %(top)s
"""
)


def minutes_per_action() -> float:
    """Staff minutes per operations-centre action (checked at settings load)."""
    return float(getattr(settings, "EVALUATION_MINUTES_PER_ACTION", 3))


@dataclass
class Figures:
    """The figures of one group (a unit, a department or all) in one period."""

    reports: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    resolved: int = 0
    with_due: int = 0
    late: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    satisfied: int = 0
    rated: int = 0
    reopened: int = 0
    resolved_once: int = 0
    routed: int = 0
    automated: int = 0
    touches: int = 0
    rejected: int = 0
    minutes_per_action: float = 0.0

    @property
    def on_time_rate(self) -> float | None:
        return d.on_time_rate(self.late, self.with_due)

    @property
    def satisfaction(self) -> float | None:
        return d.satisfaction(self.satisfied, self.rated)

    @property
    def reopen_rate(self) -> float | None:
        return d.reopen_rate(self.reopened, self.resolved_once)

    @property
    def automation_rate(self) -> float | None:
        return d.share(self.automated, self.routed)

    @property
    def touches_per_report(self) -> float | None:
        return d.share(self.touches, self.reports)

    @property
    def staff_hours(self) -> float:
        return self.touches * self.minutes_per_action / 60

    @property
    def staff_hours_per_100(self) -> float | None:
        return d.share(self.staff_hours * 100, self.reports)


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last``, both included."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Period:
        """The period of the same length just before."""
        last = self.first - dt.timedelta(days=1)
        return Period(last - dt.timedelta(days=self.days - 1), last)

    def params(self) -> dict[str, Any]:
        return {
            "since": local_midnight(self.first),
            "until": local_midnight(self.last + dt.timedelta(days=1)),
            "today": d.today(),
        }


@dataclass
class PeriodFigures:
    """Every figure of one period: the total, per unit and per department (keyed
    by id), corrections by cause and the zones that caused most."""

    period: Period
    total: Figures
    units: dict[int, Figures]
    departments: dict[int, Figures]
    causes: dict[str, int]
    zones: list[tuple[int, str, int]]

    @property
    def corrections(self) -> int:
        return sum(self.causes.values())


def _figures(row: tuple[Any, ...], minutes: float) -> Figures:
    n = len(CHANNELS)
    channels = dict(zip(CHANNELS, (int(v) for v in row[:n]), strict=True))
    (resolved, with_due, late, median, p90, satisfied, rated, reopened, once) = row[
        n : n + 9
    ]
    routed, automated, touches, rejected = row[n + 9 :]
    return Figures(
        reports=sum(channels.values()),
        channels=channels,
        resolved=resolved,
        with_due=with_due,
        late=late,
        median_hours=None if median is None else float(median) / 3600,
        p90_hours=None if p90 is None else float(p90) / 3600,
        satisfied=satisfied,
        rated=rated,
        reopened=reopened,
        resolved_once=once,
        routed=routed,
        automated=automated,
        touches=int(touches),
        rejected=rejected,
        minutes_per_action=minutes,
    )


def period_figures(
    period: Period, minutes: float | None = None, *, zones: bool = True
) -> PeriodFigures:
    """All figures of ``period`` in three statements (two without ``zones``, the
    top zones, which only the period reported on shows); staff time at ``minutes``
    per action (by default the setting)."""
    params = {**period.params(), "kinds": list(TOUCH_KINDS), "top": TOP}
    params["ratings"] = list(d.RATINGS)
    channels = ", ".join(
        f"count(*) FILTER (WHERE c.channel = %(channel_{i})s)"
        for i in range(len(CHANNELS))
    )
    params.update({f"channel_{i}": ch for i, ch in enumerate(CHANNELS)})
    minutes = minutes_per_action() if minutes is None else minutes
    result = PeriodFigures(
        period,
        Figures(minutes_per_action=minutes),
        {},
        {},
        dict.fromkeys(CAUSES, 0),
        [],
    )
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(_GROUPS.format(channels=channels), params)
        for level, unit_id, department_id, *rest in cursor.fetchall():
            figures = _figures(tuple(rest), minutes)
            if level == 3:
                result.total = figures
            elif level == 1:
                result.units[unit_id] = figures
            else:
                result.departments[department_id] = figures
        cursor.execute(_CAUSES, params)
        result.causes.update(dict(cursor.fetchall()))
        if zones:
            cursor.execute(_ZONES, params)
            result.zones = [(z, name, n) for z, name, n in cursor.fetchall()]
    return result
