"""Which administrative unit covers a point on a given day.

The rule, boundary-inclusive and deterministic:

1. Only *active* sets whose validity (inclusive dates) contains the day are searched.
2. A unit covers a point when the point lies inside it or on its boundary
   (``ST_Covers``). The deepest covering unit wins (commune level over district over
   province), so a point on a shared edge or vertex is covered by every unit that
   shares it.
3. Among covering units of the same depth — units that overlap (a park shared by
   three councils, imported with ``--allow-overlaps``), units of two jurisdictions
   whose files overlap at their border, or neighbours sharing the edge the point lies
   on — the set of **higher priority** wins, then the **smaller unit**, then the
   **lower code** in numeric-aware order ("15" before "124"). A point on the edge
   between Hải Thành (18853, 2.2 km²) and Đồng Phú (18856, 3.4 km²) is Hải Thành's.
   Such an answer says ``ambiguous`` and lists every candidate, winner first.
4. The answer is that unit and its ancestors by ``parent`` (never a second spatial
   search, so the chain is always consistent).

One layer is searched (``boundaries.layers``: the administrative one unless asked),
of every jurisdiction or of the one asked for, so a lookup never mixes a council
district of one layer with a neighbourhood of another.

The rule's SQL is written once in :mod:`boundaries.sql` (sets in force, covering
order, edge distance); bulk assignment and the synthetic generator use the same
fragments. Raw SQL here because the planner needs it: one round trip runs the piece
search on the subdivided table's GiST index and walks the parent chain in a recursive
CTE (with the unit's distance to its own edge when the caller asks for it), as a
prepared statement where the connection allows (``boundaries.prepared``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection

from boundaries import prepared, sql
from boundaries.layers import ADMINISTRATIVE
from geo.errors import NotFound


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    name_ascii: str
    level: str


@dataclass(frozen=True)
class SetRef:
    id: int
    slug: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    jurisdiction_code: str  # the province key the set covers
    layer: str = ADMINISTRATIVE


@dataclass(frozen=True)
class Lookup:
    """The unit chain for a point, from the commune level up to the province."""

    boundary_set: SetRef
    chain: list[UnitRef]
    matched: str  # "covers", or "nearest" when the point lies outside within tolerance
    distance_m: float  # 0 when covered
    edge_m: float | None = None  # to the unit's own outline, when asked (with_edge)
    # Every unit of the winning depth covering the point, winner first, when there
    # are several (rule 3); empty otherwise.
    candidates: tuple[UnitRef, ...] = ()

    @property
    def unit(self) -> UnitRef:
        return self.chain[0]

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


class NoBoundarySet(NotFound):
    """No active boundary set is in force on the day asked about."""


class OutsideAllUnits(NotFound):
    """The point lies outside every unit (beyond any shore tolerance)."""


# How far to look for a unit to name in the error for a point outside every unit.
NEAREST_SEARCH_M = 50_000

_SETS = sql.SETS_IN_SCOPE
_ORDER = sql.covering_order("c", "c.priority")

# Every unit covering the point (one row per unit: pieces share seams), with what
# the tie-break reads.
_COVERING_UNITS = f"""
    covering AS (
        SELECT DISTINCT ON (p.unit_id) p.unit_id, p.depth, s.priority, p.area_m2, p.code
        FROM boundaries_adminunitpart p
        JOIN boundaries_boundaryset s ON s.id = p.boundary_set_id
        WHERE p.boundary_set_id = ANY(ARRAY({_SETS}))
          AND {sql.part_covers("p", sql.point())}
    )"""
_WINNER = f"SELECT c.unit_id FROM covering c ORDER BY {_ORDER} LIMIT 1"
# The candidates of rule 3: the covering units of the winner's depth, winner first,
# each as [id, code, name, name_ascii, level] (``UnitRef``), in the same statement;
# NULL when the winner is alone (most points: nothing to decode), and on the chain's
# rows after the first (read from the first only).
_CANDIDATES = f"""CASE WHEN c.step = 0 THEN (SELECT CASE WHEN count(*) > 1 THEN
        json_agg(json_build_array(u.id, u.code, u.name, u.name_ascii, u.level)
                 ORDER BY {_ORDER}) END
    FROM covering c JOIN boundaries_adminunit u ON u.id = c.unit_id
    WHERE c.depth = (SELECT max(depth) FROM covering)) END"""

_COVERING = f"WITH {_COVERING_UNITS} {_WINNER}"

# KNN (<->) on the index gives the nearest pieces by planar degrees; the exact
# distance in metres is then measured on the geography of those few candidates.
_NEAREST = f"""
    WITH candidates AS (
        SELECT p.unit_id, p.depth, p.code,
               ST_Distance(p.geom::geography, {sql.point()}::geography) AS distance_m
        FROM boundaries_adminunitpart p
        WHERE p.boundary_set_id = ANY(ARRAY({_SETS}))
        ORDER BY p.geom <-> {sql.point()}
        LIMIT 32
    )
    SELECT unit_id, distance_m FROM candidates p
    WHERE distance_m <= %(max_m)s
    ORDER BY {sql.nearest_order("p", "distance_m")}
    LIMIT 1
"""

# The first unit's distance to its own outline, only when asked (the edge pieces'
# K-nearest search, see boundaries.sql.edge_distance_m); NULL on its ancestors.
_UNIT_EDGE = f"""(SELECT {
    sql.edge_distance_m(table="boundaries_adminunitedge", key="unit_id", owner="u")
}
    FROM boundaries_adminunit u WHERE u.id = c.id AND c.step = 0)"""


def _chain_sql(start: str, *, edge: bool, covering: bool = False) -> str:
    """The unit ``start`` selects and its ancestors, with its set (and its edge
    distance when ``edge``; with ``covering``, the covering units of rule 3 as an
    array of ids), in one statement."""
    return f"""
    WITH RECURSIVE {_COVERING_UNITS + "," if covering else ""} chain AS (
        SELECT u.id, u.code, u.name, u.name_ascii, u.level, u.parent_id,
               u.boundary_set_id, 0 AS step
        FROM boundaries_adminunit u WHERE u.id = ({start})
        UNION ALL
        SELECT u.id, u.code, u.name, u.name_ascii, u.level, u.parent_id,
               u.boundary_set_id, chain.step + 1
        FROM boundaries_adminunit u JOIN chain ON u.id = chain.parent_id
    )
    SELECT c.id, c.code, c.name, c.name_ascii, c.level,
           s.id, s.slug, s.name, s.valid_from, s.valid_to, s.jurisdiction_code,
           s.layer, {_UNIT_EDGE if edge else "NULL"},
           {_CANDIDATES if covering else "NULL"}
    FROM chain c JOIN boundaries_boundaryset s ON s.id = c.boundary_set_id
    ORDER BY c.step
"""


# By id, and the common case in one round trip: the covering unit and its chain.
_CHAIN = {edge: _chain_sql("%(unit_id)s", edge=edge) for edge in (False, True)}
_COVERING_CHAIN = {
    edge: _chain_sql(_WINNER, edge=edge, covering=True) for edge in (False, True)
}


def _scope(
    lon: float, lat: float, day: dt.date, layer: str, jurisdiction: str | None
) -> dict[str, float | dt.date | str | None]:
    return {
        "lon": lon,
        "lat": lat,
        "day": day,
        "layer": layer,
        "jurisdiction": jurisdiction,
    }


def covering_unit_id(
    *,
    lon: float,
    lat: float,
    day: dt.date,
    layer: str = ADMINISTRATIVE,
    jurisdiction: str | None = None,
) -> int | None:
    """The id of the unit that covers the point on ``day`` by the rule above."""
    with connection.cursor() as cursor:
        cursor.execute(_COVERING, _scope(lon, lat, day, layer, jurisdiction))
        row = cursor.fetchone()
    return row[0] if row else None


def nearest_unit(
    *,
    lon: float,
    lat: float,
    day: dt.date,
    max_m: float,
    layer: str = ADMINISTRATIVE,
    jurisdiction: str | None = None,
) -> tuple[int, float] | None:
    """The deepest unit within ``max_m`` metres of the point, with its distance."""
    params = _scope(lon, lat, day, layer, jurisdiction) | {"max_m": max_m}
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST, params)
        row = cursor.fetchone()
    return (row[0], float(row[1])) if row else None


def unit_chain(unit_id: int) -> tuple[SetRef, list[UnitRef]]:
    """The unit and its ancestors, without geometry, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN[False], {"unit_id": unit_id})
        boundary_set, chain, _, _ = _as_chain(cursor.fetchall())
    return boundary_set, chain


def _as_chain(
    rows: list[tuple],
) -> tuple[SetRef, list[UnitRef], float | None, tuple[UnitRef, ...]]:
    """The chain, its set, the edge distance and, when several units cover the
    point, the candidates (none otherwise)."""
    chain = [UnitRef(*row[:5]) for row in rows]
    edge, covering = rows[0][12], rows[0][13] or []
    if isinstance(covering, str):  # Django has json read as text, for JSONField
        covering = json.loads(covering)
    candidates = tuple(UnitRef(*u) for u in covering) if len(covering) > 1 else ()
    return (
        SetRef(*rows[0][5:12]),
        chain,
        None if edge is None else float(edge),
        candidates,
    )


def earliest_valid_from(
    layer: str = ADMINISTRATIVE, jurisdiction: str | None = None
) -> dt.date | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(s.valid_from) FROM boundaries_boundaryset s "
            f"WHERE {sql.set_active('s')} "
            f"AND {sql.set_in_layer('s', sql.param('layer'))} "
            f"AND {sql.set_of_jurisdiction('s')}",
            {"layer": layer, "jurisdiction": jurisdiction},
        )
        return cursor.fetchone()[0]


def point_lookup(
    *,
    lon: float,
    lat: float,
    day: dt.date,
    nearest_within_m: float = 0.0,
    with_edge: bool = False,
    layer: str = ADMINISTRATIVE,
    jurisdiction: str | None = None,
) -> Lookup:
    """The unit chain covering (lon, lat) on ``day``, in ``layer`` (of
    ``jurisdiction`` only, when given).

    With ``nearest_within_m`` > 0, a point outside every unit but that close to one
    (a pin on the beach, in a river mouth, across a border) gets the nearest unit,
    marked ``matched="nearest"`` with its distance. Otherwise raises
    :class:`OutsideAllUnits` naming the nearest unit, or :class:`NoBoundarySet` when
    no active set is valid on that day. With ``with_edge``, ``edge_m`` is the
    distance from the point to the unit's own outline, measured in the same query.
    A point several units cover (rule 3) gets ``candidates``, from the same query.
    """
    params = _scope(lon, lat, day, layer, jurisdiction)
    rows = prepared.fetchall(_COVERING_CHAIN[with_edge], params)
    if rows:
        boundary_set, chain, edge, candidates = _as_chain(rows)
        return Lookup(boundary_set, chain, "covers", 0.0, edge, candidates)
    if nearest_within_m > 0:
        close = nearest_unit(
            lon=lon,
            lat=lat,
            day=day,
            max_m=nearest_within_m,
            layer=layer,
            jurisdiction=jurisdiction,
        )
        if close is not None:
            with connection.cursor() as cursor:
                cursor.execute(_CHAIN[with_edge], params | {"unit_id": close[0]})
                boundary_set, chain, edge, _ = _as_chain(cursor.fetchall())
            return Lookup(boundary_set, chain, "nearest", round(close[1], 1), edge)
    nearest = nearest_unit(
        lon=lon,
        lat=lat,
        day=day,
        max_m=NEAREST_SEARCH_M,
        layer=layer,
        jurisdiction=jurisdiction,
    )
    if nearest is None and not _any_set_valid(params):
        raise _no_set(day, layer, jurisdiction)
    raise _outside(lon, lat, nearest)


def _any_set_valid(params: dict) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS({_SETS})", params)
        return cursor.fetchone()[0]


def _no_set(day: dt.date, layer: str, jurisdiction: str | None) -> NoBoundarySet:
    earliest = earliest_valid_from(layer, jurisdiction)
    since_vi = (
        f" Bộ địa giới sớm nhất bắt đầu từ {earliest:%d/%m/%Y}." if earliest else ""
    )
    since_en = (
        f" The earliest set starts on {earliest.isoformat()}." if earliest else ""
    )
    scope_vi = scope_en = ""
    if layer != ADMINISTRATIVE:
        scope_vi, scope_en = f" của lớp '{layer}'", f" of layer '{layer}'"
    if jurisdiction is not None:
        scope_vi += f" của đơn vị quản lý '{jurisdiction}'"
        scope_en += f" of jurisdiction '{jurisdiction}'"
    kind_vi = "bộ địa giới hành chính" if layer == ADMINISTRATIVE else "bộ địa giới"
    return NoBoundarySet(
        "no_boundary_set",
        f"Không có {kind_vi} nào{scope_vi} có hiệu lực ngày {day:%d/%m/%Y}.{since_vi}",
        f"No boundary set{scope_en} is in force on {day.isoformat()}.{since_en}",
        "date",
    )


def _outside(
    lon: float, lat: float, nearest: tuple[int, float] | None
) -> OutsideAllUnits:
    if nearest is None:
        return OutsideAllUnits(
            "outside_all_units",
            f"Điểm ({lon}, {lat}) nằm ngoài mọi đơn vị hành chính của hệ thống "
            "(xa hơn 50 km).",
            f"The point ({lon}, {lat}) lies outside every administrative unit we serve "
            "(more than 50 km away).",
            "lon",
        )
    _, chain = unit_chain(nearest[0])
    unit = chain[0]
    km = nearest[1] / 1000
    km_vi = f"{km:.2f}".replace(".", ",")  # Vietnamese decimal comma
    return OutsideAllUnits(
        "outside_all_units",
        f"Điểm ({lon}, {lat}) nằm ngoài mọi đơn vị hành chính; gần nhất là "
        f"{unit.name} ({unit.code}), cách {km_vi} km.",
        f"The point ({lon}, {lat}) lies outside every administrative unit; the nearest "
        f"is {unit.name} ({unit.code}), {km:.2f} km away.",
        "lon",
        extra={
            "nearest": {"code": unit.code, "name": unit.name, "level": unit.level},
            "distance_m": round(nearest[1], 1),
        },
    )
