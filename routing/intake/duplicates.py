"""Open reports that may be the same problem as a new one: near it, same category, recent.

"Near" and "recent" are the category's ``duplicate_radius_m`` (metres, measured on
the geography) and ``duplicate_window_days`` (before or after the moment asked
about). The suggestions are shown to the citizen before and after sending, so they
carry no personal data: no reporter, no description, only the tracking code, the
status, the place to about 10 m and how far it is.

The query runs as a prepared statement where the connection allows
(``boundaries.prepared``); the intake asks it together with the working calendar
(``routing.intake.context``), from the same text (:data:`NEAR`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.utils import timezone

from boundaries import prepared
from geo.projections import degree_margin
from routing.models import Category, Report

MAX_SUGGESTIONS = 10
# Four decimals of a degree: about 11 m, enough to recognise the place on a map.
PUBLIC_DECIMALS = 4
# The distance is as coarse as the position: given to 0.1 m, distances from a few
# points of one's choosing would give away the exact pin the rounding hides.
DISTANCE_STEP_M = 10


def distance_shown(metres: float) -> int:
    """A distance in whole steps of ``DISTANCE_STEP_M`` metres."""
    return int(round(metres / DISTANCE_STEP_M) * DISTANCE_STEP_M)


# The && prefilter on a box expanded by the radius uses the reports' GiST index on
# (category, location); the exact test and the distance are then in metres on the
# geography. The category's id is cast to the column's type: psycopg sends a small
# int as int2 (or int4 in the text), and btree_gist has no cross-type equality, so
# without the cast the index answers for the box alone and the planner ANDs it with
# the whole category's bitmap (about 1.5 ms instead of 0.2 on the demo's 50,000).
# Its columns are those ``_suggestion`` reads, then the id that breaks ties.
NEAR = """
    SELECT r.tracking_code, r.status, r.reported_at,
           ST_X(r.location) AS x, ST_Y(r.location) AS y,
           ST_Distance(r.location::geography, p.pt::geography) AS distance_m, r.id
    FROM routing_report r,
         (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt) p
    WHERE r.category_id = %(category_id)s::bigint
      AND r.status = ANY(%(open)s)
      AND r.reported_at >= %(since)s AND r.reported_at <= %(until)s
      AND r.id IS DISTINCT FROM %(exclude_id)s
      AND r.location && ST_Expand(p.pt, %(dlon)s, %(dlat)s)
      AND ST_DWithin(r.location::geography, p.pt::geography, %(radius)s)
    ORDER BY distance_m, r.reported_at DESC, r.id
    LIMIT %(limit)s
"""


@dataclass(frozen=True)
class DuplicateSuggestion:
    """An open report near the point, without personal data."""

    tracking_code: str
    status: str
    category: str  # code
    reported_at: dt.datetime
    lon: float  # rounded to PUBLIC_DECIMALS
    lat: float
    distance_m: int  # in steps of DISTANCE_STEP_M

    def as_dict(self) -> dict:
        # Its fields one by one: all are flat values, which ``asdict`` would
        # deep-copy for nothing.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["reported_at"] = timezone.localtime(self.reported_at).isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> DuplicateSuggestion:
        return cls(
            **{**data, "reported_at": dt.datetime.fromisoformat(data["reported_at"])}
        )


def near_params(
    *,
    lon: float,
    lat: float,
    category: Category,
    at: dt.datetime,
    exclude_id: int | None = None,
    limit: int = MAX_SUGGESTIONS,
) -> dict[str, Any]:
    """The parameters of :data:`NEAR`."""
    radius = float(category.duplicate_radius_m)
    window = dt.timedelta(days=category.duplicate_window_days)
    dlon, dlat = degree_margin(lat, radius)
    return {
        "lon": lon,
        "lat": lat,
        "category_id": category.pk,
        "open": list(Report.OPEN_STATUSES),
        "since": at - window,
        "until": at + window,
        "exclude_id": exclude_id,
        "dlon": dlon,
        "dlat": dlat,
        "radius": radius,
        "limit": limit,
    }


def suggestion(row: tuple[Any, ...], category: Category) -> DuplicateSuggestion:
    """The suggestion from a row of :data:`NEAR` (its first six columns)."""
    code, status, reported_at, x, y, distance = row[:6]
    return DuplicateSuggestion(
        tracking_code=code,
        status=status,
        category=category.code,
        reported_at=reported_at,
        lon=round(x, PUBLIC_DECIMALS),
        lat=round(y, PUBLIC_DECIMALS),
        distance_m=distance_shown(float(distance)),
    )


def duplicates_near(
    *,
    lon: float,
    lat: float,
    category: Category,
    at: dt.datetime | None = None,
    exclude_id: int | None = None,
    limit: int = MAX_SUGGESTIONS,
) -> list[DuplicateSuggestion]:
    """Open reports of ``category`` within its radius and window of (lon, lat) at
    ``at`` (default now), nearest first."""
    params = near_params(
        lon=lon,
        lat=lat,
        category=category,
        at=at or timezone.now(),
        exclude_id=exclude_id,
        limit=limit,
    )
    return [suggestion(row, category) for row in prepared.fetchall(NEAR, params)]
