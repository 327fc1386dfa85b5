"""Synthetic reports for Đồng Hới, generated set-based in SQL.

Measured on 2 shared cores (``bench/analytics.py``, bulk load with ``unchecked`` and
``reindex``): a million in 147 s (6,800/s), ten million in 34 min (4,850/s); at 10M
the synthesis (places, units, zones, outcomes: 1,400 s) outweighs the insert (165 s),
the aggregates (177 s) and the index builds (298 s).

For demos and benchmarks: realistic enough that clusters, heatmaps and hot spots look
like a city's, and every report routed the way the engine would route it.

* Where: around places — the points on surface of Đồng Hới's wards and communes in
  the 2020 and 2025 boundary sets, and a few hand-picked spots (the market, Nhật Lệ
  beach, the railway station, the bus station, the river square) — with a Gaussian
  spread in metres (UTM 48N); draws that fall outside every unit (the sea, mostly)
  are dropped.
* When: over ``years`` years to ``end``, more in later years (adoption grows), fewer
  at weekends, mostly in office and evening hours (local time).
* What: a category mix per kind of place (markets: street order and waste; the
  beach: waste and tourism…). In September–November, the flood season, a share of
  reports are drainage and flooding (CTN) in the low-lying wards along the Nhật Lệ.
* Outcome: rejected and duplicate shares; resolution times log-normal around 60 % of
  the category's deadline (so about a quarter are late); reports still open when
  their time has not come (received, assigned, in progress); closures, ratings.
* Routing: the unit is the deepest unit covering the point in the boundary set in
  force on the report's local day; the department is the engine's rule (zone by
  priority, then area, then id; else the unit's default department; else the triage
  desk), all by set-based joins (the approach of ``boundaries.bulk`` and
  ``routing.zones.bulk``), and one current Assignment is written per report.

Tracking codes are ``SY-XXXX-XXXX``: the report id, permuted (multiplied by a number
prime to 30⁸, modulo 30⁸) and written in the tracking alphabet, so they are unique by
construction and never collide with citizens' ``HT-`` codes.

Rows are inserted with one INSERT, so the analytics triggers aggregate them in one
statement too.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from analytics.grid import BLOCK, TIME_ZONE
from routing.models import Assignment, Category, Report
from routing.reports.tracking import ALPHABET

# Hand-picked spots (lon, lat, spread in metres, weight, kind).
SPOTS = (
    ("Chợ Đồng Hới", 106.6232, 17.4703, 150, 3.0, "market"),
    ("Bãi biển Nhật Lệ", 106.6345, 17.4885, 300, 1.5, "beach"),
    ("Bãi biển Bảo Ninh", 106.6470, 17.4620, 350, 1.0, "beach"),
    ("Ga Đồng Hới", 106.6000, 17.4565, 200, 0.8, "transport"),
    ("Bến xe Đồng Hới", 106.5935, 17.4850, 200, 0.6, "transport"),
    ("Quảng trường Hồ Chí Minh", 106.6215, 17.4760, 250, 1.2, "market"),
)
# Low-lying wards and communes (GSO codes, 2020 roster) where floods are reported.
FLOOD_UNITS = ("18880", "18898", "18874", "18889", "18886", "18883", "18868")
URBAN_UNITS = ("18853", "18856", "18859", "18865", "18868", "18871", "18874")
URBAN_UNITS += ("18877", "18880")

# Category weights per kind of place (codes of fixtures/routing/categories.json).
MIX: dict[str, dict[str, float]] = {
    "residential": {
        "VSMT": 20,
        "TTDT": 10,
        "HTGT": 12,
        "CSDT": 9,
        "CTN": 8,
        "TTXD": 9,
        "ONMT": 6,
        "DIEN": 6,
        "CXCV": 5,
        "ATGT": 3,
        "ANTT": 4,
        "DDAI": 1.5,
        "VT": 1.5,
        "YTE": 1,
        "GDUC": 1,
        "DLICH": 0.5,
        "HCC": 1,
        "KHAC": 2,
    },
    "market": {
        "TTDT": 30,
        "VSMT": 28,
        "ONMT": 8,
        "ATGT": 8,
        "ANTT": 8,
        "HTGT": 5,
        "CTN": 4,
        "CSDT": 3,
        "YTE": 2,
        "KHAC": 4,
    },
    "beach": {
        "VSMT": 35,
        "DLICH": 20,
        "TTDT": 15,
        "ANTT": 8,
        "CSDT": 6,
        "ONMT": 6,
        "ATGT": 4,
        "KHAC": 6,
    },
    "transport": {
        "ATGT": 25,
        "HTGT": 25,
        "TTDT": 15,
        "VSMT": 12,
        "CSDT": 10,
        "ANTT": 8,
        "KHAC": 5,
    },
}
KINDS = tuple(MIX)
# Local hour of day (0–23) weights: offices and evenings.
HOURS = (
    1,
    0.5,
    0.3,
    0.3,
    0.5,
    1.5,
    4,
    7,
    9,
    9,
    8,
    6,
    4,
    5,
    7,
    8,
    8,
    7,
    6,
    6,
    5,
    4,
    3,
    2,
)
GROWTH = (0.4, 0.6)  # report rate ∝ a + b·t over the period (t from 0 to 1)
WEEKDAY = {6: 0.75, 7: 0.6}  # ISO day → acceptance; weekdays 1
FLOOD_SHARE = {9: 0.22, 10: 0.35, 11: 0.25}
OVERDRAW = 1.35
MULTIPLIER = 7_919_333  # prime to 30 (odd, digit sum 35, not ending in 0 or 5)


@dataclass
class Generated:
    reports: int
    seconds: dict[str, float]


def _run(cursor, sql: str, params: dict[str, Any] | None = None) -> float:
    start = time.perf_counter()
    cursor.execute(sql, params)
    return round(time.perf_counter() - start, 3)


def _places(cursor) -> list[tuple[float, float, float, float, int]]:
    """(lon, lat, sigma_m, weight, kind index) of every place."""
    cursor.execute(
        """
        SELECT u.code, s.slug, ST_X(p), ST_Y(p), u.level
        FROM boundaries_adminunit u
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        CROSS JOIN LATERAL ST_PointOnSurface(u.geom) p
        WHERE s.slug IN ('qb-2020', 'qt-2025') AND u.level NOT IN ('province', 'district')
          AND ST_Covers((SELECT x.geom FROM boundaries_adminunit x
                         JOIN boundaries_boundaryset y ON y.id = x.boundary_set_id
                         WHERE y.slug = 'qb-2020' AND x.code = '450'), p)
        ORDER BY s.slug, u.code
        """
    )
    places = []
    for code, slug, lon, lat, _level in cursor.fetchall():
        urban = slug == "qt-2025" or code in URBAN_UNITS
        places.append((lon, lat, 700.0 if urban else 1200.0, 1.0 if urban else 0.35, 0))
    for _name, lon, lat, sigma, weight, kind in SPOTS:
        places.append((lon, lat, float(sigma), weight, KINDS.index(kind)))
    return places


def _flood_places(cursor) -> list[tuple[float, float, float, float]]:
    cursor.execute(
        """
        SELECT ST_X(p), ST_Y(p) FROM boundaries_adminunit u
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        CROSS JOIN LATERAL ST_PointOnSurface(u.geom) p
        WHERE s.slug = 'qb-2020' AND u.code = ANY(%s) ORDER BY u.code
        """,
        [list(FLOOD_UNITS)],
    )
    return [(lon, lat, 600.0, 1.0) for lon, lat in cursor.fetchall()]


def _cumulative(weights: list[float]) -> list[float]:
    total = sum(weights)
    out, acc = [], 0.0
    for w in weights:
        out.append(acc / total)
        acc += w
    return out


def _category_arrays() -> tuple[list[float], list[int], int]:
    """Thresholds (kind index + cumulative share) and category ids, flattened over
    kinds, for one ``width_bucket(kind + u, thresholds)``; and the CTN id."""
    ids = dict(Category.objects.values_list("code", "id"))
    thresholds: list[float] = []
    categories: list[int] = []
    for k, kind in enumerate(KINDS):
        mix = [(code, w) for code, w in MIX[kind].items() if code in ids]
        thresholds += [k + c for c in _cumulative([w for _, w in mix])]
        categories += [ids[code] for code, _ in mix]
    return thresholds, categories, ids["CTN"]


def _defaults(model: type[Model], given: set[str], cursor) -> dict[str, Any]:
    """Bound defaults for the NOT NULL columns of ``model``'s table that the
    statement leaves out (columns other apps may add later included)."""
    present = {
        c.name
        for c in connection.introspection.get_table_description(
            cursor, model._meta.db_table
        )
    }
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column in given or f.column not in present or f.null or f.primary_key:
            continue
        if f.has_default() or f.empty_strings_allowed:
            out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


def _insert(cursor, model: type[Model], columns: dict[str, str], source: str) -> float:
    defaults = _defaults(model, set(columns), cursor)
    names = [*columns, *defaults]
    values = [*columns.values(), *(f"%(d_{c})s" for c in defaults)]
    return _run(
        cursor,
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {source}",
        {f"d_{c}": v for c, v in defaults.items()},
    )


def _code_sql(value: str) -> str:
    """``SY-XXXX-XXXX`` from a bigint expression already permuted into [0, 30⁸)."""
    digits = [
        f"substr('{ALPHABET}', mod(({value}) / {30**k}, 30)::integer + 1, 1)"
        for k in range(7, -1, -1)
    ]
    return (
        "'SY-' || " + " || ".join(digits[:4]) + " || '-' || " + " || ".join(digits[4:])
    )


@transaction.atomic
def reports_generate(
    *,
    count: int,
    seed: int = 1,
    years: float = 10.0,
    end: dt.datetime | None = None,
    assignments: bool = True,
    unchecked: bool = False,
    reindex: bool = False,
) -> Generated:
    """Insert ``count`` synthetic reports (see the module docstring).

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
    benchmark's 10M); the tables are locked meanwhile."""
    end = end or timezone.now()
    end_day = timezone.localtime(end).date()
    days = max(1, round(years * 365.25))
    start_day = end_day - dt.timedelta(days=days - 1)
    seconds: dict[str, float] = {}
    thresholds, categories, ctn = _category_arrays()
    with connection.cursor() as cursor:
        places = _places(cursor)
        floods = _flood_places(cursor)
        if not places or not floods:
            raise ValueError("The qb-2020 and qt-2025 boundary sets are not loaded.")
        seconds["setup"] = _run(
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
        params = {
            "n_draw": int(count * OVERDRAW) + 1000,
            "start": start_day,
            "days": days,
            "end": end,
            "tz": TIME_ZONE,
            "ga": GROWTH[0],
            "gb": GROWTH[1],
            "hours": _cumulative(list(HOURS)),
            "p_cum": _cumulative([p[3] for p in places]),
            "p_x": [p[0] for p in places],
            "p_y": [p[1] for p in places],
            "p_s": [p[2] for p in places],
            "p_k": [p[4] for p in places],
            "f_cum": _cumulative([p[3] for p in floods]),
            "f_x": [p[0] for p in floods],
            "f_y": [p[1] for p in floods],
            "f_s": [p[2] for p in floods],
            "c_cum": thresholds,
            "c_id": categories,
            "ctn": ctn,
        }
        seconds["draw"] = _run(cursor, _DRAW, params)
        seconds["place"] = _run(cursor, _PLACE, params)
        seconds["index"] = _run(
            cursor, "CREATE INDEX ON gen USING gist (geom); ANALYZE gen"
        )
        seconds["units"] = _run(cursor, _UNITS, params)
        seconds["pick"] = _run(cursor, _PICK, {"n": count})
        cursor.execute("SELECT count(*) FROM gen_pick")
        picked = cursor.fetchone()[0]
        if picked < count:
            raise RuntimeError(
                f"Only {picked} of {count} draws landed in a unit; raise OVERDRAW."
            )
        seconds["zones"] = _run(cursor, _ZONES)
        seconds["route"] = _run(cursor, _ROUTE, {"end": end})
        dropped = _indexes_drop(cursor) if reindex else []
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = replica")
        seconds["reports"] = _insert(cursor, Report, _report_columns(), "gen_route g")
        if assignments:
            seconds["assignments"] = _insert(
                cursor, Assignment, _ASSIGNMENT_COLUMNS, "gen_route g"
            )
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = origin")
            seconds["aggregates"] = _run(cursor, _AGGREGATE, {"block": BLOCK})
        if dropped:
            seconds["indexes"] = _run(cursor, "; ".join(dropped))
        seconds["analyze"] = _run(
            cursor,
            "DROP TABLE gen_draw, gen, gen_unit, gen_pick, gen_zone, gen_route; "
            "ANALYZE routing_report; ANALYZE analytics_cellday; "
            "ANALYZE analytics_cellmonth; ANALYZE analytics_outcomemonth",
        )
    return Generated(reports=count, seconds=seconds)


_DRAW = """
    CREATE TEMP TABLE gen_draw AS
    SELECT g AS i, random() AS u_t, random() AS u_dow, random() AS u_hour,
           random() AS u_min, random() AS u_flood, random() AS u_place,
           random() AS u_cat, random() AS g1, random() AS g2, random() AS u_fate,
           random() AS r1, random() AS r2, random() AS u_close, random() AS u_rate,
           random() AS u_rating, random() AS u_urgent, random() AS u_channel
    FROM generate_series(1, %(n_draw)s) g
"""

# Day by the inverse CDF of a rate growing linearly; weekends thinned; hour by
# bucket; flood-season CTN reports at the flood places; Gaussian spread (Box–Muller)
# in metres, turned into degrees at the place's latitude (exact enough within a few
# kilometres, and no projection per row).
_PLACE = """
    CREATE TEMP TABLE gen AS
    WITH d AS (
        SELECT *, (%(start)s::date + floor(
                   (-%(ga)s + sqrt(%(ga)s * %(ga)s
                    + 2 * %(gb)s * u_t * (%(ga)s + %(gb)s / 2))) / %(gb)s
                   * %(days)s)::integer) AS day
        FROM gen_draw
    ),
    t AS (
        SELECT d.*, extract(month FROM day)::integer AS month,
               (day + (width_bucket(u_hour, %(hours)s::float8[]) - 1) * interval '1 hour'
                + u_min * interval '1 hour') AT TIME ZONE %(tz)s AS reported_at
        FROM d
        WHERE u_dow < CASE extract(isodow FROM day) WHEN 6 THEN 0.75
                                                   WHEN 7 THEN 0.6 ELSE 1 END
    ),
    f AS (
        SELECT t.*, (month = 10 AND u_flood < 0.35)
                    OR (month IN (9, 11) AND u_flood < CASE month WHEN 9 THEN 0.22
                                                                  ELSE 0.25 END)
                    AS flood
        FROM t WHERE reported_at < %(end)s
    ),
    p AS (
        SELECT f.*,
               CASE WHEN flood THEN width_bucket(u_place, %(f_cum)s::float8[])
                    ELSE width_bucket(u_place, %(p_cum)s::float8[]) END AS place,
               sqrt(-2 * ln(1 - g1)) AS radius, 2 * pi() * g2 AS angle
        FROM f
    ),
    q AS (
        SELECT p.*,
               CASE WHEN flood THEN (%(f_x)s::float8[])[place]
                    ELSE (%(p_x)s::float8[])[place] END AS lon0,
               CASE WHEN flood THEN (%(f_y)s::float8[])[place]
                    ELSE (%(p_y)s::float8[])[place] END AS lat0,
               CASE WHEN flood THEN (%(f_s)s::float8[])[place]
                    ELSE (%(p_s)s::float8[])[place] END AS sigma,
               CASE WHEN flood THEN -1 ELSE (%(p_k)s::integer[])[place] END AS kind
        FROM p
    )
    SELECT i, day, reported_at, u_fate, r1, r2, u_close, u_rate, u_rating, u_urgent,
           u_channel,
           CASE WHEN kind < 0 THEN %(ctn)s
                ELSE (%(c_id)s::bigint[])[width_bucket(kind + u_cat,
                                                       %(c_cum)s::float8[])] END
               AS category_id,
           ST_SetSRID(ST_MakePoint(
               lon0 + sigma * radius * cos(angle) / (111320 * cos(radians(lat0))),
               lat0 + sigma * radius * sin(angle) / 110574), 4326) AS geom
    FROM q
"""

# The deepest unit covering each point, in the set in force on its day (pieces on
# the outer side of the join, as boundaries.bulk does). The pieces carry their set's
# dates so that the cheap date test runs before ST_Covers, in the points' index scan.
_UNITS = """
    CREATE TEMP TABLE gen_unit AS
    WITH pieces AS MATERIALIZED (
        SELECT p.unit_id, p.depth, p.code, p.geom, s.valid_from,
               coalesce(s.valid_to, 'infinity'::date) AS valid_to
        FROM boundaries_adminunitpart p
        JOIN boundaries_boundaryset s
          ON s.id = p.boundary_set_id AND s.status = 'active'
    )
    SELECT DISTINCT ON (g.i) g.i, p.unit_id
    FROM pieces p
    JOIN gen g
      ON g.day >= p.valid_from AND g.day <= p.valid_to AND ST_Covers(p.geom, g.geom)
    ORDER BY g.i, p.depth DESC, p.code
"""

_PICK = """
    CREATE TEMP TABLE gen_pick AS
    SELECT g.*, u.unit_id, au.boundary_set_id, bs.jurisdiction_code
    FROM gen g
    JOIN gen_unit u ON u.i = g.i
    JOIN boundaries_adminunit au ON au.id = u.unit_id
    JOIN boundaries_boundaryset bs ON bs.id = au.boundary_set_id
    ORDER BY g.i LIMIT %(n)s;
    CREATE INDEX ON gen_pick USING gist (category_id, geom);  -- btree_gist
    ANALYZE gen_pick
"""

# Published zones in force at each report's time, most specific first (the engine's
# order: priority desc, area asc, id asc); zone pieces on the outer side. Coverage is
# tested on the pieces, not the whole zone as routing.zones.bulk does: 10× faster,
# and the difference (points within a rounding error of a cut line on a zone's
# outline) does not matter for synthetic data.
_ZONES = """
    CREATE TEMP TABLE gen_zone AS
    WITH zones AS MATERIALIZED (
        SELECT z.id, z.department_id, z.priority, z.area_m2, z.geom, z.valid_from,
               z.valid_to
        FROM routing_responsibilityzone z WHERE z.status = 'published'
    ),
    pieces AS MATERIALIZED (
        SELECT w.id, zc.category_id, ST_Subdivide(w.geom, 64) AS geom
        FROM zones w
        JOIN routing_responsibilityzone_categories zc ON zc.responsibilityzone_id = w.id
    )
    SELECT DISTINCT ON (g.i) g.i, w.id AS zone_id, w.department_id
    FROM pieces p
    JOIN zones w ON w.id = p.id
    JOIN gen_pick g ON p.geom && g.geom AND g.category_id = p.category_id
    WHERE (w.valid_from IS NULL OR w.valid_from <= g.reported_at)
      AND (w.valid_to IS NULL OR w.valid_to > g.reported_at)
      AND ST_Covers(p.geom, g.geom)
    ORDER BY g.i, w.priority DESC, w.area_m2, w.id
"""

# Department, outcome and times of each report.
_ROUTE = """
    CREATE TEMP TABLE gen_route AS
    WITH r AS (
        SELECT g.*, nextval(pg_get_serial_sequence('routing_report', 'id')) AS id,
               z.zone_id,
               COALESCE(z.department_id, dd.department_id, t.id) AS department_id,
               CASE WHEN z.zone_id IS NOT NULL THEN 'zone'
                    WHEN dd.department_id IS NOT NULL THEN 'unit_default'
                    ELSE 'triage' END AS rule,
               u_urgent < 0.06 AS urgent,
               CASE WHEN u_urgent < 0.06 THEN
                        CASE c.urgent_sla_unit WHEN 'hours' THEN c.urgent_sla_value
                             ELSE c.urgent_sla_value * 24 * 7 / 5.0 END
                    ELSE CASE c.sla_unit WHEN 'hours' THEN c.sla_value
                              ELSE c.sla_value * 24 * 7 / 5.0 END
               END AS sla_h
        FROM gen_pick g
        JOIN routing_category c ON c.id = g.category_id
        LEFT JOIN gen_zone z ON z.i = g.i
        LEFT JOIN (
            SELECT x.unit_id, x.department_id FROM routing_defaultdepartment x
            JOIN routing_department d ON d.id = x.department_id AND d.active
        ) dd ON dd.unit_id = g.unit_id
        LEFT JOIN (
            SELECT DISTINCT ON (jurisdiction_code) jurisdiction_code, id
            FROM routing_department WHERE kind = 'triage' AND active
            ORDER BY jurisdiction_code, id
        ) t ON t.jurisdiction_code = g.jurisdiction_code
    ),
    o AS (
        SELECT r.*,
               r.reported_at + make_interval(secs => 3600 * 0.6 * sla_h
                   * exp(0.8 * sqrt(-2 * ln(1 - r1)) * cos(2 * pi() * r2)))
                   AS would_resolve,
               r.reported_at + make_interval(secs => 3600 * sla_h) AS due
        FROM r
    )
    SELECT o.*,
           CASE WHEN u_fate < 0.04 THEN 'rejected'
                WHEN u_fate < 0.07 THEN 'duplicate'
                WHEN u_fate < 0.09 AND due < %(end)s THEN 'in_progress'
                WHEN would_resolve < %(end)s THEN
                     CASE WHEN u_fate < 0.10 THEN 'reopened'
                          WHEN u_close < 0.8 AND would_resolve
                               + u_close * interval '5 days' < %(end)s THEN 'closed'
                          ELSE 'resolved' END
                WHEN reported_at > %(end)s - interval '4 hours' THEN 'received'
                WHEN reported_at > %(end)s - interval '1 day' THEN 'assigned'
                ELSE 'in_progress' END AS status
    FROM o
"""


def _report_columns() -> dict[str, str]:
    finished = "g.status IN ('resolved', 'closed', 'reopened')"
    closed = "g.status = 'closed'"
    rated = f"{closed} AND g.u_rate < 0.45"
    permuted = f"mod(mod(g.id, {30**8}) * {MULTIPLIER}, {30**8})"
    return {
        "id": "g.id",
        "tracking_code": _code_sql(permuted),
        "location": "g.geom",
        "category_id": "g.category_id",
        "channel": "CASE WHEN g.u_channel < 0.35 THEN 'web' "
        "WHEN g.u_channel < 0.8 THEN 'app' ELSE 'hotline' END",
        "urgent": "g.urgent",
        "reported_at": "g.reported_at",
        "due_at": "g.due",
        "resolved_at": f"CASE WHEN {finished} THEN g.would_resolve END",
        "closed_at": f"CASE WHEN {closed} THEN g.would_resolve "
        "+ g.u_close * interval '5 days' END",
        "rejection_reason": "CASE WHEN g.status = 'rejected' THEN "
        "(ARRAY['out_of_scope', 'insufficient_info', 'other_procedure'])"
        "[1 + floor(g.u_close * 3)::integer] ELSE '' END",
        "rating": f"CASE WHEN {rated} THEN CASE WHEN g.u_rating < 0.62 THEN "
        "'satisfied' WHEN g.u_rating < 0.87 THEN 'acceptable' ELSE 'dissatisfied' "
        "END ELSE '' END",
        "rated_at": f"CASE WHEN {rated} THEN g.would_resolve "
        "+ g.u_close * interval '5 days' END",
        "status": "g.status",
        "jurisdiction_code": "g.jurisdiction_code",
        "unit_id": "g.unit_id",
        "department_id": "g.department_id",
        "created_at": "g.reported_at",
        "updated_at": "g.reported_at",
    }


# What the analytics insert trigger does, for the generated rows (unchecked runs):
# their cell × day counts, computed once, upserted into both aggregate tables.
_AGGREGATE = """
    CREATE TEMP TABLE gen_cells AS
    SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, r.category_id,
           r.status, r.unit_id, r.department_id, count(*)::integer AS n
    FROM routing_report r
    JOIN gen_route g ON g.id = r.id
    CROSS JOIN LATERAL analytics_cell(r.location) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO analytics_cellday AS a (cell_x, cell_y, day, category_id, status,
                                        unit_id, department_id, n)
    SELECT * FROM gen_cells ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (cell_x, cell_y, day, category_id, status, unit_id, department_id)
    DO UPDATE SET n = a.n + EXCLUDED.n;
    INSERT INTO analytics_cellmonth AS m (block_x, block_y, month, category_id, status,
                                          unit_id, department_id, n, sx, sy)
    SELECT floor(cell_x / %(block)s::float8)::integer,
           floor(cell_y / %(block)s::float8)::integer,
           date_trunc('month', day)::date, category_id, status, unit_id,
           department_id, sum(n)::integer, sum(n::bigint * cell_x),
           sum(n::bigint * cell_y)
    FROM gen_cells GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (block_x, block_y, month, category_id, status, unit_id, department_id)
    DO UPDATE SET n = m.n + EXCLUDED.n, sx = m.sx + EXCLUDED.sx, sy = m.sy + EXCLUDED.sy;
    DROP TABLE gen_cells;
    INSERT INTO analytics_outcomemonth AS o (month, category_id, status, unit_id,
        department_id, bucket, n, late, with_due, satisfied, acceptable, dissatisfied)
    SELECT date_trunc('month', analytics_day(r.reported_at))::date, r.category_id,
           r.status, r.unit_id, r.department_id,
           analytics_hours_bucket(r.reported_at, r.resolved_at), count(*),
           count(*) FILTER (WHERE r.resolved_at > r.due_at),
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL),
           count(*) FILTER (WHERE r.rating = 'satisfied'),
           count(*) FILTER (WHERE r.rating = 'acceptable'),
           count(*) FILTER (WHERE r.rating = 'dissatisfied')
    FROM routing_report r JOIN gen_route g ON g.id = r.id
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, category_id, status, unit_id, department_id, bucket)
    DO UPDATE SET n = o.n + EXCLUDED.n, late = o.late + EXCLUDED.late,
        with_due = o.with_due + EXCLUDED.with_due,
        satisfied = o.satisfied + EXCLUDED.satisfied,
        acceptable = o.acceptable + EXCLUDED.acceptable,
        dissatisfied = o.dissatisfied + EXCLUDED.dissatisfied
"""

# Secondary indexes of the tables a bulk load fills (``reindex``): every index that
# backs no constraint (primary keys and unique constraints stay, so the load is
# still checked for duplicates).
_SECONDARY = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = ANY(ARRAY['routing_report'::regclass,
                                 'routing_assignment'::regclass])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname
"""


def _indexes_drop(cursor) -> list[str]:
    """Drop the secondary indexes; return the statements that make them again."""
    cursor.execute(_SECONDARY)
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


_ASSIGNMENT_COLUMNS = {
    "report_id": "g.id",
    "is_current": "true",
    "boundary_set_id": "g.boundary_set_id",
    "unit_id": "g.unit_id",
    "department_id": "g.department_id",
    "zone_id": "g.zone_id",
    "rule": "g.rule",
    "cause": "'submit'",
    "near_edge": "false",
    "candidates": "'[]'::jsonb",
    "reason_vi": "'Dữ liệu mô phỏng (reports_generate).'",
    "reason_en": "'Synthetic data (reports_generate).'",
    "decided_at": "g.reported_at",
    "note": "''",
}
