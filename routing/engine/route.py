"""Route a point: load the candidates in force at a moment, and decide."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from routing.engine.candidates import unit_candidate, zone_candidates
from routing.engine.decision import Decision, decide
from routing.models import Category


def route_decide(
    *, lon: float, lat: float, category: Category, at: dt.datetime | None = None
) -> Decision:
    """The decision a report at (lon, lat) of ``category`` made at ``at`` would get.

    Uses the boundary set and the zones in force at ``at`` (default now). Raises
    OutsideAllUnits beyond the shore tolerance and NoBoundarySet before every set.
    """
    at = at or timezone.now()
    unit, triage = unit_candidate(lon=lon, lat=lat, at=at)
    zones = zone_candidates(
        lon=lon,
        lat=lat,
        category_id=category.pk,
        at=at,
        near_m=settings.ROUTING_NEAR_EDGE_M,
    )
    return decide(
        unit=unit,
        zones=zones,
        triage=triage,
        category_vi=category.name_vi,
        category_en=category.name_en,
        near_edge_m=settings.ROUTING_NEAR_EDGE_M,
    )
