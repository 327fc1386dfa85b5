"""Finding an administrative unit by name, as people type it.

Callers and citizens give names without diacritics, in lower case, with a typo or
without "Phường"/"Xã": the name is folded to ASCII (``geo.text.ascii_fold``) and
compared by trigram word similarity with the units' folded names
(``AdminUnit.name_ascii``, GIN-indexed), over every boundary set, old and new, so a
ward merged in the 2025 reform ("Đồng Phú") is still found, with the unit that
covers its place today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models.functions import Lower

from boundaries.bulk import coordinates_assign, valid_set_ids
from boundaries.lookup import UnitRef
from boundaries.models import AdminUnit
from geo.text import ascii_fold

# Below this word similarity a name is not offered (pg_trgm's own default is 0.6;
# short Vietnamese names with one typo score about 0.4).
MIN_SCORE = 0.35
MAX_QUERY = 100


@dataclass(frozen=True)
class UnitMatch:
    """A unit whose name matches, how well (0–1), and the unit of today's boundary
    set that covers its place (itself when its set is in force)."""

    unit: AdminUnit
    score: float
    today: UnitRef | None


def search_text(text: str) -> str:
    """What is compared: folded to ASCII, lower case, single spaces."""
    return " ".join(ascii_fold(text).lower().split())[:MAX_QUERY]


def units_search(query: str, *, limit: int, day: dt.date) -> list[UnitMatch]:
    """Units named like ``query``, best first (then the newer set, then the code),
    each with the unit covering its place on ``day``."""
    text = search_text(query)
    if not text:
        return []
    units = list(
        AdminUnit.objects.annotate(
            score=TrigramWordSimilarity(text, Lower("name_ascii")),
            inside=PointOnSurface("geom"),
        )
        .filter(score__gte=MIN_SCORE)
        .select_related("boundary_set")
        .defer("geom")
        .order_by("-score", "-boundary_set__valid_from", "code")[:limit]
    )
    return [
        UnitMatch(unit, round(unit.score, 3), today)  # type: ignore[attr-defined]
        for unit, today in zip(units, _today(units, day), strict=True)
    ]


def _today(units: list[AdminUnit], day: dt.date) -> list[UnitRef | None]:
    """For each unit: itself when its set is in force on ``day``, else the deepest
    unit of that day's sets covering its point on surface (None outside them all);
    three statements for the whole list (``boundaries.bulk.coordinates_assign``)."""
    sets = valid_set_ids(day)
    covering = coordinates_assign(
        lons=[u.inside.x for u in units],  # type: ignore[attr-defined]
        lats=[u.inside.y for u in units],  # type: ignore[attr-defined]
        sets=sets,
    )
    ids = [
        u.pk if u.boundary_set_id in sets else c
        for u, c in zip(units, covering, strict=True)
    ]
    found = AdminUnit.objects.defer("geom").in_bulk([i for i in ids if i is not None])
    return [_ref(found[i]) if i is not None else None for i in ids]


def _ref(unit: AdminUnit) -> UnitRef:
    return UnitRef(unit.pk, unit.code, unit.name, unit.name_ascii, unit.level)
