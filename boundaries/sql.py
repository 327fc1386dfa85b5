"""The boundary rules as named SQL fragments, written once for every query that needs them.

Point lookups (``boundaries.lookup``), bulk assignment (``boundaries.bulk``), the zone
topology check, the routing engine's candidates and the synthetic generator all ask
the same questions in SQL: which boundary sets are in force on a day, which unit wins
among those covering a point, how far a point lies from an edge. Each rule lives here
as a function that returns a fragment over the caller's table aliases, so a change of
rule (a tie-break, an inclusive date) is one edit, and tests hold every query to it.

Values never enter the text: arguments are aliases (checked to be plain identifiers)
and value expressions, which are placeholders such as ``%(day)s`` (see :func:`param`)
or columns of the caller's query (``g.day``), so values stay bound by the driver. The
one constant is :data:`ADMINISTRATIVE_LAYER`, the layer routing and statistics read.
The ORM spelling of "in force on a day" (``BoundarySet.objects.active().valid_on``)
is kept for Django code; a test holds it equal to :func:`set_in_force`.
"""

from __future__ import annotations

import re

from boundaries.layers import ADMINISTRATIVE, validate_layer

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def name(identifier: str) -> str:
    """``identifier`` if it is a plain SQL name (an alias, a column, a parameter)."""
    if not _NAME.fullmatch(identifier):
        raise ValueError(f"Not a plain SQL name: {identifier!r}")
    return identifier


def param(parameter: str) -> str:
    """The placeholder of a named parameter: ``%(parameter)s``."""
    return f"%({name(parameter)})s"


def point(lon: str = param("lon"), lat: str = param("lat")) -> str:
    """A point in EPSG:4326 from two value expressions (placeholders or columns)."""
    return f"ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)"


# --- the boundary set in force on a day ------------------------------------------

validate_layer(ADMINISTRATIVE)
# The administrative layer as an SQL literal (a checked constant, not a value).
ADMINISTRATIVE_LAYER = f"'{ADMINISTRATIVE}'"


def set_active(alias: str) -> str:
    """Only *active* sets answer (drafts are being checked, retired ones replaced)."""
    return f"{name(alias)}.status = 'active'"


def set_dates_cover(alias: str, day: str = param("day")) -> str:
    """The set's validity contains ``day``: both ends inclusive, an open end open."""
    a = name(alias)
    return (
        f"({a}.valid_from <= {day} AND ({a}.valid_to IS NULL OR {a}.valid_to >= {day}))"
    )


def set_in_layer(alias: str, layer: str = ADMINISTRATIVE_LAYER) -> str:
    """The set belongs to ``layer`` (a placeholder, or the administrative layer)."""
    return f"{name(alias)}.layer = {layer}"


def set_of_jurisdiction(alias: str, jurisdiction: str = param("jurisdiction")) -> str:
    """The set belongs to ``jurisdiction`` (a code), or to any when it is NULL."""
    return f"({jurisdiction}::text IS NULL OR {name(alias)}.jurisdiction_code = {jurisdiction})"


def set_in_force(
    alias: str, day: str = param("day"), layer: str = ADMINISTRATIVE_LAYER
) -> str:
    """Predicate over ``alias`` (a row with the boundary set's ``status``,
    ``valid_from``, ``valid_to`` and ``layer``): the set answers lookups of ``layer``
    (the administrative one unless given) on ``day``.

    Two active sets of one jurisdiction and layer never overlap in time (an exclusion
    constraint), so this names at most one set per jurisdiction."""
    return (
        f"({set_active(alias)} AND {set_dates_cover(alias, day)} "
        f"AND {set_in_layer(alias, layer)})"
    )


def sets_in_force(
    day: str = param("day"),
    layer: str = ADMINISTRATIVE_LAYER,
    jurisdiction: str | None = None,
) -> str:
    """``SELECT id`` of the boundary sets of ``layer`` in force on ``day``, of one
    ``jurisdiction`` when that placeholder is given (and not NULL)."""
    where = set_in_force("s", day, layer)
    if jurisdiction is not None:
        where += f" AND {set_of_jurisdiction('s', jurisdiction)}"
    return f"SELECT s.id FROM boundaries_boundaryset s WHERE {where}"


# The sets a lookup or a bulk assignment searches: of the layer asked for
# (%(layer)s) in force on %(day)s, of one jurisdiction or of every one
# (%(jurisdiction)s, NULL for every one).
SETS_IN_SCOPE = sets_in_force(layer=param("layer"), jurisdiction=param("jurisdiction"))


# --- the unit that covers a point -------------------------------------------------


def part_covers(part: str, geom: str) -> str:
    """Lookup piece ``part`` (of ``boundaries_adminunitpart``) covers the point
    ``geom``: boundary-inclusive, so a point on a shared edge or a seam between two
    pieces is covered (by both sides; :func:`covering_order` then picks one)."""
    return f"ST_Covers({name(part)}.geom, {geom})"


def code_order(column: str) -> str:
    """A code in numeric-aware order ("15" before "124", "A9" before "A10"): the ICU
    collation ``numeric_code`` (boundaries migration 0006). Vietnam's GSO codes, all
    of one length, keep their plain order."""
    return f'{column} COLLATE "numeric_code"'


def covering_order(part: str, priority: str) -> str:
    """``ORDER BY`` terms among the pieces that cover a point (``part`` has the
    pieces' ``depth``, ``area_m2``, ``code`` and ``unit_id``; ``priority`` is the
    expression of its set's priority). The rule, documented in ``boundaries.lookup``:
    the deepest unit wins (commune over district over province); among units of one
    depth, which overlap or share the edge the point lies on, the set of higher
    priority, then the smaller unit, then the lower code in numeric-aware order,
    then the lower id (two jurisdictions may use the same code). So a point on the
    edge between Hải Thành (18853, 2.2 km²) and Đồng Phú (18856, 3.4 km²) is Hải
    Thành's. Put the point's own key first for ``DISTINCT ON`` over many points."""
    p = name(part)
    return (
        f"{p}.depth DESC, {priority} DESC, {p}.area_m2, "
        f"{code_order(f'{p}.code')}, {p}.unit_id"
    )


def nearest_order(part: str, distance: str) -> str:
    """``ORDER BY`` terms among pieces near a point outside every unit: the deepest
    unit, then the nearest, then the lower code (numeric-aware)."""
    p = name(part)
    return f"{p}.depth DESC, {distance}, {code_order(f'{p}.code')}"


# --- distance to an edge -----------------------------------------------------------


def edge_distance_m(
    *, table: str, key: str, owner: str, at: str | None = None, pieces: int = 8
) -> str:
    """Metres from the point ``at`` to the outline of ``owner`` (a row with ``id``
    and ``geom``), whose boundary is cut into short lines in ``table`` (``geom``,
    ``key`` → ``owner.id``): ``boundaries_adminunitedge`` by ``unit_id``,
    ``routing_zoneedge`` by ``zone_id``.

    Raw SQL because the planner needs the shape: the K nearest pieces (``<->`` on
    the edge table's GiST index), then the geodesic distance to those few only —
    microseconds instead of the milliseconds a 2,000-vertex outline costs, with the
    same answer. Owners without edge pieces (rows loaded by hand) fall back to their
    whole boundary."""
    at = at or point()
    t, k, o = name(table), name(key), name(owner)
    return f"""COALESCE(
    (SELECT min(ST_Distance(e.geom::geography, {at}::geography)) FROM (
        SELECT geom FROM {t} WHERE {k} = {o}.id
        ORDER BY geom <-> {at} LIMIT {int(pieces)}) e),
    ST_Distance(ST_Boundary({o}.geom)::geography, {at}::geography))"""
