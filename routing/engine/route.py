"""Route a point: load the candidates in force at a moment, and decide."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from routing.engine.candidates import Contact, route_candidates
from routing.engine.decision import Decision, decide
from routing.models import Category


def route_decide_contact(
    *, lon: float, lat: float, category: Category, at: dt.datetime | None = None
) -> tuple[Decision, Contact]:
    """``route_decide``, with the chosen department's e-mail and webhook (read
    with the candidates, no query more), for the intake's outbox rows."""
    at = at or timezone.now()
    found = route_candidates(
        lon=lon,
        lat=lat,
        category_id=category.pk,
        at=at,
        near_m=settings.ROUTING_NEAR_EDGE_M,
    )
    decision = decide(
        unit=found.unit,
        zones=found.zones,
        triage=found.triage,
        category_vi=category.name_vi,
        category_en=category.name_en,
        near_edge_m=settings.ROUTING_NEAR_EDGE_M,
    )
    return decision, found.contacts[decision.department.id]


def route_decide(
    *, lon: float, lat: float, category: Category, at: dt.datetime | None = None
) -> Decision:
    """The decision a report at (lon, lat) of ``category`` made at ``at`` would get.

    Uses the boundary set and the zones in force at ``at`` (default now). Raises
    OutsideAllUnits beyond the shore tolerance and NoBoundarySet before every set.
    """
    return route_decide_contact(lon=lon, lat=lat, category=category, at=at)[0]
