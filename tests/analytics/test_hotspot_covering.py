"""Hot spots place each grid cell in the unit covering its centre by the lookup's rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics.hotspots import Counts, _covering_units
from boundaries.bulk import valid_set_ids
from boundaries.lookup import point_lookup
from tests.points import DONG_PHU, OFFSHORE, shared_vertices, unit_seam_points

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)


def _counts(points: list[tuple[float, float]]) -> Counts:
    lon = np.array([p[0] for p in points], dtype=np.float64)
    lat = np.array([p[1] for p in points], dtype=np.float64)
    return Counts(lon, lat, np.ones(len(points)))


@pytest.mark.parametrize(
    ("points", "day"),
    [
        (lambda: shared_vertices("qb-2020", "18853", "18856"), BEFORE),
        (lambda: shared_vertices("qt-2025", "18859", "18880"), AFTER),
        (lambda: unit_seam_points("qt-2025", "18871"), AFTER),
        (lambda: [DONG_PHU], BEFORE),
        (lambda: [DONG_PHU], AFTER),
    ],
    ids=["edge-2020", "edge-2025", "seam-2025", "inside-2020", "inside-2025"],
)
def test_cells_on_edges_and_seams_go_to_the_unit_point_lookup_names(points, day):
    """A cell centre exactly on a shared edge, a vertex or a seam between pieces is
    counted in the unit point_lookup gives that point."""
    chosen = points()
    assert chosen
    units = _covering_units(_counts(chosen), valid_set_ids(day))
    expected = [point_lookup(lon=lon, lat=lat, day=day).unit.id for lon, lat in chosen]
    assert units.tolist() == expected


def test_a_cell_at_sea_is_in_no_unit():
    """Outside every unit: 0, beside a covered cell."""
    units = _covering_units(_counts([OFFSHORE, DONG_PHU]), valid_set_ids(AFTER))
    assert units[0] == 0
    assert units[1] == point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=AFTER).unit.id
