"""An address as text to one place: Open311's ``address_string`` without lat/long.

The rule, so that a report is never pinned on a guess:

1. A leading house number ("12", "12A", "số 12", "số nhà 12/3") is dropped: places
   are streets and points of interest, not houses.
2. The text is searched among the imported places (streets and points of interest;
   not the administrative units: a ward is an area, not a place to send a crew).
   Places of the same name and kind in the same unit are one candidate (OSM maps a
   street as many ways): the longest stands for them.
3. It *resolves* when the best match scores at least ``ACCEPT`` and is ahead of the
   next one by at least ``LEAD`` (two cafés of the same name tie, and are refused),
   and when it matches the other way too: one of the place's names is found in the
   text (``strict_word_similarity`` at least ``ACCEPT_BACK``), so a fragment ("dong
   hoi") is not taken for a longer name ("Chợ Đồng Hới").
4. Addresses are often written "place, ward, province": when the whole text does not
   resolve and it has commas, its first part is tried alone the same way.
5. Otherwise it does not resolve: the candidates found (name, kind, unit) are
   given back so that the caller can say which it meant, or send coordinates.

The location used is the place's anchor (the point itself, or a point on the street
line: ``Place.anchor``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Length
from django.db import connection

from boundaries.models import Place
from boundaries.search import PlaceMatch, places_search, search_text

ACCEPT = 0.8
ACCEPT_BACK = 0.75
LEAD = 0.15
CANDIDATES = 5
# Places fetched before those of one name, kind and unit are made one.
FETCH = CANDIDATES * 4
# "12", "12A", "12/3", "số 12", "số nhà 12", "sn 12" at the start, then a space or comma.
_HOUSE_NUMBER = re.compile(
    r"^\s*(?:(?:số\s+nhà|so\s+nha|số|so|sn)\.?\s*)?\d+[a-z]?(?:[/-]\d+[a-z]?)*"
    r"\s*(?:,\s*|\s+)(?!(?:tháng|thang)\b)",  # "3 Tháng 2" is a street's name
    re.IGNORECASE,
)


def house_number_strip(text: str) -> str:
    """``text`` without a leading house number (as it was when nothing follows)."""
    rest = _HOUSE_NUMBER.sub("", text, count=1)
    return rest if rest.strip() else text


def _lengths_m(places: list[Place]) -> dict[int, float]:
    """Each place's length in metres on the spheroid (0 for a point), in one
    statement."""
    lengths = Place.objects.filter(pk__in=[p.pk for p in places]).annotate(
        metres=Length("geom")
    )
    return {
        pk: metres.m if metres else 0.0
        for pk, metres in lengths.values_list("pk", "metres")
    }


def _one_per_name(found: list[PlaceMatch]) -> list[PlaceMatch]:
    """Places of the same folded name and kind in the same unit made one (the
    longest, at the best one's rank): a street mapped as several ways."""
    groups: dict[tuple[str, str, int | None], list[PlaceMatch]] = {}
    for match in found:
        key = (
            search_text(match.place.name),
            match.place.kind,
            match.today.id if match.today else None,
        )
        groups.setdefault(key, []).append(match)
    several = [m.place for group in groups.values() if len(group) > 1 for m in group]
    lengths = _lengths_m(several) if several else {}
    kept = []
    for group in groups.values():  # in the order of each group's best
        longest = max(group, key=lambda m: lengths.get(m.place.pk, 0.0))
        kept.append(PlaceMatch(longest.place, group[0].score, longest.today))
    return kept


def _back_score(match: PlaceMatch, text: str) -> float:
    """How well one of the place's names is found in ``text`` (0–1)."""
    place = match.place
    names = [
        n for n in map(search_text, (place.name, place.name_vi, place.name_en)) if n
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(strict_word_similarity(n, %s)) FROM unnest(%s::text[]) n",
            [search_text(text), names],
        )
        row = cursor.fetchone()
    return float(row[0] or 0.0) if row else 0.0


@dataclass(frozen=True)
class Resolution:
    """The place the text resolves to (None when it does not), and the candidates
    looked at, best first."""

    place: PlaceMatch | None
    candidates: list[PlaceMatch]
    searched: str


def _decide(text: str, day: dt.date) -> Resolution:
    found = _one_per_name(places_search(text, limit=FETCH, day=day))[:CANDIDATES]
    ahead = len(found) == 1 or (
        len(found) > 1 and found[0].score - found[1].score >= LEAD
    )
    if (
        found
        and found[0].score >= ACCEPT
        and ahead
        and _back_score(found[0], text) >= ACCEPT_BACK
    ):
        return Resolution(found[0], found, text)
    return Resolution(None, found, text)


def address_resolve(text: str, *, day: dt.date) -> Resolution:
    """``text`` resolved to one place by the rule above."""
    text = house_number_strip(text)
    whole = _decide(text, day)
    if whole.place is not None or "," not in text:
        return whole
    first = text.split(",", 1)[0].strip()
    if not first:
        return whole
    part = _decide(house_number_strip(first), day)
    if part.place is not None:
        return part
    return whole if whole.candidates else part
