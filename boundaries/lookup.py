"""Which administrative unit covers a point on a given day.

The rule, boundary-inclusive and deterministic:

1. Only *active* sets whose validity (inclusive dates) contains the day are searched.
2. A unit covers a point when the point lies inside it or on its boundary
   (``ST_Covers``). The deepest covering unit wins (commune level over district over
   province), so a point on a shared edge or vertex is covered by every unit that
   shares it.
3. Among covering units of the same depth, the one with the **lowest GSO code** wins.
   A point on the edge between Hải Thành (18853) and Đồng Phú (18856) is Hải Thành's.
4. The answer is that unit and its ancestors by ``parent`` (never a second spatial
   search, so the chain is always consistent).

Raw SQL here because the planner needs it: one round trip runs the piece search on
the subdivided table's GiST index and walks the parent chain in a recursive CTE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

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


@dataclass(frozen=True)
class Lookup:
    """The unit chain for a point, from the commune level up to the province."""

    boundary_set: SetRef
    chain: list[UnitRef]
    matched: str  # "covers", or "nearest" when the point lies outside within tolerance
    distance_m: float  # 0 when covered

    @property
    def unit(self) -> UnitRef:
        return self.chain[0]


class NoBoundarySet(NotFound):
    """No active boundary set is in force on the day asked about."""


class OutsideAllUnits(NotFound):
    """The point lies outside every unit (beyond any shore tolerance)."""


# How far to look for a unit to name in the error for a point outside every unit.
NEAREST_SEARCH_M = 50_000

_VALID_SETS = """
    SELECT id FROM boundaries_boundaryset
    WHERE status = 'active' AND valid_from <= %(day)s
      AND (valid_to IS NULL OR valid_to >= %(day)s)
"""

_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"

_COVERING = f"""
    SELECT p.unit_id FROM boundaries_adminunitpart p
    WHERE p.boundary_set_id = ANY(ARRAY({_VALID_SETS}))
      AND ST_Covers(p.geom, {_POINT})
    ORDER BY p.depth DESC, p.code
    LIMIT 1
"""

# KNN (<->) on the index gives the nearest pieces by planar degrees; the exact
# distance in metres is then measured on the geography of those few candidates.
_NEAREST = f"""
    WITH candidates AS (
        SELECT p.unit_id, p.depth, p.code,
               ST_Distance(p.geom::geography, {_POINT}::geography) AS distance_m
        FROM boundaries_adminunitpart p
        WHERE p.boundary_set_id = ANY(ARRAY({_VALID_SETS}))
        ORDER BY p.geom <-> {_POINT}
        LIMIT 32
    )
    SELECT unit_id, distance_m FROM candidates
    WHERE distance_m <= %(max_m)s
    ORDER BY depth DESC, distance_m, code
    LIMIT 1
"""

_CHAIN_FROM = """
    WITH RECURSIVE chain AS (
        SELECT u.id, u.code, u.name, u.name_ascii, u.level, u.parent_id,
               u.boundary_set_id, 0 AS step
        FROM boundaries_adminunit u WHERE u.id = ({start})
        UNION ALL
        SELECT u.id, u.code, u.name, u.name_ascii, u.level, u.parent_id,
               u.boundary_set_id, chain.step + 1
        FROM boundaries_adminunit u JOIN chain ON u.id = chain.parent_id
    )
    SELECT c.id, c.code, c.name, c.name_ascii, c.level,
           s.id, s.slug, s.name, s.valid_from, s.valid_to
    FROM chain c JOIN boundaries_boundaryset s ON s.id = c.boundary_set_id
    ORDER BY c.step
"""
_CHAIN = _CHAIN_FROM.format(start="%(unit_id)s")
# The common case in one round trip: the covering unit and its chain.
_COVERING_CHAIN = _CHAIN_FROM.format(start=_COVERING)


def covering_unit_id(*, lon: float, lat: float, day: dt.date) -> int | None:
    """The id of the unit that covers the point on ``day`` by the rule above."""
    with connection.cursor() as cursor:
        cursor.execute(_COVERING, {"lon": lon, "lat": lat, "day": day})
        row = cursor.fetchone()
    return row[0] if row else None


def nearest_unit(
    *, lon: float, lat: float, day: dt.date, max_m: float
) -> tuple[int, float] | None:
    """The deepest unit within ``max_m`` metres of the point, with its distance."""
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST, {"lon": lon, "lat": lat, "day": day, "max_m": max_m})
        row = cursor.fetchone()
    return (row[0], float(row[1])) if row else None


def unit_chain(unit_id: int) -> tuple[SetRef, list[UnitRef]]:
    """The unit and its ancestors, without geometry, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN, {"unit_id": unit_id})
        return _as_chain(cursor.fetchall())


def _as_chain(rows: list[tuple]) -> tuple[SetRef, list[UnitRef]]:
    chain = [UnitRef(*row[:5]) for row in rows]
    return SetRef(*rows[0][5:]), chain


def earliest_valid_from() -> dt.date | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(valid_from) FROM boundaries_boundaryset WHERE status = 'active'"
        )
        return cursor.fetchone()[0]


def point_lookup(
    *, lon: float, lat: float, day: dt.date, nearest_within_m: float = 0.0
) -> Lookup:
    """The unit chain covering (lon, lat) on ``day``.

    With ``nearest_within_m`` > 0, a point outside every unit but that close to one
    (a pin on the beach, in a river mouth, across a border) gets the nearest unit,
    marked ``matched="nearest"`` with its distance. Otherwise raises
    :class:`OutsideAllUnits` naming the nearest unit, or :class:`NoBoundarySet` when
    no active set is valid on that day.
    """
    with connection.cursor() as cursor:
        cursor.execute(_COVERING_CHAIN, {"lon": lon, "lat": lat, "day": day})
        rows = cursor.fetchall()
    if rows:
        boundary_set, chain = _as_chain(rows)
        return Lookup(boundary_set, chain, "covers", 0.0)

    if nearest_within_m > 0:
        close = nearest_unit(lon=lon, lat=lat, day=day, max_m=nearest_within_m)
        if close is not None:
            boundary_set, chain = unit_chain(close[0])
            return Lookup(boundary_set, chain, "nearest", round(close[1], 1))
    nearest = nearest_unit(lon=lon, lat=lat, day=day, max_m=NEAREST_SEARCH_M)
    if nearest is None and not _any_set_valid(day):
        raise _no_set(day)
    raise _outside(lon, lat, nearest)


def _any_set_valid(day: dt.date) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS({_VALID_SETS})", {"day": day})
        return cursor.fetchone()[0]


def _no_set(day: dt.date) -> NoBoundarySet:
    earliest = earliest_valid_from()
    since_vi = (
        f" Bộ địa giới sớm nhất bắt đầu từ {earliest:%d/%m/%Y}." if earliest else ""
    )
    since_en = (
        f" The earliest set starts on {earliest.isoformat()}." if earliest else ""
    )
    return NoBoundarySet(
        "no_boundary_set",
        f"Không có bộ địa giới hành chính nào có hiệu lực ngày {day:%d/%m/%Y}.{since_vi}",
        f"No boundary set is in force on {day.isoformat()}.{since_en}",
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
