"""Load what the engine needs for one point, in as few queries as possible.

1. The boundary lookup (``boundaries.lookup.point_lookup``, one query with the
   unit's jurisdiction and its distance to its own edge; more only for a point
   outside every unit).
2. One query for the unit's default department and its jurisdiction's triage desk.
3. One query for the zones in force for the category within ``near_edge_m`` of the
   point: covering it or not, with the distance to each zone's edge in metres.

The rules are the shared fragments of ``boundaries.sql`` and ``routing.zones.sql``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone

from boundaries import sql as bsql
from boundaries.jurisdictions import jurisdiction_label
from boundaries.lookup import Lookup, point_lookup
from geo.errors import Misconfigured
from geo.projections import degree_margin
from routing.engine.decision import DepartmentRef, UnitCandidate, ZoneCandidate
from routing.zones import sql as zsql


class NoTriageDesk(Misconfigured):
    """The jurisdiction has no active triage desk to fall back on."""


# The fallbacks for the unit the lookup found: its default department (if active)
# and its jurisdiction's triage desk. Routing tables only; the unit and its
# jurisdiction come from boundaries.lookup.
_DEPARTMENTS = f"""
    SELECT dd.department_id, dd.code, dd.name_vi, dd.name_en,
           t.department_id, t.code, t.name_vi, t.name_en
    FROM (SELECT %(unit_id)s::bigint AS unit_id,
                 %(jurisdiction)s::varchar AS jurisdiction_code) r
    {zsql.unit_default_join("dd", "r.unit_id")}
    {zsql.triage_desk_join("t", "r.jurisdiction_code")}
"""

_ZONE_EDGE_M = bsql.edge_distance_m(table="routing_zoneedge", key="zone_id", owner="z")

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
    CROSS JOIN LATERAL (SELECT {zsql.zone_covers("z", bsql.point())} AS covers) c
    CROSS JOIN LATERAL (SELECT {_ZONE_EDGE_M} AS edge_m) e
    WHERE {zsql.zone_in_force("z", bsql.param("at"))}
      AND z.geom && ST_Expand({bsql.point()}, %(dlon)s, %(dlat)s)
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
    found: Lookup = point_lookup(
        lon=lon,
        lat=lat,
        day=timezone.localdate(at),
        nearest_within_m=settings.ROUTING_SHORE_TOLERANCE_M,
        with_edge=True,
    )
    code = jurisdiction or found.boundary_set.jurisdiction_code
    with connection.cursor() as cursor:
        cursor.execute(_DEPARTMENTS, {"unit_id": found.unit.id, "jurisdiction": code})
        departments = cursor.fetchone()
    default = DepartmentRef(*departments[:4]) if departments[0] else None
    if departments[4] is None:
        named = jurisdiction_label(code)
        raise NoTriageDesk(
            "no_triage_desk",
            "Chưa cấu hình bộ phận tiếp nhận (triage) của trung tâm điều hành "
            f"cho {named}.",
            f"No operations-centre triage desk is configured for {named}.",
            extra={"jurisdiction": code},
        )
    triage = DepartmentRef(*departments[4:])
    assert found.edge_m is not None  # asked for with_edge
    unit = UnitCandidate(
        id=found.unit.id,
        code=found.unit.code,
        name=found.unit.name,
        level=found.unit.level,
        boundary_set_id=found.boundary_set.id,
        boundary_set_slug=found.boundary_set.slug,
        jurisdiction_code=found.boundary_set.jurisdiction_code,
        chain=tuple(u.name for u in found.chain),
        matched=found.matched,
        outside_m=found.distance_m,
        edge_distance_m=found.edge_m,
        default_department=default,
    )
    return unit, triage


def zone_candidates(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> list[ZoneCandidate]:
    """Zones in force at ``at`` for the category that cover the point or lie within
    ``near_m`` metres of it."""
    dlon, dlat = degree_margin(lat, near_m)
    params: dict[str, float | dt.datetime] = {
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
