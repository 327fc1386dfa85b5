"""Route many reports at once, in the database: impact preview and bulk re-route.

The engine's order (``routing.engine.decision``: priority desc, area asc, zone id asc;
else the unit's default department; else the triage desk) written as one set-based
statement from the fragments of ``routing.zones.sql``. Zones are cut into
``ST_Subdivide`` pieces and kept on the outer side of the join, so each piece probes the
reports' GiST index with its small box; a report on a seam between two pieces of one
zone is matched twice and ``DISTINCT ON`` keeps one row.
Raw SQL because the planner needs exactly that shape (see PITFALLS: ~10× faster than
per-point plans).

The pieces only find candidates (``&&`` on their boxes); whether a zone covers a report
is decided on the zone's whole geometry, as the engine does. Testing ``ST_Covers`` on
the pieces would disagree with it on the zone's outline: where a cut line crosses an
edge, the piece gets a rounded new vertex that the zone itself may not cover (and a
point on the original edge may fall a hair outside both pieces). Each whole geometry
is kept once (the ``zones`` CTE) and is the same value for every report a piece
probes, so PostGIS prepares it once (100k reports: 0.53 s, against 0.45 s on pieces).

Reports whose current assignment is manual keep it: nothing here overrides a person.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from boundaries import sql as bsql
from routing.metrics import routing_decisions_count
from routing.models import Report
from routing.zones import sql as zsql
from routing.zones.reroute_records import reroute_records
from routing.zones.state import ZoneState

OPEN = list(Report.OPEN_STATUSES)


@dataclass(frozen=True)
class Selection:
    """Which reports: ``None`` means no filter on that field; the filters combine
    with AND. ``reported_since`` is inclusive, ``reported_before`` exclusive; the id
    filters hold the current unit, department and category of the report."""

    statuses: tuple[str, ...] | None = None
    ids: tuple[int, ...] | None = None
    category_ids: tuple[int, ...] | None = None
    unit_ids: tuple[int, ...] | None = None
    department_ids: tuple[int, ...] | None = None
    reported_since: dt.datetime | None = None
    reported_before: dt.datetime | None = None

    # (field, predicate on routing_report r); values are bound, never interpolated.
    _PREDICATES = (
        ("statuses", "r.status = ANY(%(sel_statuses)s)"),
        ("ids", "r.id = ANY(%(sel_ids)s)"),
        ("category_ids", "r.category_id = ANY(%(sel_category_ids)s)"),
        ("unit_ids", "r.unit_id = ANY(%(sel_unit_ids)s)"),
        ("department_ids", "r.department_id = ANY(%(sel_department_ids)s)"),
        ("reported_since", "r.reported_at >= %(sel_reported_since)s"),
        ("reported_before", "r.reported_at < %(sel_reported_before)s"),
    )

    def sql(self) -> str:
        parts = [
            "NOT EXISTS (SELECT 1 FROM routing_assignment a WHERE a.report_id = r.id "
            "AND a.is_current AND a.rule = 'manual')"
        ]
        parts += [
            predicate
            for name, predicate in self._PREDICATES
            if getattr(self, name) is not None
        ]
        return " AND ".join(parts)

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "sel_reported_since": self.reported_since,
            "sel_reported_before": self.reported_before,
        }
        for name in ("statuses", "ids", "category_ids", "unit_ids", "department_ids"):
            params[f"sel_{name}"] = list(getattr(self, name) or ())
        return params


def _decisions_sql(selection: Selection) -> str:
    where = selection.sql()
    department = zsql.fallback_department(zone="b", unit_default="dd", triage="t")
    rule = zsql.fallback_rule(zone="b", unit_default="dd")
    return f"""
    WITH zones AS MATERIALIZED (
        SELECT z.id, z.department_id, z.priority, z.area_m2, z.geom
        FROM routing_responsibilityzone z
        WHERE {ZoneState.SQL}
    ),
    pieces AS MATERIALIZED (
        SELECT id, ST_Subdivide(geom, 64) AS geom FROM zones
    ),
    best AS (
        SELECT DISTINCT ON (r.id) r.id AS report_id, w.id AS zone_id, w.department_id
        FROM pieces p
        JOIN zones w ON w.id = p.id
        JOIN routing_responsibilityzone_categories zc ON zc.responsibilityzone_id = p.id
        JOIN routing_report r
          ON r.category_id = zc.category_id AND p.geom && r.location
        -- _ST_Covers: the exact test only. The index work is the pieces' && above;
        -- ST_Covers would let the planner (which expects 1,000 pieces a zone) probe
        -- with whole-zone boxes instead (measured 2x slower at 100k reports).
        WHERE {zsql.zone_covers("w", "r.location", exact_only=True)} AND {where}
        ORDER BY r.id, {zsql.specificity_order("w")}
    )
    SELECT r.id AS report_id,
           r.status = ANY(%(open)s) AS is_open,
           r.department_id AS old_department_id,
           {department} AS new_department_id,
           b.zone_id,
           {rule} AS rule
    FROM routing_report r
    LEFT JOIN best b ON b.report_id = r.id
    {zsql.unit_default_join("dd", "r.unit_id")}
    {zsql.triage_desk_join("t", "r.jurisdiction_code")}
    WHERE {where}
    """


def _params(state: ZoneState, selection: Selection) -> dict[str, Any]:
    return {**state.params(), **selection.params(), "open": OPEN}


@dataclass
class Impact:
    """How many reports would change department, by open/past and old → new; with
    ``details``, also by unit and a sample of them."""

    open_changed: int = 0
    past_changed: int = 0
    open_total: int = 0
    past_total: int = 0
    moves: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] | None = None
    sample: list[dict[str, Any]] | None = None

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "open": {"changed": self.open_changed, "total": self.open_total},
            "past": {"changed": self.past_changed, "total": self.past_total},
            "moves": self.moves,
        }
        if self.units is not None:
            answer |= {"units": self.units, "sample": self.sample or []}
        return answer


# Aggregates over the decisions ``d`` (a CTE, or the temp table of a detailed preview).
_MOVES = """
    SELECT d.is_open, od.code, nd.code, count(*),
           bool_or(d.old_department_id IS DISTINCT FROM d.new_department_id)
    FROM {d} d
    JOIN routing_department od ON od.id = d.old_department_id
    JOIN routing_department nd ON nd.id = d.new_department_id
    GROUP BY 1, 2, 3
    ORDER BY 1 DESC, 4 DESC, 2, 3
"""
_MOVED_UNITS = """
    SELECT u.code, u.name, count(*) FILTER (WHERE d.is_open),
           count(*) FILTER (WHERE NOT d.is_open)
    FROM impact_d d
    JOIN routing_report r ON r.id = d.report_id
    JOIN boundaries_adminunit u ON u.id = r.unit_id
    WHERE d.old_department_id IS DISTINCT FROM d.new_department_id
    GROUP BY u.code, u.name ORDER BY count(*) DESC, u.code LIMIT %(units)s
"""
_MOVED_SAMPLE = """
    SELECT r.tracking_code, k.code, u.code, u.name, od.code, nd.code, d.is_open,
           r.reported_at
    FROM impact_d d
    JOIN routing_report r ON r.id = d.report_id
    JOIN boundaries_adminunit u ON u.id = r.unit_id
    JOIN routing_category k ON k.id = r.category_id
    JOIN routing_department od ON od.id = d.old_department_id
    JOIN routing_department nd ON nd.id = d.new_department_id
    WHERE d.old_department_id IS DISTINCT FROM d.new_department_id
    ORDER BY d.is_open DESC, r.reported_at DESC, r.tracking_code LIMIT %(sample)s
"""


def impact_preview(
    *,
    state: ZoneState,
    selection: Selection | None = None,
    details: bool = False,
    units: int = 20,
    sample: int = 10,
) -> Impact:
    """Count the reports that would route to another department under ``state``.

    With ``details``, also where they are: counts by the report's unit (the
    ``units`` largest) and a ``sample`` of them (open first, newest first; tracking
    codes, categories and units only, no description, contact or location). The
    decisions are then made once into a temporary table that the three answers read,
    instead of routing every report again for each."""
    selection = selection or Selection()
    params = _params(state, selection) | {"units": units, "sample": sample}
    impact = Impact()
    # Only the detailed preview needs a transaction (its temporary table's life).
    scope = transaction.atomic() if details else nullcontext()
    with scope, connection.cursor() as cursor:
        if details:
            # Dropped at commit; and before, for a second preview in one transaction.
            cursor.execute("DROP TABLE IF EXISTS impact_d")
            cursor.execute(
                f"CREATE TEMP TABLE impact_d ON COMMIT DROP AS "
                f"{_decisions_sql(selection)}",
                params,
            )
            cursor.execute(_MOVES.format(d="impact_d"))
        else:
            moves = _MOVES.format(d="d")
            cursor.execute(f"WITH d AS ({_decisions_sql(selection)}) {moves}", params)
        for is_open, old, new, count, changed in cursor.fetchall():
            if is_open:
                impact.open_total += count
            else:
                impact.past_total += count
            if not changed:
                continue
            if is_open:
                impact.open_changed += count
            else:
                impact.past_changed += count
            impact.moves.append(
                {"open": is_open, "from": old, "to": new, "reports": count}
            )
        if details:
            cursor.execute(_MOVED_UNITS, params)
            impact.units = [
                {"unit": code, "name": name, "open": opened, "past": past}
                for code, name, opened, past in cursor.fetchall()
            ]
            cursor.execute(_MOVED_SAMPLE, params)
            impact.sample = [
                {
                    "code": tracking,
                    "category": category,
                    "unit": code,
                    "unit_name": name,
                    "from": old,
                    "to": new,
                    "open": is_open,
                    "reported_at": timezone.localtime(at).isoformat(),
                }
                for tracking, category, code, name, old, new, is_open, at in (
                    cursor.fetchall()
                )
            ]
    return impact


# Metres from each re-routed report to its unit's and its zone's outline (NULL
# without a zone), by the K-nearest edge pieces as the engine measures them.
_UNIT_EDGE_M = bsql.edge_distance_m(
    table="boundaries_adminunitedge", key="unit_id", owner="u", at="r.location"
)
_ZONE_EDGE_M = bsql.edge_distance_m(
    table="routing_zoneedge", key="zone_id", owner="z", at="r.location"
)

# The new current Assignment of each re-routed report, its reasons in both languages.
_REROUTE_ASSIGNMENTS = f"""
    INSERT INTO routing_assignment (
        report_id, is_current, boundary_set_id, unit_id, department_id, zone_id,
        rule, cause, near_edge, edge_distance_m, candidates, reason_vi, reason_en,
        decided_at, decided_by_id, note)
    SELECT c.report_id, true, u.boundary_set_id, u.id, c.new_department_id,
           c.zone_id, c.rule, %(cause)s, e.edge_m <= %(near)s, round(e.edge_m::numeric, 1),
           CASE WHEN c.zone_id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(
               jsonb_build_object('zone', c.zone_id, 'name', z.name,
                                  'priority', z.priority, 'area_m2', z.area_m2,
                                  'chosen', true)) END,
           format('Điều phối lại (%%s): từ %%s sang %%s theo %%s.', %(cause)s,
                  od.name_vi, nd.name_vi,
                  CASE c.rule WHEN 'zone' THEN 'vùng «' || z.name || '»'
                              WHEN 'unit_default' THEN 'mặc định của đơn vị'
                              ELSE 'bộ phận tiếp nhận' END),
           format('Re-routed (%%s): from %%s to %%s by %%s.', %(cause)s,
                  od.name_en, nd.name_en,
                  CASE c.rule WHEN 'zone' THEN 'zone "' || z.name || '"'
                              WHEN 'unit_default' THEN 'the unit default'
                              ELSE 'the triage desk' END),
           now(), %(actor)s, %(note)s
    FROM reroute c
    JOIN routing_report r ON r.id = c.report_id
    JOIN boundaries_adminunit u ON u.id = r.unit_id
    JOIN routing_department od ON od.id = c.old_department_id
    JOIN routing_department nd ON nd.id = c.new_department_id
    LEFT JOIN routing_responsibilityzone z ON z.id = c.zone_id
    CROSS JOIN LATERAL (SELECT LEAST({_UNIT_EDGE_M}, {_ZONE_EDGE_M}) AS edge_m) e
"""

_REROUTE_APPLY = (
    """
    UPDATE routing_assignment a SET is_current = false
    FROM reroute c WHERE a.report_id = c.report_id AND a.is_current
    """,
    _REROUTE_ASSIGNMENTS,
    """
    UPDATE routing_report r SET department_id = c.new_department_id,
                                updated_at = now()
    FROM reroute c WHERE r.id = c.report_id
    """,
)

_REROUTE_MOVES = """
    SELECT c.is_open, od.code, nd.code, count(*)
    FROM reroute c
    JOIN routing_department od ON od.id = c.old_department_id
    JOIN routing_department nd ON nd.id = c.new_department_id
    GROUP BY 1, 2, 3 ORDER BY 1 DESC, 4 DESC, 2, 3
"""


def reports_reroute(
    *,
    state: ZoneState,
    selection: Selection,
    cause: str,
    note: str = "",
    actor_id: int | None = None,
    near_edge_m: float = 30.0,
) -> Impact:
    """Re-route the selected reports under ``state``; record an Assignment for each
    report whose department changes, update the report, and leave its timeline
    event and the new departments' notifications (``reroute_records``). Call inside
    a transaction.

    Returns the moves made, in the same shape as :func:`impact_preview`.
    """
    params = _params(state, selection) | {
        "cause": cause,
        "note": note,
        "actor": actor_id,
        "near": near_edge_m,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE reroute ON COMMIT DROP AS "
            f"SELECT * FROM ({_decisions_sql(selection)}) d "
            f"WHERE d.old_department_id IS DISTINCT FROM d.new_department_id",
            params,
        )
        for statement in _REROUTE_APPLY:
            cursor.execute(statement, params)
        reroute_records(cursor, cause=cause)
        cursor.execute(_REROUTE_MOVES)
        moves = cursor.fetchall()
        cursor.execute("SELECT rule, count(*) FROM reroute GROUP BY rule")
        for rule, count in cursor.fetchall():
            routing_decisions_count(rule=rule, cause=cause, count=count)
        cursor.execute("DROP TABLE reroute")
    impact = Impact()
    for is_open, old, new, count in moves:
        if is_open:
            impact.open_changed += count
        else:
            impact.past_changed += count
        impact.moves.append({"open": is_open, "from": old, "to": new, "reports": count})
    return impact
