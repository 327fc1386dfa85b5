"""Topology check of a zone state, per category, over a jurisdiction — in PostGIS.

- gaps: parts of the province where no zone of the category applies, so reports fall
  back to the unit's default department (a category with no zone at all is reported
  as such, without drawing the whole province);
- overlaps: two zones of the same category and the *same priority* sharing area
  (the smaller area then wins silently, which an officer should know);
- invalid: zones whose geometry is invalid (self-intersections, bad rings). They are
  left out of the gap and overlap computations, which GEOS cannot run on them.

Each finding has its area in m² (on the geography), a point inside it and, for the map,
its GeoJSON. Areas below MIN_AREA_M2 are numeric slivers of shared edges and ignored.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from boundaries.sql import param, set_in_force
from routing.zones.state import ZoneState

MIN_AREA_M2 = 1.0
MAX_PARTS = 20  # per category, largest first

_STATE_ZONES = f"""
    zs AS MATERIALIZED (
        SELECT z.id, z.name, z.priority, z.geom, ST_IsValid(z.geom) AS valid
        FROM routing_responsibilityzone z
        WHERE {ZoneState.SQL} AND z.jurisdiction_code = %(jurisdiction)s
    )
"""

# The province as drawn by the boundary set in force on the state's day.
_PROVINCE = f"""
    province AS (
        SELECT ST_Union(u.geom) AS g
        FROM boundaries_adminunit u
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        WHERE {set_in_force("s", param("day"))}
          AND s.jurisdiction_code = %(jurisdiction)s
          AND u.level = 'province'
    )
"""

_GAPS = f"""
    WITH {_STATE_ZONES}, {_PROVINCE},
    cover AS (
        SELECT zc.category_id, ST_Union(zs.geom) AS g
        FROM zs JOIN routing_responsibilityzone_categories zc
          ON zc.responsibilityzone_id = zs.id
        WHERE zs.valid
        GROUP BY zc.category_id
    ),
    gap AS (
        SELECT c.id, c.code, cover.g IS NULL AS no_zones,
               CASE WHEN cover.g IS NULL THEN province.g
                    ELSE ST_Difference(province.g, cover.g) END AS g
        FROM routing_category c CROSS JOIN province
        LEFT JOIN cover ON cover.category_id = c.id
        WHERE c.active AND province.g IS NOT NULL
    ),
    parts AS (
        SELECT gap.code, gap.no_zones, d.geom,
               ST_Area(d.geom::geography) AS area_m2
        FROM gap, LATERAL ST_Dump(gap.g) d
    ),
    ranked AS (
        SELECT *, row_number() OVER (PARTITION BY code ORDER BY area_m2 DESC) AS n,
               sum(area_m2) OVER (PARTITION BY code) AS total_m2,
               count(*) OVER (PARTITION BY code) AS parts
        FROM parts WHERE area_m2 >= %(min_area)s
    )
    SELECT code, no_zones, total_m2, parts, area_m2,
           ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)),
           CASE WHEN no_zones THEN NULL ELSE ST_AsGeoJSON(geom, 6) END
    FROM ranked WHERE n <= %(max_parts)s
    ORDER BY code, n
"""

_OVERLAPS = f"""
    WITH {_STATE_ZONES},
    pairs AS (
        SELECT a.id AS a_id, a.name AS a_name, b.id AS b_id, b.name AS b_name,
               a.priority, ST_Intersection(a.geom, b.geom) AS g,
               array_agg(DISTINCT c.code ORDER BY c.code) AS categories
        FROM zs a
        JOIN zs b ON a.id < b.id AND a.priority = b.priority AND a.geom && b.geom
        JOIN routing_responsibilityzone_categories ca ON ca.responsibilityzone_id = a.id
        JOIN routing_responsibilityzone_categories cb
          ON cb.responsibilityzone_id = b.id AND cb.category_id = ca.category_id
        JOIN routing_category c ON c.id = ca.category_id
        WHERE a.valid AND b.valid AND ST_Relate(a.geom, b.geom, '2********')
        GROUP BY a.id, a.name, b.id, b.name, a.priority, a.geom, b.geom
    )
    SELECT a_id, a_name, b_id, b_name, priority, categories,
           ST_Area(g::geography), ST_X(ST_PointOnSurface(g)), ST_Y(ST_PointOnSurface(g)),
           ST_AsGeoJSON(g, 6)
    FROM pairs WHERE ST_Area(g::geography) >= %(min_area)s
    ORDER BY 7 DESC
"""

_INVALID = f"""
    WITH {_STATE_ZONES}
    SELECT zs.id, zs.name, ST_IsValidReason(zs.geom),
           ST_X(location(ST_IsValidDetail(zs.geom))), ST_Y(location(ST_IsValidDetail(zs.geom)))
    FROM zs WHERE NOT zs.valid
    ORDER BY zs.id
"""


def zones_topology_check(
    *, state: ZoneState, jurisdiction: str = "44"
) -> dict[str, Any]:
    """Gaps, equal-priority overlaps and invalid zones of ``state``, per category."""
    params = state.params() | {
        "jurisdiction": jurisdiction,
        "day": timezone.localdate(state.at),
        "min_area": MIN_AREA_M2,
        "max_parts": MAX_PARTS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_GAPS, params)
        gap_rows = cursor.fetchall()
        cursor.execute(_OVERLAPS, params)
        overlap_rows = cursor.fetchall()
        cursor.execute(_INVALID, params)
        invalid_rows = cursor.fetchall()

    gaps: dict[str, dict[str, Any]] = {}
    for code, no_zones, total, parts, area, lon, lat, geojson in gap_rows:
        entry = gaps.setdefault(
            code,
            {
                "category": code,
                "no_zones": no_zones,
                "area_m2": round(total, 1),
                "parts": parts,
                "largest": [],
            },
        )
        entry["largest"].append(
            {
                "area_m2": round(area, 1),
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "geometry": geojson,
            }
        )
    overlaps = [
        {
            "zones": [a_id, b_id],
            "names": [a_name, b_name],
            "priority": priority,
            "categories": categories,
            "area_m2": round(area, 1),
            "lon": round(lon, 6),
            "lat": round(lat, 6),
            "geometry": geojson,
        }
        for a_id, a_name, b_id, b_name, priority, categories, area, lon, lat, geojson in overlap_rows
    ]
    invalid = [
        {"zone": zone_id, "name": name, "reason": reason, "lon": lon, "lat": lat}
        for zone_id, name, reason, lon, lat in invalid_rows
    ]
    return {
        "gaps": list(gaps.values()),
        "overlaps": overlaps,
        "invalid": invalid,
        "ok": not invalid,
    }
