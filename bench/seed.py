"""Synthetic zones and reports for the routing suite, written in the caller's transaction.

The routing suite rolls its transaction back, so nothing here is ever committed: the
demo keeps its own rows, and other sessions never see these. Reports are written the
way PITFALLS asks for a million rows: drawn in SQL into a staging table with a GiST
index, placed in units by one set-based join (``boundaries.bulk.points_assign``),
routed by one set-based join of the zones' ``ST_Subdivide`` pieces (in category
lanes, see ``_STAGE``), and only then inserted, once, with their unit, department and
current assignment (no UPDATE pass).

Every NOT NULL column the statements do not name gets the model field's default, and
only columns the table really has are written, so the statements follow the schema as
migrated rather than as the models say it should be.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Model
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon

from bench.sample import Extent
from boundaries.bulk import points_assign
from boundaries.geometry import to_geos_multipolygon
from boundaries.models import AdminUnit
from geo.projections import degree_margin
from geo.topology import area_m2
from routing.models import (
    Assignment,
    Category,
    Department,
    Report,
    ResponsibilityZone,
)
from routing.zones.services import zone_draft_create, zone_edges_rebuild
from routing.zones.state import ZoneState

SEED = 20_250_701
POINTS = "bench_routing_points"
UNITS = "bench_routing_units"
INSIDE = "bench_routing_inside"
STAGED = "bench_routing_staged"
TRACKING_PREFIX = "BR"  # tracking codes BR0000000042: never the demo's HT-XXXX-XXXX

# Status shares: a quarter of the reports open, the rest past.
STATUS_MIX = (
    ("received", 0.03),
    ("assigned", 0.10),
    ("in_progress", 0.10),
    ("reopened", 0.02),
    ("resolved", 0.15),
    ("closed", 0.55),
    ("rejected", 0.05),
)
# The share of Đồng Hới's bounding box that lies in some unit is about 0.84; draw
# enough points that ``count`` of them surely land inside one.
OVERDRAW = 1.4


def _execute(sql: str, params: Any = None) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return round(time.perf_counter() - start, 3)


def city_geometry() -> GEOSGeometry:
    """Thành phố Đồng Hới (district 450 of the 2020 set), where zones are drawn."""
    return (
        AdminUnit.objects.only("geom")
        .get(boundary_set__slug="qb-2020", code="450")
        .geom
    )


def _zone_shape(
    rng: random.Random, city: Any, extent: Extent, *, disc: bool
) -> MultiPolygon:
    """A box or a disc, 150 m to 2.5 km across its half-width, centred in the city
    and cut to it."""
    while True:
        lon = rng.uniform(extent.min_lon, extent.max_lon)
        lat = rng.uniform(extent.min_lat, extent.max_lat)
        if shapely.contains_xy(city, lon, lat):
            break
    dlon, dlat = degree_margin(lat, rng.uniform(150, 2_500))
    if disc:
        circle = shapely.Point(0, 0).buffer(1.0, quad_segs=16)
        shape = affinity.affine_transform(circle, [dlon, 0, 0, dlat, lon, lat])
    else:
        shape = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    cut = shapely.intersection(shape, city)
    polygons = [g for g in shapely.get_parts(cut) if isinstance(g, Polygon)]
    return MultiPolygon(polygons)


def zones_create(
    *, count: int, extent: Extent, valid_from: dt.datetime, drafts: int, seed: int
) -> tuple[list[int], list[ResponsibilityZone]]:
    """``count`` published zones in force from ``valid_from`` and ``drafts`` new
    drafts (made by ``zone_draft_create``), with random departments (any but the
    triage desk), priorities 0–20 and 1–3 categories. Returns (published ids, drafts).
    """
    rng = random.Random(seed)
    city = shapely.from_wkb(bytes(city_geometry().wkb))
    shapely.prepare(city)
    departments = list(
        Department.objects.filter(active=True)
        .exclude(kind=Department.Kind.TRIAGE)
        .order_by("id")
    )
    categories = list(Category.objects.filter(active=True).order_by("code"))
    published: list[int] = []
    new_drafts: list[ResponsibilityZone] = []
    for i in range(count + drafts):
        shape = _zone_shape(rng, city, extent, disc=i % 2 == 1)
        department = rng.choice(departments)
        chosen = rng.sample(categories, rng.randint(1, 3))
        priority = rng.randint(0, 20)
        if i >= count:
            new_drafts.append(
                zone_draft_create(
                    name=f"bench draft {i - count + 1}",
                    department=department,
                    categories=chosen,
                    geometry=shape,
                    priority=priority,
                )
            )
            continue
        zone = ResponsibilityZone.objects.create(
            name=f"bench zone {i + 1}",
            department=department,
            geom=to_geos_multipolygon(shape),
            area_m2=round(area_m2(shape), 1),
            priority=priority,
            status=ResponsibilityZone.Status.PUBLISHED,
            valid_from=valid_from,
        )
        zone.categories.set(chosen)
        published.append(zone.pk)
    zone_edges_rebuild(zone_ids=published)
    return published, new_drafts


def _defaults(model: type[Model], given: set[str]) -> dict[str, Any]:
    """Column → value for the NOT NULL columns of ``model``'s table that ``given``
    leaves out and whose field has a default (present in the table only)."""
    with connection.cursor() as cursor:
        present = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column in given or f.column not in present or f.null:
            continue
        if f.has_default() or f.empty_strings_allowed:
            out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


def _insert(model: type[Model], table_from: str, columns: dict[str, str]) -> float:
    """``INSERT INTO <model's table> (…) SELECT <expressions> FROM table_from``: the
    named expressions, then a bound default for every other NOT NULL column."""
    defaults = _defaults(model, set(columns))
    names = [*columns, *defaults]
    values = [*columns.values(), *(f"%(d_{c})s" for c in defaults)]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {table_from}"
    )
    return _execute(sql, {f"d_{c}": v for c, v in defaults.items()})


def _category_ids() -> list[int]:
    return list(
        Category.objects.filter(active=True)
        .order_by("code")
        .values_list("id", flat=True)
    )


def _stage_points(
    extent: Extent, count: int, since: dt.datetime, until: dt.datetime
) -> dict[str, float]:
    """Points uniform in ``extent`` with a category, a status and a moment each."""
    categories = _category_ids()
    cuts, total = [], 0.0
    for _, share in STATUS_MIX[:-1]:
        total += share
        cuts.append(total)
    timings = {
        "create": _execute(
            f"CREATE TEMP TABLE {POINTS} (id bigint PRIMARY KEY, "
            "geom geometry(Point, 4326), category_id bigint, status text, "
            "reported_at timestamptz)"
        ),
        "generate": _execute(
            f"""
            INSERT INTO {POINTS} (id, geom, category_id, status, reported_at)
            SELECT g, ST_SetSRID(ST_MakePoint(
                       %(x0)s + rx * (%(x1)s - %(x0)s), %(y0)s + ry * (%(y1)s - %(y0)s)),
                       4326),
                   (%(categories)s::bigint[])[1 + floor(rc * %(n_categories)s)::int],
                   (%(statuses)s::text[])[1 + width_bucket(rs, %(cuts)s::float8[])],
                   %(since)s + rt * (%(until)s - %(since)s)
            FROM (
                SELECT g, random() AS rx, random() AS ry, random() AS rc,
                       random() AS rs, random() AS rt
                FROM generate_series(1, %(n)s) g
            ) draws
            """,
            {
                "x0": extent.min_lon,
                "x1": extent.max_lon,
                "y0": extent.min_lat,
                "y1": extent.max_lat,
                "categories": categories,
                "n_categories": len(categories),
                "statuses": [s for s, _ in STATUS_MIX],
                "cuts": cuts,
                "since": since,
                "until": until,
                "n": count,
            },
        ),
        "gist_index": _execute(f"CREATE INDEX ON {POINTS} USING gist (geom)"),
        "analyze": _execute(f"ANALYZE {POINTS}"),
    }
    return timings


# The engine's order for the staged reports, shaped like routing.zones.bulk (zone
# pieces outside the join, each probing the staged points' GiST index), with one
# difference: each point is indexed in a *lane* of its category (moved east by the
# category's rank in degrees) and each piece is moved into the lane of each of its
# zone's categories, so a probe meets only reports of that category. Probing by
# location alone meets every category's reports and lets the category join throw
# away most of them after an exact ST_Covers each (a GiST index on (category,
# location) would do the same as the lanes, but needs btree_gist). The exact test is
# on the real coordinates; the unit default and the triage desk come from the same
# joins as there. The routing suite's seed check holds this to the product's SQL.
_INSIDE = f"""
    CREATE TEMP TABLE {INSIDE} AS
    SELECT pt.id, pt.geom,
           ST_Translate(pt.geom, array_position(%(categories)s::bigint[], pt.category_id), 0)
               AS lane,
           pt.category_id, pt.status, pt.reported_at, u.unit_id
    FROM {POINTS} pt JOIN {UNITS} u ON u.point_id = pt.id
    ORDER BY pt.id LIMIT %(count)s
"""

_STAGE = f"""
    CREATE TEMP TABLE {STAGED} AS
    WITH zones AS MATERIALIZED (
        SELECT z.id, z.department_id, z.priority, z.area_m2, z.geom
        FROM routing_responsibilityzone z WHERE {ZoneState.SQL}
    ),
    pieces AS MATERIALIZED (
        SELECT p.id, zc.category_id,
               ST_Translate(p.geom,
                            array_position(%(categories)s::bigint[], zc.category_id), 0)
                   AS lane
        FROM (SELECT id, ST_Subdivide(geom, 64) AS geom FROM zones) p
        JOIN routing_responsibilityzone_categories zc ON zc.responsibilityzone_id = p.id
    ),
    best AS (
        SELECT DISTINCT ON (pt.id) pt.id, w.id AS zone_id, w.department_id
        FROM pieces p
        JOIN zones w ON w.id = p.id
        JOIN {INSIDE} pt ON pt.category_id = p.category_id AND p.lane && pt.lane
        WHERE ST_Covers(w.geom, pt.geom)
        ORDER BY pt.id, w.priority DESC, w.area_m2, w.id
    )
    SELECT nextval(pg_get_serial_sequence('routing_report', 'id')) AS report_id,
           i.id AS point_id, i.geom, i.category_id, i.status, i.reported_at, i.unit_id,
           au.boundary_set_id, s.jurisdiction_code,
           COALESCE(b.department_id, dd.department_id, t.id) AS department_id,
           b.zone_id,
           CASE WHEN b.zone_id IS NOT NULL THEN 'zone'
                WHEN dd.department_id IS NOT NULL THEN 'unit_default'
                ELSE 'triage' END AS rule
    FROM {INSIDE} i
    JOIN boundaries_adminunit au ON au.id = i.unit_id
    JOIN boundaries_boundaryset s ON s.id = au.boundary_set_id
    LEFT JOIN best b ON b.id = i.id
    LEFT JOIN (
        SELECT x.unit_id, x.department_id FROM routing_defaultdepartment x
        JOIN routing_department d ON d.id = x.department_id AND d.active
    ) dd ON dd.unit_id = i.unit_id
    LEFT JOIN LATERAL (
        SELECT id FROM routing_department
        WHERE kind = 'triage' AND active AND jurisdiction_code = s.jurisdiction_code
        ORDER BY id LIMIT 1
    ) t ON true
    ORDER BY i.id
"""


# Columns of the staged rows (``_STAGE``) inserted into the reports and their
# current assignments: table column → SQL over the staged row.
_REPORT_COLUMNS = {
    "id": "report_id",
    "tracking_code": f"'{TRACKING_PREFIX}' || lpad(point_id::text, 10, '0')",
    "location": "geom",
    "reported_at": "reported_at",
    "status": "status",
    "jurisdiction_code": "jurisdiction_code",
    "created_at": "reported_at",
    "updated_at": "reported_at",
    "category_id": "category_id",
    "department_id": "department_id",
    "unit_id": "unit_id",
}
_ASSIGNMENT_COLUMNS = {
    "report_id": "report_id",
    "is_current": "true",
    "boundary_set_id": "boundary_set_id",
    "unit_id": "unit_id",
    "department_id": "department_id",
    "zone_id": "zone_id",
    "rule": "rule",
    "cause": "'submit'",
    "near_edge": "false",
    "candidates": "'[]'::jsonb",
    "reason_vi": "'bench'",
    "reason_en": "'bench'",
    "decided_at": "reported_at",
}


def reports_create(
    *,
    count: int,
    extent: Extent,
    since: dt.datetime,
    until: dt.datetime,
    at: dt.datetime,
    seed: float = 0.42,
) -> dict[str, Any]:
    """``count`` reports at random points of ``extent`` that some unit covers, made
    between ``since`` and ``until``, routed with the zones in force at ``at``, each
    with its current assignment. Returns the seconds each step took."""
    _execute("SELECT setseed(%s)", [seed])
    timings: dict[str, Any] = {
        "points": _stage_points(extent, int(count * OVERDRAW) + 100, since, until)
    }
    _execute(f"CREATE TEMP TABLE {UNITS} (point_id bigint, unit_id bigint)")
    start = time.perf_counter()
    inside = points_assign(table=POINTS, into=UNITS, day=since.date())
    timings["units_assign"] = round(time.perf_counter() - start, 3)
    if inside < count:
        raise RuntimeError(
            f"only {inside:,} drawn points fell in a unit; need {count:,}"
        )
    lanes = {"categories": _category_ids(), "count": count}
    timings["inside"] = _execute(_INSIDE, lanes)
    timings["lane_index"] = _execute(f"CREATE INDEX ON {INSIDE} USING gist (lane)")
    _execute(f"ANALYZE {INSIDE}")
    timings["route"] = _execute(_STAGE, {**ZoneState(at=at).params(), **lanes})
    timings["insert_reports"] = _insert(Report, STAGED, _REPORT_COLUMNS)
    timings["insert_assignments"] = _insert(Assignment, STAGED, _ASSIGNMENT_COLUMNS)
    timings["analyze"] = _execute(
        "ANALYZE routing_report, routing_assignment, routing_responsibilityzone, "
        "routing_responsibilityzone_categories"
    )
    rules, open_reports = _staged_count()
    return {
        "reports": count,
        "open": open_reports,
        "drawn_points": int(count * OVERDRAW) + 100,
        "inside_units": inside,
        "rules": rules,
        "seconds": timings,
    }


def _staged_count() -> tuple[dict[str, int], int]:
    """The staged reports by routing rule, and how many are open; then the
    staging tables are dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rule, count(*) FROM {STAGED} GROUP BY rule ORDER BY rule"
        )
        rules = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE status = ANY(%s)) FROM {STAGED}",
            [list(Report.OPEN_STATUSES)],
        )
        open_reports = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {POINTS}, {UNITS}, {INSIDE}, {STAGED}")
    return rules, open_reports
