"""Parse and check coordinates and bounding boxes from untrusted text (query strings).

Everything here is (lon, lat) in EPSG:4326, as GeoJSON and GEOS order it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.errors import GeoInputError

# Vietnam's extent (mainland and islands), used to recognise swapped lon/lat.
VIETNAM_LON = (102.0, 118.0)
VIETNAM_LAT = (8.0, 24.0)

_NAMES_VI = {"lon": "kinh độ (lon)", "lat": "vĩ độ (lat)"}


@dataclass(frozen=True)
class LonLat:
    lon: float
    lat: float


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def covers(self, lon: float, lat: float) -> bool:
        """Whether (lon, lat) lies in the box, its edges included."""
        return (
            self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat
        )


def parse_number(raw: str | None, field: str) -> float:
    """Turn query text into a finite float, or raise a GeoInputError naming the field."""
    name_vi = _NAMES_VI.get(field, field)
    if raw is None or str(raw).strip() == "":
        raise GeoInputError(
            "missing",
            f"Thiếu {name_vi}.",
            f"The parameter '{field}' is required.",
            field,
        )
    text = str(raw).strip()
    try:
        value = float(text)
    except ValueError:
        raise GeoInputError(
            "not_a_number",
            f"{name_vi.capitalize()} phải là một số thập phân, ví dụ 17.4689 "
            f"(nhận được '{text[:40]}').",
            f"'{field}' must be a decimal number such as 17.4689 (got '{text[:40]}').",
            field,
        ) from None
    if not math.isfinite(value):
        raise GeoInputError(
            "not_finite",
            f"{name_vi.capitalize()} phải là một số hữu hạn.",
            f"'{field}' must be a finite number (got '{text[:40]}').",
            field,
        )
    return value


def _require_finite(value: float, field: str) -> None:
    if not math.isfinite(value):
        name_vi = _NAMES_VI.get(field, field)
        raise GeoInputError(
            "not_finite",
            f"{name_vi.capitalize()} phải là một số hữu hạn.",
            f"'{field}' must be a finite number (got '{str(value)[:40]}').",
            field,
        )


def _swapped(lon: float, lat: float) -> bool:
    return (VIETNAM_LAT[0] <= lon <= VIETNAM_LAT[1]) and (
        VIETNAM_LON[0] <= lat <= VIETNAM_LON[1]
    )


def check_lon_lat(lon: float, lat: float) -> LonLat:
    """Check the ranges; name a probable lon/lat swap instead of a bare range error.

    Typed values (a parsed request body) come here directly; NaN and infinities are
    refused as in query text."""
    _require_finite(lon, "lon")
    _require_finite(lat, "lat")
    if _swapped(lon, lat):
        raise GeoInputError(
            "swapped",
            f"Có vẻ kinh độ và vĩ độ bị đảo: lon={lon}, lat={lat}. Ở Việt Nam kinh độ "
            "khoảng 102–118 và vĩ độ khoảng 8–24 (ví dụ lon=106.6155, lat=17.4689).",
            f"Longitude and latitude look swapped: lon={lon}, lat={lat}. In Vietnam "
            "longitude is about 102–118 and latitude about 8–24 "
            "(e.g. lon=106.6155, lat=17.4689).",
            "lat",
        )
    if not -90.0 <= lat <= 90.0:
        raise GeoInputError(
            "out_of_range",
            f"Vĩ độ phải nằm trong khoảng -90 đến 90 (nhận được {lat}).",
            f"Latitude must be between -90 and 90 (got {lat}).",
            "lat",
        )
    if not -180.0 <= lon <= 180.0:
        raise GeoInputError(
            "out_of_range",
            f"Kinh độ phải nằm trong khoảng -180 đến 180 (nhận được {lon}).",
            f"Longitude must be between -180 and 180 (got {lon}).",
            "lon",
        )
    return LonLat(lon, lat)


def parse_lon_lat(raw_lon: str | None, raw_lat: str | None) -> LonLat:
    """Parse query-string lon and lat into a checked point."""
    return check_lon_lat(parse_number(raw_lon, "lon"), parse_number(raw_lat, "lat"))


def parse_bbox(raw: str | None) -> BBox | None:
    """Parse 'minLon,minLat,maxLon,maxLat' (the Open311 and OGC order); None when absent."""
    if raw is None or raw.strip() == "":
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise GeoInputError(
            "bad_bbox",
            "bbox phải có 4 số: kinh độ nhỏ nhất, vĩ độ nhỏ nhất, kinh độ lớn nhất, "
            "vĩ độ lớn nhất.",
            "bbox must be four numbers: minLon,minLat,maxLon,maxLat.",
            "bbox",
        )
    min_lon, min_lat, max_lon, max_lat = (parse_number(p, "bbox") for p in parts)
    check_lon_lat(min_lon, min_lat)
    check_lon_lat(max_lon, max_lat)
    if min_lon > max_lon or min_lat > max_lat:
        raise GeoInputError(
            "bad_bbox",
            "bbox không hợp lệ: giá trị nhỏ nhất phải nhỏ hơn giá trị lớn nhất.",
            "bbox is inverted: each minimum must not exceed its maximum.",
            "bbox",
        )
    return BBox(min_lon, min_lat, max_lon, max_lat)
