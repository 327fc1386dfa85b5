"""The margin around a jurisdiction's own extent: a quarter of its larger side, and
at least 5 km on the ground on every side, whatever the latitude."""

import pytest
from django.contrib.gis.geos import Polygon
from pyproj import Geod

from boundaries.jurisdictions import OWN_MARGIN_MIN_M, Jurisdiction
from geo.coords import BBox

GEOD = Geod(ellps="WGS84")


def _expected(box: BBox) -> BBox:
    found = Jurisdiction(
        code="x", country="NO", extent=Polygon.from_bbox(box.as_tuple())
    ).expected_bbox()
    assert found is not None
    return found[0]


def _inside(box: BBox, lon: float, lat: float) -> bool:
    return box.min_lon <= lon <= box.max_lon and box.min_lat <= lat <= box.max_lat


@pytest.mark.parametrize("lat", [59.9, -60.0, 17.4, 0.0])
def test_a_small_extent_keeps_5_km_on_every_side(lat):
    """Near 60°N a degree of longitude is 56 km: 5 km east or west of a small box's
    poleward corners is still expected (0.05° was 2.8 km there), 5.2 km is not."""
    box = BBox(10.70, lat, 10.72, lat + 0.02)
    expected = _expected(box)
    poleward = box.max_lat if lat >= 0 else box.min_lat
    for corner_lon, azimuth in ((box.max_lon, 90), (box.min_lon, 270)):
        lon, at_lat, _ = GEOD.fwd(corner_lon, poleward, azimuth, OWN_MARGIN_MIN_M)
        assert _inside(expected, lon, at_lat)
        lon, at_lat, _ = GEOD.fwd(corner_lon, poleward, azimuth, 5_200)
        assert not _inside(expected, lon, at_lat)
    for corner_lat, azimuth in ((box.max_lat, 0), (box.min_lat, 180)):
        lon, at_lat, _ = GEOD.fwd(10.71, corner_lat, azimuth, OWN_MARGIN_MIN_M)
        assert _inside(expected, lon, at_lat)
        lon, at_lat, _ = GEOD.fwd(10.71, corner_lat, azimuth, 5_200)
        assert not _inside(expected, lon, at_lat)


def test_a_large_extent_keeps_a_quarter_of_its_larger_side():
    """A 1° by 0.5° box at 60°N: a quarter degree on each side, both axes."""
    box = BBox(10.0, 59.5, 11.0, 60.0)
    assert _expected(box).as_tuple() == pytest.approx((9.75, 59.25, 11.25, 60.25))
