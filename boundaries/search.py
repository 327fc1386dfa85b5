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

from boundaries.lookup import NoBoundarySet, OutsideAllUnits, UnitRef, point_lookup
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
    """Units named like ``query``, best first (then the lower level, the newer
    set), each with the unit covering its place on ``day``."""
    text = search_text(query)
    if not text:
        return []
    units = (
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
        UnitMatch(u, round(u.score, 3), _today(u, day))  # type: ignore[attr-defined]
        for u in units
    ]


def _today(unit: AdminUnit, day: dt.date) -> UnitRef | None:
    """The unit itself when its set is in force on ``day``; else the deepest unit
    covering its place then (None when no set is in force or the place lies
    outside every unit)."""
    held = unit.boundary_set
    in_force = held.valid_from <= day and (
        held.valid_to is None or day <= held.valid_to
    )
    if in_force and held.status == held.Status.ACTIVE:
        return UnitRef(unit.pk, unit.code, unit.name, unit.name_ascii, unit.level)
    inside = unit.inside  # type: ignore[attr-defined]  # the annotation
    try:
        found = point_lookup(lon=inside.x, lat=inside.y, day=day)
    except (NoBoundarySet, OutsideAllUnits):
        return None
    return found.unit
