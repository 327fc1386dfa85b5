"""Reads of boundary sets and units for the API and the pages (no HTTP here)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from boundaries.functions import simplified_in_metres
from boundaries.jurisdictions import Jurisdiction
from boundaries.layers import ADMINISTRATIVE
from boundaries.models import AdminUnit, BoundarySet, UnitSuccession
from geo.errors import NotFound


class UnknownSet(NotFound):
    """No boundary set has that slug."""


class UnknownUnit(NotFound):
    """No unit has that code in the set asked about."""


def boundary_sets_select(
    *, slug: str | None = None, day: dt.date | None = None, layer: str = ADMINISTRATIVE
) -> list[BoundarySet]:
    """The set named by ``slug``, or else the active sets of ``layer`` in force on
    ``day``."""
    if slug:
        found = list(BoundarySet.objects.filter(slug=slug))
        if not found:
            raise UnknownSet(
                "unknown_set",
                f"Không có bộ địa giới '{slug}'.",
                f"There is no boundary set '{slug}'.",
                "set",
            )
        return found
    assert day is not None
    return list(BoundarySet.objects.active().in_layer(layer).valid_on(day))


def units_drawn(
    *, units: QuerySet[AdminUnit], simplify_m: float | None = None
) -> QuerySet[AdminUnit]:
    """Units ready to draw: their set and parent loaded (without the parent's
    geometry), and ``display_geom`` the geometry to draw, simplified to
    ``simplify_m`` metres when given."""
    shape = simplified_in_metres("geom", simplify_m) if simplify_m else F("geom")
    return (
        units.select_related("boundary_set", "parent")
        .defer("parent__geom", "properties")
        .annotate(display_geom=shape)
        .defer("geom")
    )


def unit_get(*, code: str, boundary_sets: list[BoundarySet]) -> AdminUnit:
    unit = (
        AdminUnit.objects.filter(boundary_set__in=boundary_sets, code=code)
        .select_related("boundary_set", "parent")
        .defer("parent__geom")
        .first()
    )
    if unit is None:
        names = ", ".join(s.slug for s in boundary_sets) or "—"
        raise UnknownUnit(
            "unknown_unit",
            f"Không có đơn vị mã {code} trong bộ địa giới {names}.",
            f"No unit with code {code} in boundary set {names}.",
            "code",
        )
    return unit


def unit_successions(*, unit: AdminUnit) -> dict[str, list[UnitSuccession]]:
    """Crosswalk rows into and out of a unit (what it became; what it was made of)."""
    successors = (
        UnitSuccession.objects.filter(from_unit=unit)
        .select_related("to_unit__boundary_set")
        .defer("to_unit__geom")
    )
    predecessors = (
        UnitSuccession.objects.filter(to_unit=unit)
        .select_related("from_set", "from_unit")
        .defer("from_unit__geom", "to_unit__geom")
    )
    return {"successors": list(successors), "predecessors": list(predecessors)}


def known_layers() -> list[str]:
    """The layers some boundary set belongs to, sorted."""
    return sorted(set(BoundarySet.objects.values_list("layer", flat=True)))


def known_jurisdictions() -> list[str]:
    """Codes of the registered jurisdictions and of those some set names, sorted."""
    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    codes |= set(BoundarySet.objects.values_list("jurisdiction_code", flat=True))
    return sorted(codes)


def known_level_labels() -> list[str]:
    """The level labels jurisdictions of their own have (beyond Vietnam's), sorted."""
    labels: set[str] = set()
    for own in Jurisdiction.objects.values_list("level_labels", flat=True):
        labels.update(own or ())
    return sorted(labels)
