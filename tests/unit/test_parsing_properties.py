"""Property-based tests (hypothesis) of every parser that reads untrusted text into
coordinates, dates, boxes and polygons: whatever the input, the parser returns a
value that holds its promises or raises its own bilingual refusal, never anything
else (which the API would answer with a 500).

Derandomised, so a run is repeatable; the database is not used.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.errors import ApiError
from api.params import (
    date_range,
    parse_bound,
    parse_bounded,
    parse_day,
    parse_moment,
)
from geo.coords import BBox, check_lon_lat, parse_bbox, parse_lon_lat, parse_number
from geo.errors import BilingualError
from geo.geojson import parse_polygonal

PROPERTIES = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REFUSALS = (BilingualError, ApiError)

# Text a client might send: any Unicode, numbers written every way, and near-misses.
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "nan", "-inf", "1e309", "1_000", "٣", "17,5", "0x10"]),
)
texts = st.one_of(st.text(max_size=60), numbers)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.isoformat()}T23:59:59+14:00"]
        )
    ),
    st.datetimes(timezones=st.timezones()).map(lambda m: m.isoformat()),
    st.text(alphabet="0123456789-/:T+Z .", max_size=30),
    st.text(max_size=30),
)


def _refused_or(check: Any, *args: Any, **kwargs: Any) -> Any:
    """The parser's value, or None when it refused with its own error."""
    try:
        return check(*args, **kwargs)
    except REFUSALS as error:
        refusal = error
    assert refusal.vi  # both languages, always
    assert refusal.en
    return None


@PROPERTIES
@given(raw=texts)
def test_parse_number_gives_a_finite_float_or_its_refusal(raw):
    value = _refused_or(parse_number, raw, "lon")
    assert value is None or math.isfinite(value)


@PROPERTIES
@given(lon=texts, lat=texts)
def test_parse_lon_lat_gives_a_point_in_range_or_its_refusal(lon, lat):
    point = _refused_or(parse_lon_lat, lon, lat)
    if point is not None:
        assert -180 <= point.lon <= 180
        assert -90 <= point.lat <= 90


@PROPERTIES
@given(lon=st.floats(), lat=st.floats())
def test_check_lon_lat_takes_any_float(lon, lat):
    point = _refused_or(check_lon_lat, lon, lat)
    assert point is None or (math.isfinite(point.lon) and math.isfinite(point.lat))


@PROPERTIES
@given(
    raw=st.one_of(
        st.lists(numbers, min_size=0, max_size=6).map(",".join),
        st.tuples(st.floats(-200, 200), st.floats(-100, 100), st.floats(-200, 200)).map(
            lambda t: f"{t[0]},{t[1]},{t[2]},{t[1]}"
        ),
        texts,
    )
)
def test_parse_bbox_gives_an_ordered_box_or_its_refusal(raw):
    box = _refused_or(parse_bbox, raw)
    if box is not None:
        assert isinstance(box, BBox)
        assert box.min_lon <= box.max_lon
        assert box.min_lat <= box.max_lat
        assert all(math.isfinite(v) for v in box.as_tuple())


@PROPERTIES
@given(raw=dates)
def test_dates_are_in_range_or_refused(raw):
    first, last = date_range()
    day = _refused_or(parse_day, raw, "date")
    if day is not None:
        assert first <= day <= last
    moment = _refused_or(parse_moment, raw, "at")
    if moment is not None:
        assert moment.tzinfo is not None


@PROPERTIES
@given(raw=dates, end=st.booleans())
def test_range_bounds_never_overflow(raw, end):
    """A range's end adds a day or a microsecond: never past datetime's limits,
    because dates outside the accepted range are refused first."""
    bound = _refused_or(parse_bound, raw, "to", end=end)
    assert bound is None or bound.tzinfo is not None


@PROPERTIES
@given(raw=texts, low=st.floats(-1e6, 0), high=st.floats(0, 1e6))
def test_parse_bounded_stays_in_its_bounds(raw, low, high):
    value = _refused_or(parse_bounded, raw, "zoom", low=low, high=high)
    assert value is None or low <= value <= high


coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-1000, 1000),
    st.text(max_size=5),
    st.none(),
    st.lists(st.floats(), max_size=3),
)
position = st.one_of(
    st.tuples(st.floats(106.4, 106.8), st.floats(17.3, 17.6)).map(list),
    st.lists(coordinate, max_size=4),
    coordinate,
)
ring = st.one_of(
    st.lists(position, max_size=8),
    st.lists(position, min_size=3, max_size=6).map(lambda r: [*r, r[0]]),
)
geometry = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "polygon"]),
            "coordinates": st.one_of(
                st.lists(ring, max_size=3),
                st.lists(st.lists(ring, max_size=2), max_size=2),
                coordinate,
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("Feature"),
            "geometry": st.none() | st.just({"type": "Polygon"}),
            "crs": st.none() | st.just({"type": "name"}),
        }
    ),
    st.none(),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=3),
)


@PROPERTIES
@given(obj=geometry, repair=st.booleans())
def test_zone_geometry_input_gives_a_valid_multipolygon_or_its_refusal(obj, repair):
    """The zone editor's and the API's polygon input path."""
    parsed = _refused_or(parse_polygonal, obj, accept_repair=repair)
    if parsed is not None:
        assert parsed.geometry.geom_type == "MultiPolygon"
        assert parsed.geometry.is_valid
        assert not parsed.geometry.is_empty


@pytest.mark.parametrize(
    "raw",
    ["9999-12-31", "31/12/9999", "0001-01-01", "9999-12-31T23:59:59.999999-23:59"],
)
def test_the_extreme_dates_found_are_refused(raw):
    with pytest.raises(ApiError):
        parse_bound(raw, "to", end=True)
