"""Random points over Đồng Hới, drawn from a seeded generator so every run sees the same."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from boundaries.models import AdminUnit

# One day in each of the sets that cover Đồng Hới: qb-2020 (15 wards and communes,
# 8 districts, the province) and qt-2025 (78 units and the province).
DAYS = (dt.date(2022, 5, 1), dt.date(2026, 1, 1))
SEED = 20_250_701


@dataclass(frozen=True)
class Extent:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class Probe:
    lon: float
    lat: float
    day: dt.date


def dong_hoi_extent() -> Extent:
    """The bounding box of Thành phố Đồng Hới (district 450 of the 2020 set)."""
    unit = AdminUnit.objects.only("geom").get(boundary_set__slug="qb-2020", code="450")
    return Extent(*unit.geom.extent)


def probes(extent: Extent, count: int, *, seed: int = SEED) -> list[Probe]:
    """``count`` points uniform in ``extent`` (some fall at sea or next door), the days
    alternating so both sets share any drift of the machine alike."""
    rng = random.Random(seed)
    return [
        Probe(
            rng.uniform(extent.min_lon, extent.max_lon),
            rng.uniform(extent.min_lat, extent.max_lat),
            DAYS[i % len(DAYS)],
        )
        for i in range(count)
    ]
