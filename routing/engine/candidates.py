"""Load what the engine needs for one point, in as few queries as possible.

1. The boundary lookup (one query; a second only for a point outside every unit).
2. One query for the unit's edge distance, its default department and the triage desk.
3. One query for the zones in force for the category within ``near_edge_m`` of the
   point: covering it or not, with the distance to each zone's edge in metres.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone

from boundaries.lookup import Lookup, point_lookup
from geo.errors import Misconfigured
from geo.projections import degree_margin
from routing.engine.decision import DepartmentRef, UnitCandidate, ZoneCandidate


class NoTriageDesk(Misconfigured):
    """The jurisdiction has no active triage desk to fall back on."""


_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"

# Distance to an edge in metres, on the geography of the few boundary pieces nearest
# the point (K-nearest on the edge table's index): microseconds instead of the
# milliseconds a 2,000-vertex boundary costs. Rows made without edge pieces (loaded
# by hand) fall back to the whole boundary.
_EDGE_M = f"""COALESCE(
    (SELECT min(ST_Distance(e.geom::geography, {_POINT}::geography)) FROM (
        SELECT geom FROM {{table}} WHERE {{key}} = {{owner}}.id
        ORDER BY geom <-> {_POINT} LIMIT 8) e),
    ST_Distance(ST_Boundary({{owner}}.geom)::geography, {_POINT}::geography))"""

_UNIT_AND_DEPARTMENTS = f"""
    SELECT
        {_EDGE_M.format(table="boundaries_adminunitedge", key="unit_id", owner="u")},
        s.jurisdiction_code,
        d.id, d.code, d.name_vi, d.name_en,
        t.id, t.code, t.name_vi, t.name_en
    FROM boundaries_adminunit u
    JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
    LEFT JOIN routing_defaultdepartment dd ON dd.unit_id = u.id
    LEFT JOIN routing_department d ON d.id = dd.department_id AND d.active
    LEFT JOIN LATERAL (
        SELECT id, code, name_vi, name_en FROM routing_department
        WHERE kind = 'triage' AND active
          AND jurisdiction_code = COALESCE(%(jurisdiction)s, s.jurisdiction_code)
        ORDER BY id LIMIT 1
    ) t ON true
    WHERE u.id = %(unit_id)s
"""

# The && prefilter on an expanded box uses the zones' GiST index; a zone is then a
# candidate when it covers the point or its edge lies within ``near`` metres.
_ZONES = f"""
    SELECT z.id, z.name, z.priority, z.area_m2,
           d.id, d.code, d.name_vi, d.name_en,
           c.covers, e.edge_m
    FROM routing_responsibilityzone z
    JOIN routing_responsibilityzone_categories zc
      ON zc.responsibilityzone_id = z.id AND zc.category_id = %(category_id)s
    JOIN routing_department d ON d.id = z.department_id
    CROSS JOIN LATERAL (SELECT ST_Covers(z.geom, {_POINT}) AS covers) c
    CROSS JOIN LATERAL (
        SELECT {_EDGE_M.format(table="routing_zoneedge", key="zone_id", owner="z")} AS edge_m
    ) e
    WHERE z.status = 'published'
      AND z.valid_from <= %(at)s AND (z.valid_to IS NULL OR z.valid_to > %(at)s)
      AND z.geom && ST_Expand({_POINT}, %(dlon)s, %(dlat)s)
      AND (c.covers OR e.edge_m <= %(near)s)
"""


def unit_candidate(
    *, lon: float, lat: float, at: dt.datetime, jurisdiction: str | None = None
) -> tuple[UnitCandidate, DepartmentRef]:
    """The unit for the point at ``at`` and the triage desk of its jurisdiction
    (that of the unit's boundary set unless ``jurisdiction`` is given).

    Raises boundaries.lookup.OutsideAllUnits beyond the shore tolerance
    (settings.ROUTING_SHORE_TOLERANCE_M) and NoBoundarySet before every set.
    """
    day = timezone.localdate(at)
    found: Lookup = point_lookup(
        lon=lon, lat=lat, day=day, nearest_within_m=settings.ROUTING_SHORE_TOLERANCE_M
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _UNIT_AND_DEPARTMENTS,
            {
                "lon": lon,
                "lat": lat,
                "unit_id": found.unit.id,
                "jurisdiction": jurisdiction,
            },
        )
        edge, jurisdiction_code, *departments = cursor.fetchone()
    default = DepartmentRef(*departments[:4]) if departments[0] else None
    if departments[4] is None:
        raise NoTriageDesk(
            "no_triage_desk",
            "Chưa cấu hình bộ phận tiếp nhận (triage) của trung tâm điều hành.",
            "No operations-centre triage desk is configured.",
        )
    triage = DepartmentRef(*departments[4:])
    unit = UnitCandidate(
        id=found.unit.id,
        code=found.unit.code,
        name=found.unit.name,
        level=found.unit.level,
        boundary_set_id=found.boundary_set.id,
        boundary_set_slug=found.boundary_set.slug,
        jurisdiction_code=jurisdiction_code,
        chain=tuple(u.name for u in found.chain),
        matched=found.matched,
        outside_m=found.distance_m,
        edge_distance_m=float(edge),
        default_department=default,
    )
    return unit, triage


def zone_candidates(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> list[ZoneCandidate]:
    """Zones in force at ``at`` for the category that cover the point or lie within
    ``near_m`` metres of it."""
    dlon, dlat = degree_margin(lat, near_m)
    params = {
        "lon": lon,
        "lat": lat,
        "category_id": category_id,
        "at": at,
        "near": near_m,
        "dlon": dlon,
        "dlat": dlat,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ZONES, params)
        rows = cursor.fetchall()
    return [
        ZoneCandidate(
            id=row[0],
            name=row[1],
            priority=row[2],
            area_m2=row[3],
            department=DepartmentRef(*row[4:8]),
            covers=row[8],
            edge_distance_m=float(row[9]),
        )
        for row in rows
    ]
