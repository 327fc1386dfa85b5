"""An address as text to one place: Open311's ``address_string`` without lat/long.

The rule, so that a report is never pinned on a guess:

1. The text is searched among the imported places (streets and points of interest;
   not the administrative units: a ward is an area, not a place to send a crew).
2. It *resolves* when the best match scores at least ``ACCEPT`` and is ahead of the
   next one by at least ``LEAD`` (two cafés of the same name tie, and are refused).
3. Addresses are often written "place, ward, province": when the whole text does not
   resolve and it has commas, its first part is tried alone the same way.
4. Otherwise it does not resolve: the candidates found (name, kind, unit) are
   given back so that the caller can say which it meant, or send coordinates.

The location used is the place's anchor (the point itself, or a point on the street
line: ``Place.anchor``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from boundaries.search import PlaceMatch, places_search

ACCEPT = 0.8
LEAD = 0.15
CANDIDATES = 5


@dataclass(frozen=True)
class Resolution:
    """The place the text resolves to (None when it does not), and the candidates
    looked at, best first."""

    place: PlaceMatch | None
    candidates: list[PlaceMatch]
    searched: str


def _decide(text: str, day: dt.date) -> Resolution:
    found = places_search(text, limit=CANDIDATES, day=day)
    ahead = len(found) == 1 or (
        len(found) > 1 and found[0].score - found[1].score >= LEAD
    )
    if found and found[0].score >= ACCEPT and ahead:
        return Resolution(found[0], found, text)
    return Resolution(None, found, text)


def address_resolve(text: str, *, day: dt.date) -> Resolution:
    """``text`` resolved to one place by the rule above."""
    whole = _decide(text, day)
    if whole.place is not None or "," not in text:
        return whole
    first = text.split(",", 1)[0].strip()
    if not first:
        return whole
    part = _decide(first, day)
    if part.place is not None:
        return part
    return whole if whole.candidates else part
