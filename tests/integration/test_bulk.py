"""Bulk assignment of points to units: the lookup's rule, set-based, on the real sets."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable

import pytest
from django.db import connection

from boundaries.bulk import coordinates_assign, points_assign, valid_set_ids
from boundaries.lookup import OutsideAllUnits, point_lookup
from boundaries.models import AdminUnit
from tests.points import (
    DONG_PHU,
    OFFSHORE,
    covering_reference,
    shared_vertices,
    unit_seam_points,
)

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)

Assign = Callable[[list[tuple[float, float]], dt.date], dict[int, str]]


@pytest.fixture
def assign() -> Assign:
    """Load points into a TEMP table of this test's transaction and assign them.

    Returns {point index: unit code} for the points that got a unit.
    """

    def load_and_assign(
        points: list[tuple[float, float]], day: dt.date
    ) -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TABLE IF EXISTS pg_temp.bulk_points, pg_temp.bulk_units"
            )
            cursor.execute(
                "CREATE TEMP TABLE bulk_points (id bigint, geom geometry(Point, 4326))"
                " ON COMMIT DROP"
            )
            cursor.execute(
                "CREATE TEMP TABLE bulk_units (point_id bigint, unit_id bigint)"
                " ON COMMIT DROP"
            )
            cursor.execute(
                """
                INSERT INTO bulk_points (id, geom)
                SELECT i - 1, ST_SetSRID(ST_MakePoint(x, y), 4326)
                FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, i)
                """,
                [[p[0] for p in points], [p[1] for p in points]],
            )
            cursor.execute("CREATE INDEX ON bulk_points USING gist (geom)")
            cursor.execute("ANALYZE bulk_points")
            assigned = points_assign(table="bulk_points", into="bulk_units", day=day)
            cursor.execute(
                "SELECT r.point_id, u.code FROM bulk_units r"
                " JOIN boundaries_adminunit u ON u.id = r.unit_id ORDER BY r.point_id"
            )
            rows = cursor.fetchall()
        assert assigned == len(rows)
        codes = dict(rows)
        assert len(codes) == len(rows), "a point was assigned twice"
        return codes

    return load_and_assign


@pytest.mark.parametrize(
    ("set_slug", "code_low", "code_high", "day"),
    [
        ("qb-2020", "18853", "18856", BEFORE),  # Hải Thành | Đồng Phú
        ("qt-2025", "18859", "18880", AFTER),  # Đồng Thuận | Đồng Hới
    ],
)
def test_points_on_a_shared_edge_go_to_the_smallest_covering_ward(
    assign, set_slug, code_low, code_high, day
):
    """A point exactly on the edge shared by two wards is assigned to the smallest
    ward covering it (a shapely reference), as the lookup's rule says."""
    vertices = shared_vertices(set_slug, code_low, code_high)
    assert len(vertices) >= 3
    codes = assign(vertices, day)
    expected = {
        i: covering_reference(set_slug, lon, lat)[0][0]
        for i, (lon, lat) in enumerate(vertices)
    }
    assert codes == expected
    assert code_low in expected.values()


@pytest.mark.parametrize(
    ("set_slug", "code", "day"),
    [
        ("qt-2025", "18871", AFTER),  # Phường Đồng Sơn, 4 pieces
        ("qt-2025", "18880", AFTER),  # Phường Đồng Hới, 3 pieces
    ],
)
def test_point_on_a_subdivision_seam_is_assigned_once_to_its_unit(
    assign, set_slug, code, day
):
    """Where two pieces of a unit meet inside it, a point is assigned once, to it."""
    seams = unit_seam_points(set_slug, code)
    assert seams, "the unit is cut into several pieces"
    codes = assign(seams, day)
    assert codes == dict.fromkeys(range(len(seams)), code)


def test_point_at_sea_gets_no_row(assign):
    """5 km offshore no unit covers the point: it gets no row; the land point gets one."""
    codes = assign([OFFSHORE, DONG_PHU], BEFORE)
    assert codes == {1: "18856"}


def test_no_set_in_force_assigns_nothing(assign):
    """Before the earliest set no point is assigned."""
    assert assign([DONG_PHU], dt.date(1999, 12, 31)) == {}


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_bulk_answers_equal_point_lookup(assign, day):
    """For 200 random points around Đồng Hới, bulk and single lookups name the same
    unit, and refuse the same points."""
    extent = (
        AdminUnit.objects.only("geom")
        .get(boundary_set__slug="qb-2020", code="450")
        .geom.extent
    )
    rng = random.Random(2025)
    points = [
        (rng.uniform(extent[0], extent[2]), rng.uniform(extent[1], extent[3]))
        for _ in range(200)
    ]
    expected = {}
    for i, (lon, lat) in enumerate(points):
        with contextlib.suppress(OutsideAllUnits):
            expected[i] = point_lookup(lon=lon, lat=lat, day=day).unit.code
    assert 100 < len(expected) < 200  # some at sea, most on land
    assert assign(points, day) == expected


@pytest.mark.parametrize(
    "name", ["points; DROP TABLE x", "a.b.c", '"quoted"', "1points", ""]
)
def test_table_names_other_than_plain_identifiers_are_refused(name):
    """Table names are checked before any SQL is built."""
    with pytest.raises(ValueError, match="plain table name"):
        points_assign(table=name, into="bulk_units", day=BEFORE)


def _coordinates(points: list[tuple[float, float]], day: dt.date) -> dict[int, str]:
    """{point index: unit code} by ``coordinates_assign``, for the covered points."""
    units = coordinates_assign(
        lons=[p[0] for p in points],
        lats=[p[1] for p in points],
        sets=valid_set_ids(day),
    )
    codes = dict(AdminUnit.objects.filter(pk__in=set(units)).values_list("id", "code"))
    return {i: codes[u] for i, u in enumerate(units) if u is not None}


@pytest.mark.parametrize(
    ("set_slug", "code_low", "code_high", "day"),
    [
        ("qb-2020", "18853", "18856", BEFORE),  # Hải Thành | Đồng Phú
        ("qt-2025", "18859", "18880", AFTER),  # Đồng Thuận | Đồng Hới
    ],
)
def test_coordinates_on_a_shared_edge_go_to_the_smallest_covering_ward(
    set_slug, code_low, code_high, day
):
    """Coordinates in arrays follow the rule too: a shared vertex is the smallest
    covering ward's, as point_lookup and the shapely reference say."""
    vertices = shared_vertices(set_slug, code_low, code_high)
    assert len(vertices) >= 3
    expected = {
        i: point_lookup(lon=lon, lat=lat, day=day).unit.code
        for i, (lon, lat) in enumerate(vertices)
    }
    assert expected == {
        i: covering_reference(set_slug, lon, lat)[0][0]
        for i, (lon, lat) in enumerate(vertices)
    }
    assert _coordinates(vertices, day) == expected


@pytest.mark.parametrize("code", ["18871", "18880"])
def test_coordinates_on_a_subdivision_seam_get_their_unit(code):
    """Where pieces of a unit meet inside it, the coordinates get that unit once."""
    seams = unit_seam_points("qt-2025", code)
    assert seams
    assert _coordinates(seams, AFTER) == dict.fromkeys(range(len(seams)), code)


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_coordinates_answer_as_point_lookup(day):
    """200 random points: the same unit as point_lookup, none where it refuses."""
    rng = random.Random(44)
    points = [
        (rng.uniform(106.52, 106.70), rng.uniform(17.40, 17.56)) for _ in range(200)
    ]
    expected = {}
    for i, (lon, lat) in enumerate(points):
        with contextlib.suppress(OutsideAllUnits):
            expected[i] = point_lookup(lon=lon, lat=lat, day=day).unit.code
    assert 50 < len(expected) < 200
    assert _coordinates(points, day) == expected


def test_coordinates_without_points_or_sets_assign_nothing():
    """No coordinates, or no set in force: no unit, and no query needed."""
    assert coordinates_assign(lons=[], lats=[], sets=valid_set_ids(AFTER)) == []
    assert coordinates_assign(lons=[DONG_PHU[0]], lats=[DONG_PHU[1]], sets=[]) == [None]
    with pytest.raises(ValueError, match="length"):
        coordinates_assign(lons=[1.0], lats=[], sets=[1])
