"""Load what the engine needs for one point, in as few queries as possible.

1. The boundary lookup (``boundaries.lookup.point_lookup``, one query with the
   unit's jurisdiction and its distance to its own edge; more only for a point
   outside every unit).
2. One query for the unit's default department and its jurisdiction's triage desk.
3. One query for the zones in force for the category within ``near_edge_m`` of the
   point: covering it or not, with the distance to each zone's edge in metres.

With each department they name, the two last bring the department's e-mail and
webhook (:class:`Contact`): not part of the decision, they let the intake write its
outbox rows without asking for the chosen department again. Folding the three
into one statement was measured slower than three round trips on loopback (the
bigger statement costs more to plan than the round trips it saves), so they stay
three; the lookup's SQL is the boundaries app's, called, not copied.

The rules are the shared fragments of ``boundaries.sql`` and ``routing.zones.sql``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from boundaries import prepared
from boundaries import sql as bsql
from boundaries.jurisdictions import jurisdiction_label
from boundaries.lookup import Lookup, point_lookup
from geo.errors import Misconfigured
from geo.projections import degree_margin
from routing.engine.decision import DepartmentRef, UnitCandidate, ZoneCandidate
from routing.zones import sql as zsql


class NoTriageDesk(Misconfigured):
    """The jurisdiction has no active triage desk to fall back on."""


@dataclass(frozen=True)
class Contact:
    """Where a department's notifications go (``routing.notifications.outbox``)."""

    email: str
    webhook_url: str


@dataclass(frozen=True)
class Candidates:
    """Everything ``decide`` weighs for one point, and the departments' contacts."""

    unit: UnitCandidate
    triage: DepartmentRef
    zones: list[ZoneCandidate]
    contacts: dict[int, Contact]  # by department id, for every department above


# The fallbacks for the unit the lookup found: its default department (if active)
# and its jurisdiction's triage desk, each with its contact (see ``_fallbacks``).
# Routing tables only; the unit and its jurisdiction come from boundaries.lookup.
_DEPARTMENTS = f"""
    SELECT dd.department_id, dd.code, dd.name_vi, dd.name_en, dd.email, dd.webhook_url,
           t.department_id, t.code, t.name_vi, t.name_en, t.email, t.webhook_url
    FROM (SELECT %(unit_id)s::bigint AS unit_id,
                 %(jurisdiction)s::varchar AS jurisdiction_code) r
    {zsql.unit_default_join("dd", "r.unit_id")}
    {zsql.triage_desk_join("t", "r.jurisdiction_code")}
"""

_ZONE_EDGE_M = bsql.edge_distance_m(table="routing_zoneedge", key="zone_id", owner="z")

# The && prefilter on an expanded box uses the zones' GiST index; a zone is then a
# candidate when it covers the point or its edge lies within ``near`` metres. The
# zones of the category come first (a MATERIALIZED CTE, so that the planner cannot
# test coverage on the whole outlines of every category's zones before the category
# narrows them: about a quarter of a millisecond where the zones of many categories
# meet).
_ZONES = f"""
    WITH near AS MATERIALIZED (
        SELECT z.id, z.name, z.priority, z.area_m2, z.department_id, z.geom
        FROM routing_responsibilityzone z
        JOIN routing_responsibilityzone_categories zc
          ON zc.responsibilityzone_id = z.id AND zc.category_id = %(category_id)s
        WHERE {zsql.zone_in_force("z", bsql.param("at"))}
          AND z.geom && ST_Expand({bsql.point()}, %(dlon)s, %(dlat)s)
    )
    SELECT z.id AS zone_id, z.name AS zone_name, z.priority, z.area_m2,
           d.id AS department_id, d.code, d.name_vi, d.name_en,
           zcov.covers, zedge.edge_m, d.email, d.webhook_url
    FROM near z
    JOIN routing_department d ON d.id = z.department_id
    CROSS JOIN LATERAL (SELECT {zsql.zone_covers("z", bsql.point())} AS covers) zcov
    CROSS JOIN LATERAL (SELECT {_ZONE_EDGE_M} AS edge_m) zedge
    WHERE zcov.covers OR zedge.edge_m <= %(near)s
"""


def _fallbacks(
    row: tuple, code: str
) -> tuple[DepartmentRef | None, DepartmentRef, dict[int, Contact]]:
    """The default department (or None), the triage desk and their contacts, from
    the twelve columns of ``_DEPARTMENTS``; raises NoTriageDesk for a jurisdiction
    without one."""
    if row[6] is None:
        named = jurisdiction_label(code)
        raise NoTriageDesk(
            "no_triage_desk",
            "Chưa cấu hình bộ phận tiếp nhận (triage) của trung tâm điều hành "
            f"cho {named}.",
            f"No operations-centre triage desk is configured for {named}.",
            extra={"jurisdiction": code},
        )
    default = DepartmentRef(*row[0:4]) if row[0] is not None else None
    triage = DepartmentRef(*row[6:10])
    contacts = {triage.id: Contact(*row[10:12])}
    if default is not None:
        contacts[default.id] = Contact(*row[4:6])
    return default, triage, contacts


def _zone(row: tuple) -> tuple[ZoneCandidate, Contact]:
    zone = ZoneCandidate(
        id=row[0],
        name=row[1],
        priority=row[2],
        area_m2=row[3],
        department=DepartmentRef(*row[4:8]),
        covers=row[8],
        edge_distance_m=float(row[9]),
    )
    return zone, Contact(*row[10:12])


def _zones(rows: list[tuple]) -> tuple[list[ZoneCandidate], dict[int, Contact]]:
    zones, contacts = [], {}
    for row in rows:
        zone, contact = _zone(row)
        zones.append(zone)
        contacts[zone.department.id] = contact
    return zones, contacts


def _unit_found(found: Lookup, default: DepartmentRef | None) -> UnitCandidate:
    assert found.edge_m is not None  # asked for with_edge
    return UnitCandidate(
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


def _lookup(*, lon: float, lat: float, at: dt.datetime) -> Lookup:
    return point_lookup(
        lon=lon,
        lat=lat,
        day=timezone.localdate(at),
        nearest_within_m=settings.ROUTING_SHORE_TOLERANCE_M,
        with_edge=True,
    )


def _unit_lookup(
    *, lon: float, lat: float, at: dt.datetime, jurisdiction: str | None
) -> tuple[UnitCandidate, DepartmentRef, dict[int, Contact]]:
    found = _lookup(lon=lon, lat=lat, at=at)
    code = jurisdiction or found.boundary_set.jurisdiction_code
    rows = prepared.fetchall(
        _DEPARTMENTS, {"unit_id": found.unit.id, "jurisdiction": code}
    )
    default, triage, contacts = _fallbacks(rows[0], code)  # always one row (left joins)
    return _unit_found(found, default), triage, contacts


def unit_candidate(
    *, lon: float, lat: float, at: dt.datetime, jurisdiction: str | None = None
) -> tuple[UnitCandidate, DepartmentRef]:
    """The unit for the point at ``at`` and the triage desk of its jurisdiction
    (that of the unit's boundary set unless ``jurisdiction`` is given), by the
    boundary lookup and one more query.

    Raises boundaries.lookup.OutsideAllUnits beyond the shore tolerance
    (settings.ROUTING_SHORE_TOLERANCE_M) and NoBoundarySet before every set.
    """
    unit, triage, _ = _unit_lookup(lon=lon, lat=lat, at=at, jurisdiction=jurisdiction)
    return unit, triage


def _zone_params(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> dict[str, Any]:
    dlon, dlat = degree_margin(lat, near_m)
    return {
        "lon": lon,
        "lat": lat,
        "category_id": category_id,
        "at": at,
        "near": near_m,
        "dlon": dlon,
        "dlat": dlat,
    }


def _zones_near(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> tuple[list[ZoneCandidate], dict[int, Contact]]:
    params = _zone_params(
        lon=lon, lat=lat, category_id=category_id, at=at, near_m=near_m
    )
    return _zones(prepared.fetchall(_ZONES, params))


def zone_candidates(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> list[ZoneCandidate]:
    """Zones in force at ``at`` for the category that cover the point or lie within
    ``near_m`` metres of it."""
    zones, _ = _zones_near(
        lon=lon, lat=lat, category_id=category_id, at=at, near_m=near_m
    )
    return zones


def route_candidates(
    *, lon: float, lat: float, category_id: int, at: dt.datetime, near_m: float
) -> Candidates:
    """The unit, the triage desk and the zones for a report at (lon, lat) of the
    category made at ``at``, with the departments' contacts (see the module
    docstring). Raises OutsideAllUnits beyond the shore tolerance, NoBoundarySet
    before every set and NoTriageDesk for a jurisdiction without a desk."""
    unit, triage, contacts = _unit_lookup(lon=lon, lat=lat, at=at, jurisdiction=None)
    zones, more = _zones_near(
        lon=lon, lat=lat, category_id=category_id, at=at, near_m=near_m
    )
    return Candidates(unit, triage, zones, {**contacts, **more})
