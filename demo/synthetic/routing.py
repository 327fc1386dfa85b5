"""Route the synthetic reports as the engine would, set-based, with the shared rules.

Each statement is the engine's rule written with the fragments the engine's own
queries use (``boundaries.sql``, ``routing.zones.sql``), only over a table of drawn
points instead of one point:

* the unit: the deepest unit covering the point (ties by ``covering_order``) in the
  administrative boundary set in force on the report's local day (``boundaries.lookup``);
* the zone: among the zones in force at ``reported_at`` for the report's category
  that cover the point (the whole zone, boundary-inclusive), the most specific;
* the department: the zone's, else the unit's active default department, else the
  triage desk of the unit's jurisdiction.

Raw SQL because the planner needs the shape of ``boundaries.bulk`` and
``routing.zones.bulk``: the polygons' pieces on the outer side of the join, each
probing the points' GiST index with its small box (``/work/shared/PITFALLS.md``).
A test routes a sample of generated reports through ``routing.engine.route`` and
finds the same unit, zone, department and rule.
"""

from __future__ import annotations

from boundaries import sql as bsql
from routing.zones import sql as zsql

# The deepest unit covering each point, in the set in force on its day. The pieces
# of the active sets carry their set's dates, so that the cheap date test runs
# before ST_Covers, in the points' index scan.
UNITS = f"""
    CREATE TEMP TABLE gen_unit AS
    WITH pieces AS MATERIALIZED (
        SELECT p.unit_id, p.depth, p.code, p.area_m2, p.geom, s.priority,
               s.valid_from, s.valid_to
        FROM boundaries_adminunitpart p
        JOIN boundaries_boundaryset s
          ON s.id = p.boundary_set_id AND {bsql.set_active("s")}
         AND {bsql.set_in_layer("s")}
    )
    SELECT DISTINCT ON (g.i) g.i, p.unit_id
    FROM pieces p
    JOIN gen g
      ON {bsql.set_dates_cover("p", "g.day")} AND {bsql.part_covers("p", "g.geom")}
    ORDER BY g.i, {bsql.covering_order("p", "p.priority")}
"""

# The first ``n`` draws that landed in a unit, with the unit's set and jurisdiction.
PICK = """
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

# The most specific zone in force at each report's time covering it (published zones
# only, then their dates per report). The zones' pieces only find candidates (&&, on the
# reports' index); coverage is tested on the whole zone, as the engine does, because a
# piece's cut line crossing the zone's outline adds a rounded vertex that the zone
# itself may not cover (see routing.zones.bulk). _ST_Covers: the exact test only, the
# index work being the pieces' &&.
ZONES = f"""
    CREATE TEMP TABLE gen_zone AS
    WITH zones AS MATERIALIZED (
        SELECT z.id, z.department_id, z.priority, z.area_m2, z.geom, z.valid_from,
               z.valid_to
        FROM routing_responsibilityzone z WHERE {zsql.zone_published("z")}
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
    WHERE {zsql.zone_dates_cover("w", "g.reported_at")}
      AND {zsql.zone_covers("w", "g.geom", exact_only=True)}
    ORDER BY g.i, {zsql.specificity_order("w")}
"""

# Every picked report with its zone, department and rule (zone → unit default →
# triage desk of the unit's jurisdiction).
ROUTED = f"""
    SELECT g.*, z.zone_id,
           {zsql.fallback_department(zone="z", unit_default="dd", triage="t")}
               AS department_id,
           {zsql.fallback_rule(zone="z", unit_default="dd")} AS rule
    FROM gen_pick g
    LEFT JOIN gen_zone z ON z.i = g.i
    {zsql.unit_default_join("dd", "g.unit_id")}
    {zsql.triage_desk_join("t", "g.jurisdiction_code")}
"""
