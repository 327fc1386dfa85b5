"""Coordinate reference systems we meet in Vietnam, and reprojection to WGS 84.

VN-2000 is not WGS 84: pyproj picks the EPSG Helmert transformation (EPSG:6960,
"VN-2000 to WGS 84 (2)"); a bare +proj string without it is off by about 225 m at
Đồng Hới.
"""

from __future__ import annotations

import math
from functools import cache

from pyproj import CRS, Transformer

WGS84 = 4326
UTM_48N = 32648
VN2000 = 4756
VN2000_TM3_QUANG_BINH = 9211  # TM-3 106°00', k=0.9999
VN2000_TM3_QUANG_TRI = 9212  # TM-3 106°15'


@cache
def transformer(source: int | str, target: int | str = WGS84) -> Transformer:
    """A cached (x, y) = (lon, lat) ordered transformer between two CRSs."""
    return Transformer.from_crs(CRS.from_user_input(source), target, always_xy=True)


def to_utm(lon: float, lat: float) -> tuple[float, float]:
    """Project a WGS 84 point to UTM zone 48N metres."""
    x, y = transformer(WGS84, UTM_48N).transform(lon, lat)
    return float(x), float(y)


def degree_margin(lat: float, metres: float) -> tuple[float, float]:
    """Degrees of longitude and latitude that surely span ``metres`` at ``lat``.

    Only for a bounding-box prefilter that an index can use; the exact test is then
    made in metres (on geography). Errs on the large side by 1 %.
    """
    dlat = metres / 110_574.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return dlon * 1.01, dlat * 1.01


def utm_for(lon: float, lat: float) -> int:
    """The EPSG code of the WGS 84 UTM zone that holds (lon, lat): 326zz north of
    the equator, 327zz south. Areas and distances of data anywhere on Earth are
    measured in the zone of the data's own centroid, never a fixed one (UTM 48N,
    Vietnam's, makes areas near Toronto about 1.5 times too large). Norway's and
    Svalbard's irregular zones are ignored: the regular zone is as accurate there."""
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"({lon}, {lat}) is not a WGS 84 longitude and latitude")
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone
