"""The assignment rule computed in Python over shapely ``covers``, for checking
``points_assign`` (and the lookup) point by point.

Written from the rule as documented in ``boundaries.lookup``, not from its SQL: the
sets searched are read through the ORM, coverage is shapely's, and the order is
spelled out here (the deepest unit, then the set of higher priority, the smaller
``area_m2``, the lower code in numeric-aware order, the lower id). The numeric-aware
key agrees with the ICU collation for codes of digits, letters of one case and '-'.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import Q

from boundaries.geometry import to_shapely
from boundaries.levels import level_depth
from boundaries.models import AdminUnit, BoundarySet


@dataclass(frozen=True)
class RefUnit:
    id: int
    code: str
    name: str
    depth: int
    priority: int
    area_m2: float
    shape: Any  # shapely geometry


def numeric_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """'15' before '124', 'Z9' before 'Z10', '3' before '3-2'."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.findall(r"\d+|\D+", code)
    )


def reference_units(
    *, day: dt.date, layer: str = "administrative", jurisdiction: str | None = None
) -> list[RefUnit]:
    """The units of the active sets of ``layer`` in force on ``day`` (of
    ``jurisdiction`` when given)."""
    sets = BoundarySet.objects.filter(
        status=BoundarySet.Status.ACTIVE, layer=layer, valid_from__lte=day
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    if jurisdiction is not None:
        sets = sets.filter(jurisdiction_code=jurisdiction)
    return [
        RefUnit(
            u.id,
            u.code,
            u.name,
            level_depth(u.level),
            u.boundary_set.priority,
            u.area_m2,
            to_shapely(u.geom),
        )
        for u in AdminUnit.objects.filter(boundary_set__in=sets).select_related(
            "boundary_set"
        )
    ]


def reference_assign(
    units: list[RefUnit], points: list[tuple[float, float]]
) -> list[tuple[RefUnit | None, bool]]:
    """For each point (lon, lat): the winning unit (None when none covers it) and
    whether several units of the winner's depth cover it."""
    geoms = shapely.points(np.asarray(points, dtype=float))
    covers = [shapely.covers(unit.shape, geoms) for unit in units]
    out: list[tuple[RefUnit | None, bool]] = []
    for i in range(len(points)):
        covering = [unit for unit, mask in zip(units, covers, strict=True) if mask[i]]
        if not covering:
            out.append((None, False))
            continue
        deepest = max(unit.depth for unit in covering)
        tied = sorted(
            (unit for unit in covering if unit.depth == deepest),
            key=lambda u: (-u.priority, u.area_m2, numeric_key(u.code), u.id),
        )
        out.append((tied[0], len(tied) > 1))
    return out


def exact_points(units: list[RefUnit]) -> list[tuple[float, float]]:
    """Points exactly on the units' vertices and edges, and on the crossings of
    their outlines: every vertex x against every vertex y, and the midpoints
    between neighbouring ones (the doubles of the stored geometry, so exact)."""
    coords = np.vstack([shapely.get_coordinates(unit.shape) for unit in units])
    xs, ys = np.unique(coords[:, 0]), np.unique(coords[:, 1])
    xs = np.concatenate([xs, (xs[:-1] + xs[1:]) / 2])
    ys = np.concatenate([ys, (ys[:-1] + ys[1:]) / 2])
    return [(float(x), float(y)) for x in xs for y in ys]
