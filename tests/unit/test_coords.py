"""Parsing coordinates, bounding boxes and dates from query text."""

import math

import pytest

from geo.coords import check_lon_lat, parse_bbox, parse_lon_lat
from geo.errors import GeoInputError
from geo.text import ascii_fold
from geo.tiles import metres_per_pixel


def test_valid_point_parses_in_lon_lat_order():
    """'106.6155', '17.4689' is lon 106.6155, lat 17.4689."""
    point = parse_lon_lat("106.6155", " 17.4689 ")
    assert (point.lon, point.lat) == (106.6155, 17.4689)


@pytest.mark.parametrize(
    ("lon", "lat", "code", "field"),
    [
        (None, "17.4", "missing", "lon"),
        ("106.6", "", "missing", "lat"),
        ("abc", "17.4", "not_a_number", "lon"),
        ("106.6", "17,4", "not_a_number", "lat"),
        ("nan", "17.4", "not_finite", "lon"),
        ("106.6", "inf", "not_finite", "lat"),
        ("17.4689", "106.6155", "swapped", "lat"),
        ("106.6", "91", "out_of_range", "lat"),
        ("181", "17.4", "out_of_range", "lon"),
    ],
)
def test_bad_coordinates_are_refused_with_a_code_and_both_languages(
    lon, lat, code, field
):
    """Each kind of bad coordinate has its own code, field and bilingual message."""
    with pytest.raises(GeoInputError) as caught:
        parse_lon_lat(lon, lat)
    assert caught.value.code == code
    assert caught.value.field == field
    assert caught.value.vi
    assert caught.value.en
    assert caught.value.vi != caught.value.en


def test_bbox_parses_and_rejects_inverted_or_short_boxes():
    """bbox is minLon,minLat,maxLon,maxLat; inverted or three-number boxes are refused."""
    assert parse_bbox("106.5,17.4,106.7,17.5").as_tuple() == (106.5, 17.4, 106.7, 17.5)
    assert parse_bbox(None) is None
    for bad in ("106.7,17.4,106.5,17.5", "1,2,3", "a,b,c,d"):
        with pytest.raises(GeoInputError):
            parse_bbox(bad)


def test_ascii_fold_handles_d_with_stroke():
    """'Phường Đồng Hới' folds to 'Phuong Dong Hoi' (đ is a letter, not an accent)."""
    assert ascii_fold("Phường Đồng Hới") == "Phuong Dong Hoi"
    assert ascii_fold("xã Quảng Tiến") == "xa Quang Tien"


def test_metres_per_pixel_halves_with_each_zoom():
    """At the equator, zoom 0 is about 156 km per pixel; each zoom halves it."""
    assert metres_per_pixel(0, 0) == pytest.approx(156_543, rel=1e-3)
    assert metres_per_pixel(13, 17.5) == pytest.approx(metres_per_pixel(12, 17.5) / 2)


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [(math.nan, 17.4, "lon"), (106.6, math.inf, "lat"), (-math.inf, 17.4, "lon")],
)
def test_typed_coordinates_that_are_not_finite_are_refused_as_such(lon, lat, field):
    """A parsed body's float NaN or infinity gets ``not_finite``, as query text does."""
    with pytest.raises(GeoInputError) as caught:
        check_lon_lat(lon, lat)
    assert (caught.value.code, caught.value.field) == ("not_finite", field)
