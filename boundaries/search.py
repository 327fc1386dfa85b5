"""Finding an administrative unit, a street or a place by name, as people type it.

Callers and citizens give names without diacritics, in lower case, with a typo or
without "Phường"/"Xã": the name is folded to ASCII (``geo.text.ascii_fold``) and
compared by trigram word similarity with the folded names (``AdminUnit.name_ascii``;
``Place.search_ascii``, which holds a place's every name; trigram-indexed). Units of
every boundary set, old and new, are searched, so a ward merged in the 2025 reform
("Đồng Phú") is still found, with the units that hold its area today (several for a
unit that was split or an abolished district).

Folding in Python rather than PostgreSQL's ``unaccent`` is deliberate: ``unaccent``
is not immutable (it cannot be indexed as an expression without a wrapper) and its
rules leave "đ" alone unless the dictionary is edited, while ``ascii_fold`` is one
function for the stored names and the query alike.

Places may be many (a province's streets and points of interest: 100,000 and more),
so they are read from their GiST trigram index in one scan that both filters (pg_trgm's
word-similarity operator, ``search_ascii %> query``, with the threshold set to
``MIN_SCORE`` for the transaction) and orders by word-similarity distance
(``search_ascii <->> query``), stopping at the limit. Filtering with a GIN index
and then scoring every match was measured several times slower for common names
(``python -m bench --only places``). Units are a few hundred and are scored one by
one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from boundaries.bulk import coordinates_assign, valid_set_ids
from boundaries.functions import utm_srid_sql
from boundaries.levels import DEPTH, depth_sql
from boundaries.lookup import UnitRef
from boundaries.models import AdminUnit, Place
from geo.text import ascii_fold

# Below this word similarity a name is not offered (pg_trgm's own default is 0.6;
# short Vietnamese names with one typo score about 0.4).
MIN_SCORE = 0.35
MAX_QUERY = 100
# With near=, this many times the limit are fetched by score, then the nearer of
# equal scores put first (at most MAX_FETCH rows).
NEAR_POOL = 5
MAX_FETCH = 250
_SEARCHED = '"boundaries_place"."search_ascii"'


@dataclass(frozen=True)
class UnitMatch:
    """A unit whose name matches, how well (0–1), and the unit of today's boundary
    set that covers its place (itself when its set is in force)."""

    unit: AdminUnit
    score: float
    today: UnitRef | None
    # For a unit of an earlier set: today's units holding a share of its area,
    # largest share first (empty for a unit in force).
    successors: tuple[UnitRef, ...] = ()


# A unit of today holding less than this share of an old unit's area is a sliver of
# boundary imprecision (the polygons are ±100–300 m), not a successor.
SUCCESSOR_SHARE = 0.05


def search_text(text: str) -> str:
    """What is compared: folded to ASCII, lower case, single spaces."""
    return " ".join(ascii_fold(text).lower().split())[:MAX_QUERY]


def units_search(query: str, *, limit: int, day: dt.date) -> list[UnitMatch]:
    """Units named like ``query``, best first (then the newer set, then the code),
    each with the unit covering its place on ``day``."""
    text = search_text(query)
    if not text:
        return []
    ranked = (
        AdminUnit.objects.annotate(
            score=TrigramWordSimilarity(text, Lower("name_ascii")),
            inside=PointOnSurface("geom"),
        )
        .filter(score__gte=MIN_SCORE)
        .select_related("boundary_set")
        .defer("geom")
        .order_by("-score", "-boundary_set__valid_from", "code")
    )
    units = _distinct(ranked[: limit * 3], limit)
    sets = valid_set_ids(day)
    successors = _successors(
        [u.pk for u in units if u.boundary_set_id not in sets], sets
    )
    return [
        UnitMatch(
            unit,
            round(unit.score, 3),  # type: ignore[attr-defined]
            today,
            successors.get(unit.pk, ()),
        )
        for unit, today in zip(units, _today(units, sets), strict=True)
    ]


def _distinct(units: Iterable[AdminUnit], limit: int) -> list[AdminUnit]:
    """The first of units that several sets hold unchanged (same code, name and
    level: a district kept from the 2013 set to the 2020 one), newest set first."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for unit in units:
        key = (unit.code, unit.name, unit.level)
        if key not in seen:
            seen.add(key)
            kept.append(unit)
    return kept[:limit]


def _successor_key(old: int, sets: list[int]) -> str:
    return f"place-successors:{old}:{'-'.join(str(s) for s in sorted(sets))}"


def _successors(old: list[int], sets: list[int]) -> dict[int, tuple[UnitRef, ...]]:
    """For each old unit: the commune-level units of ``sets`` holding at least
    ``SUCCESSOR_SHARE`` of its area, largest first. Intersecting polygons on every
    keystroke is costly and boundary sets change rarely, so the answer is cached
    per old unit and today's set ids (a new set makes new keys) for
    ``PLACE_SUCCESSORS_CACHE_SECONDS``; without the cache it is computed."""
    if not old or not sets:
        return {}
    keys = {o: _successor_key(o, sets) for o in old}
    try:
        cached = cache.get_many(list(keys.values()))
    except (redis.RedisError, OSError):
        cached = {}
    found = {o: cached[key] for o, key in keys.items() if key in cached}
    missing = [o for o in old if o not in found]
    if missing:
        computed = _successors_computed(missing, sets)
        fresh = {o: computed.get(o, ()) for o in missing}
        found.update(fresh)
        with contextlib.suppress(redis.RedisError, OSError):
            cache.set_many(
                {keys[o]: refs for o, refs in fresh.items()},
                settings.PLACE_SUCCESSORS_CACHE_SECONDS,
            )
    return {o: refs for o, refs in found.items() if refs}


def _successors_computed(
    old: list[int], sets: list[int]
) -> dict[int, tuple[UnitRef, ...]]:
    """``_successors`` from the polygons, their areas measured in the UTM zone of
    the old unit's centroid (right wherever the data lies; ``geography`` gives the
    same shares at twice the cost); one statement for all of them."""
    utm = utm_srid_sql("c.centre")
    # The commune level, or a jurisdiction's own labels, which sit at its depth.
    deepest = f"{depth_sql('n.level')} = {max(DEPTH.values())}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT o.id, n.id
              FROM boundaries_adminunit o
              JOIN boundaries_adminunit n
                ON n.boundary_set_id = ANY(%s) AND {deepest}
               AND ST_Intersects(o.geom, n.geom)
             CROSS JOIN LATERAL (SELECT ST_Centroid(o.geom) AS centre) c
             CROSS JOIN LATERAL (SELECT {utm} AS srid) z
             CROSS JOIN LATERAL (
                   SELECT ST_Area(ST_Transform(ST_Intersection(o.geom, n.geom), z.srid))
                          AS shared,
                          ST_Area(ST_Transform(o.geom, z.srid)) AS whole
                   ) a
             WHERE o.id = ANY(%s) AND a.shared >= %s * a.whole
             ORDER BY o.id, a.shared DESC, n.code
            """,
            [sets, old, SUCCESSOR_SHARE],
        )
        pairs = cursor.fetchall()
    units = AdminUnit.objects.defer("geom").in_bulk({n for _, n in pairs})
    found: dict[int, list[UnitRef]] = {}
    for o, n in pairs:
        found.setdefault(o, []).append(_ref(units[n]))
    return {o: tuple(refs) for o, refs in found.items()}


def _today(units: list[AdminUnit], sets: list[int]) -> list[UnitRef | None]:
    """For each unit: itself when its set is one of ``sets`` (those in force on
    the day asked about), else the deepest unit of ``sets`` covering its point on
    surface (None outside them all); three statements for the whole list
    (``boundaries.bulk.coordinates_assign``)."""
    covering = coordinates_assign(
        lons=[u.inside.x for u in units],  # type: ignore[attr-defined]
        lats=[u.inside.y for u in units],  # type: ignore[attr-defined]
        sets=sets,
    )
    ids = [
        u.pk if u.boundary_set_id in sets else c
        for u, c in zip(units, covering, strict=True)
    ]
    return _refs(ids)


def _refs(ids: list[int | None]) -> list[UnitRef | None]:
    found = AdminUnit.objects.defer("geom").in_bulk([i for i in ids if i is not None])
    return [_ref(found[i]) if i is not None else None for i in ids]


def points_units(points: list[Point], day: dt.date) -> list[UnitRef | None]:
    """The unit of ``day``'s sets covering each point (None outside them all)."""
    return _refs(
        coordinates_assign(
            lons=[p.x for p in points],
            lats=[p.y for p in points],
            sets=valid_set_ids(day),
        )
    )


def _ref(unit: AdminUnit) -> UnitRef:
    return UnitRef(unit.pk, unit.code, unit.name, unit.name_ascii, unit.level)


@dataclass(frozen=True)
class PlaceMatch:
    """A street or place whose name matches, how well (0–1), the unit covering its
    anchor on the day asked about, and its distance from ``near`` when given."""

    place: Place
    score: float
    today: UnitRef | None
    distance_m: float | None = None


def places_ranked(text: str, *, limit: int, near: Point | None = None) -> list[Place]:
    """The places whose names match ``text`` (already ``search_text``), best
    first, each with ``score`` (and ``near_m``, metres, when ``near`` is given).

    One index scan: the GiST index filters by ``%>`` at ``MIN_SCORE`` and returns
    the rows by word-similarity distance (``<->>``), stopping at the limit, so a
    common name among many places costs no more than a rare one. Ties are then
    ordered by name; with ``near``, ``NEAR_POOL`` times the limit are fetched and
    the nearer of equal scores comes first."""
    fetch = limit if near is None else min(limit * NEAR_POOL, MAX_FETCH)
    places = Place.objects.filter(search_ascii__trigram_word_similar=text).annotate(
        distance=RawSQL(f"{_SEARCHED} <->> %s", (text,), output_field=FloatField())
    )
    if near is not None:
        # Geodesic metres (geography: right wherever the places lie), for the rows
        # fetched only.
        places = places.annotate(
            near_m=RawSQL(
                "ST_Distance(anchor::geography, "
                "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)",
                (near.x, near.y),
                output_field=FloatField(),
            )
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(MIN_SCORE)],
            )
        found: list[Place] = list(
            places.defer("properties", "geom").order_by("distance")[:fetch]
        )
    for place in found:
        place.score = round(1.0 - place.distance, 3)  # type: ignore[attr-defined]
    found.sort(
        key=lambda p: (
            -p.score,  # type: ignore[attr-defined]
            p.near_m if near is not None else 0.0,  # type: ignore[attr-defined]
            p.name,
            p.pk,
        )
    )
    return found[:limit]


def places_search(
    query: str,
    *,
    limit: int,
    day: dt.date,
    near: Point | None = None,
) -> list[PlaceMatch]:
    """Places named like ``query``, best first (``places_ranked``), each with the
    unit covering its anchor on ``day``."""
    text = search_text(query)
    if not text:
        return []
    found = places_ranked(text, limit=limit, near=near)
    todays = points_units([p.anchor for p in found], day)
    return [
        PlaceMatch(
            p,
            p.score,  # type: ignore[attr-defined]
            today,
            round(p.near_m, 1) if near is not None else None,  # type: ignore[attr-defined]
        )
        for p, today in zip(found, todays, strict=True)
    ]


Match = UnitMatch | PlaceMatch


def search_all(
    query: str, *, limit: int, day: dt.date, near: Point | None = None
) -> list[Match]:
    """Units and places together, best score first; at equal scores a unit before
    a place (what people look up most), then as each search orders them."""
    units = units_search(query, limit=limit, day=day)
    places = places_search(query, limit=limit, day=day, near=near)
    ranked: list[tuple[float, int, int, Match]] = [
        (-m.score, 0, i, m) for i, m in enumerate(units)
    ] + [(-m.score, 1, i, m) for i, m in enumerate(places)]
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]
