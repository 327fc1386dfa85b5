"""Assign many points at once to the unit that covers each of them on a day.

The rule is the one of :mod:`boundaries.lookup`: boundary-inclusive ``ST_Covers``, the
deepest covering unit wins, then the set of higher priority, the smaller unit and the
lower code (numeric-aware); only active sets of one layer (of one jurisdiction, or of
every one) valid on the day are searched. A point covered by no unit gets no row. The
rule's SQL is the fragments of :mod:`boundaries.sql`, shared with the lookup; tests
hold both to the same answers on shared edges, vertices, seams and overlaps.

Two shapes: :func:`points_assign` for a table of points (a million, a benchmark's
load, a user's CSV through ``manage.py points_assign``), :func:`coordinates_assign`
for arrays of coordinates held in memory (the grid cells of the hot-spot analysis).

Raw SQL because the planner needs it: one set-based ``INSERT … SELECT`` joins the
``ST_Subdivide`` pieces to the points, and the fast plan is a nested loop with the few
hundred pieces on the *outer* side, each probing the points' GiST index with its small
bounding box. Per-point lookups from Python, a correlated subquery per point, or a plan
with the points outside all run several times slower (see ``/work/shared/PITFALLS.md``
and ``python -m bench``). Left to itself the planner picked either order from one run
to the next (speed varied tenfold); the points are therefore searched in a
``LATERAL`` subquery behind ``OFFSET 0``, which the planner may not flatten, so the
pieces are always outside and each probes the index. ``DISTINCT ON (point)`` then
keeps one unit per point: pieces share seams and parents overlap their children, so a
point matches several pieces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import connection

from boundaries import sql
from boundaries.layers import ADMINISTRATIVE

# A table name, optionally schema-qualified; quoted again by the database backend.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?")

# Each piece of the sets (outer), then the points it covers (the LATERAL subquery,
# an index probe per piece; OFFSET 0 keeps the planner from turning the join round).
_MATCHES = f"""
    SELECT pt.id, p.unit_id, p.depth, s.priority, p.area_m2, p.code
    FROM boundaries_boundaryset s
    JOIN boundaries_adminunitpart p ON p.boundary_set_id = s.id
    CROSS JOIN LATERAL (
        SELECT pt.id FROM {{table}} pt WHERE {sql.part_covers("p", "pt.geom")} OFFSET 0
    ) pt
    WHERE s.id = ANY(%(sets)s::bigint[])
"""

_ASSIGN = f"""
    INSERT INTO {{into}} (point_id, unit_id)
    SELECT DISTINCT ON (c.id) c.id, c.unit_id
    FROM ({_MATCHES}) c
    ORDER BY c.id, {sql.covering_order("c", "c.priority")}
"""

# The same, saying whether the point was ambiguous: several units of the winner's
# depth cover it (one row per unit first, since a point on a seam matches two
# pieces of one unit).
_ASSIGN_AMBIGUOUS = f"""
    INSERT INTO {{into}} (point_id, unit_id, ambiguous)
    SELECT DISTINCT ON (c.id) c.id, c.unit_id, c.tied > 1
    FROM (
        SELECT u.*, count(*) OVER (PARTITION BY u.id, u.depth) AS tied
        FROM (SELECT DISTINCT * FROM ({_MATCHES}) m) u
    ) c
    ORDER BY c.id, {sql.covering_order("c", "c.priority")}
"""

# The same rule for coordinates passed as two arrays: point i (from 1) of the arrays
# gets the unit of the first row of its DISTINCT ON group.
_COORDINATES = f"""
    SELECT DISTINCT ON (pt.i) pt.i, p.unit_id
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY
         AS pt(lon, lat, i)
    JOIN boundaries_adminunitpart p
      ON {sql.part_covers("p", sql.point("pt.lon", "pt.lat"))}
    JOIN boundaries_boundaryset s ON s.id = p.boundary_set_id
    WHERE p.boundary_set_id = ANY(%(sets)s::bigint[])
    ORDER BY pt.i, {sql.covering_order("p", "s.priority")}
"""


def quote_table(name: str) -> str:
    """``name`` quoted as an SQL identifier; refuses anything but a plain table name."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"Not a plain table name: {name!r}")
    return ".".join(connection.ops.quote_name(part) for part in name.split("."))


def valid_set_ids(
    day: dt.date, *, layer: str = ADMINISTRATIVE, jurisdiction: str | None = None
) -> list[int]:
    """Ids of the active boundary sets of ``layer`` in force on ``day`` (one per
    jurisdiction; of ``jurisdiction`` only when given)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql.SETS_IN_SCOPE} ORDER BY s.id",
            {"day": day, "layer": layer, "jurisdiction": jurisdiction},
        )
        return [row[0] for row in cursor.fetchall()]


def assign_statement(*, table: str, into: str, ambiguous: bool = False) -> str:
    """The ``INSERT … SELECT`` of :func:`points_assign`, with ``%(sets)s`` to bind."""
    template = _ASSIGN_AMBIGUOUS if ambiguous else _ASSIGN
    return template.format(table=quote_table(table), into=quote_table(into))


def points_assign(
    *,
    table: str,
    into: str,
    day: dt.date,
    layer: str = ADMINISTRATIVE,
    jurisdiction: str | None = None,
    ambiguous: bool = False,
) -> int:
    """Write ``(point_id, unit_id)`` into ``into`` for every point of ``table``
    covered by a unit of ``layer`` (of ``jurisdiction``, when given) on ``day``.

    ``table`` has columns ``id bigint`` and ``geom geometry(Point, 4326)`` and a GiST
    index on ``geom`` (each piece probes it). ``into`` has columns ``point_id bigint``
    and ``unit_id bigint`` (and ``ambiguous boolean`` when ``ambiguous``: several
    units of the winner's depth cover the point); rows are appended. Returns the
    number of points assigned (0 when no set is valid on ``day``).
    """
    statement = assign_statement(table=table, into=into, ambiguous=ambiguous)
    sets = valid_set_ids(day, layer=layer, jurisdiction=jurisdiction)
    if not sets:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(statement, {"sets": sets})
        return cursor.rowcount


def coordinates_assign(
    *, lons: Sequence[float], lats: Sequence[float], sets: Sequence[int]
) -> list[int | None]:
    """The id of the unit of ``sets`` covering each point (``lons[i]``,
    ``lats[i]``), or None where no unit does; one set-based statement.

    ``sets`` are boundary set ids, usually :func:`valid_set_ids` of a day (a caller
    that needs them for other queries too looks them up once)."""
    if len(lons) != len(lats):
        raise ValueError("lons and lats differ in length.")
    units: list[int | None] = [None] * len(lons)
    if not units or not sets:
        return units
    with connection.cursor() as cursor:
        cursor.execute(
            _COORDINATES, {"lons": list(lons), "lats": list(lats), "sets": list(sets)}
        )
        for i, unit_id in cursor.fetchall():
            units[i - 1] = unit_id
    return units
