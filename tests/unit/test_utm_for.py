"""geo.projections.utm_for: the UTM zone of the data's own centroid."""

import pytest
from pyproj import Geod
from shapely.geometry import box

from geo.projections import utm_for
from geo.topology import area_m2, to_metric


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (106.6, 17.5, 32648),  # Đồng Hới
        (107.1, 16.8, 32648),  # Đông Hà
        (108.2, 16.05, 32649),  # Đà Nẵng
        (-79.4, 43.7, 32617),  # Toronto
        (-70.6, -33.4, 32719),  # Santiago
        (-180.0, 0.0, 32601),
        (180.0, -1.0, 32760),
    ],
)
def test_utm_zone_of_a_point(lon, lat, epsg):
    assert utm_for(lon, lat) == epsg


def test_not_a_point_is_refused():
    with pytest.raises(ValueError, match="not a WGS 84"):
        utm_for(17.5, 106.6)


@pytest.mark.parametrize(
    ("lon", "lat"), [(-79.4, 43.7), (106.6, 17.46), (151.2, -33.9)]
)
def test_area_is_geodesic_and_utm_of_its_zone_within_a_tenth_of_a_percent(lon, lat):
    """A 2 km square anywhere: a unit's area is the geodesic one; overlaps, measured
    in the UTM zone of the data's own centroid, agree with it within 0.1 %."""
    square = box(lon, lat, lon + 0.02, lat + 0.02)
    geodesic = abs(Geod(ellps="WGS84").geometry_area_perimeter(square)[0])
    assert area_m2(square) == pytest.approx(geodesic, rel=1e-9)
    assert to_metric([square])[0].area == pytest.approx(geodesic, rel=0.001)
