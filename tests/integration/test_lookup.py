"""Point lookup on real and synthetic boundary sets: edges, vertices, seams, dates."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boundaries.lookup import NoBoundarySet, OutsideAllUnits, point_lookup
from boundaries.services import boundary_set_activate, unit_parts_rebuild
from tests.factories import (
    AdminUnitFactory,
    BoundarySetFactory,
    active_set_with,
    square,
)
from tests.points import (
    DONG_PHU,
    HANOI,
    OFFSHORE,
    covering_reference,
    shared_vertices,
)

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)


def codes(result):
    return [u.code for u in result.chain]


def test_point_in_dong_hoi_before_the_reform_is_in_its_old_ward_district_and_province():
    """On 30/06/2025 a point in Đồng Phú is Đồng Phú → Đồng Hới city → Quảng Bình."""
    result = point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=BEFORE)
    assert result.boundary_set.slug == "qb-2020"
    assert codes(result) == ["18856", "450", "44"]
    assert [u.level for u in result.chain] == ["ward", "district", "province"]
    assert result.chain[-1].name == "Tỉnh Quảng Bình"


def test_same_point_after_the_reform_is_in_the_new_ward_of_quang_tri():
    """From 01/07/2025 the same point is Phường Đồng Hới, Tỉnh Quảng Trị, no district."""
    result = point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=AFTER)
    assert result.boundary_set.slug == "qt-2025"
    assert codes(result) == ["18880", "44"]
    assert result.chain[-1].name == "Tỉnh Quảng Trị"


def test_before_2020_the_2013_roster_answers():
    """In 2015 Đồng Mỹ (18862) still existed: the 2013 roster answers with its units."""
    result = point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=dt.date(2015, 1, 1))
    assert result.boundary_set.slug == "qb-2013"
    assert result.unit.level == "ward"


def test_date_before_every_set_is_refused_naming_the_earliest_set():
    """A date before any set gets NoBoundarySet that names the earliest start."""
    with pytest.raises(NoBoundarySet) as caught:
        point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=dt.date(1999, 12, 31))
    assert "01/01/2013" in caught.value.vi
    assert "2013-01-01" in caught.value.en


def test_point_at_sea_is_refused_naming_the_nearest_unit_and_distance():
    """5 km off the Bảo Ninh shore: refused, with Bảo Ninh and the distance in metres."""
    with pytest.raises(OutsideAllUnits) as caught:
        point_lookup(lon=OFFSHORE[0], lat=OFFSHORE[1], day=BEFORE)
    assert caught.value.extra["nearest"]["code"] == "18889"
    assert 4000 < caught.value.extra["distance_m"] < 6000
    assert "Bảo Ninh" in caught.value.vi


def test_point_at_sea_within_tolerance_gets_the_nearest_unit_flagged():
    """With a tolerance larger than the distance, the nearest unit is matched."""
    result = point_lookup(
        lon=OFFSHORE[0], lat=OFFSHORE[1], day=AFTER, nearest_within_m=6000
    )
    assert result.matched == "nearest"
    assert result.unit.code == "18880"
    assert 4000 < result.distance_m < 6000


def test_point_far_outside_the_province_is_refused():
    """Hà Nội is more than 50 km from every unit: refused without a nearest unit."""
    with pytest.raises(OutsideAllUnits) as caught:
        point_lookup(lon=HANOI[0], lat=HANOI[1], day=AFTER)
    assert "nearest" not in caught.value.extra


@pytest.mark.parametrize(
    ("set_slug", "code_a", "code_b", "day"),
    [
        ("qb-2020", "18853", "18856", BEFORE),  # Hải Thành | Đồng Phú
        ("qt-2025", "18859", "18880", AFTER),  # Đồng Thuận | Đồng Hới
    ],
)
def test_shared_vertices_of_real_wards_go_to_the_smallest_covering_ward(
    set_slug, code_a, code_b, day
):
    """Every vertex shared by two real neighbouring wards (some by a third too) goes
    to the smallest ward covering it, by a shapely reference, and the answer says it
    was ambiguous, listing every covering ward smallest first."""
    vertices = shared_vertices(set_slug, code_a, code_b)
    assert len(vertices) >= 3
    for lon, lat in vertices:
        expected = [code for code, _ in covering_reference(set_slug, lon, lat)]
        assert len(expected) >= 2
        found = point_lookup(lon=lon, lat=lat, day=day)
        assert found.unit.code == expected[0]
        assert found.ambiguous
        assert [u.code for u in found.candidates] == expected


def test_point_exactly_on_a_shared_edge_goes_to_the_smaller_unit():
    """A point on the edge between two squares (not a vertex) belongs to the smaller
    one, whatever the codes, and is marked ambiguous; inside, no ambiguity."""
    active_set_with(
        [
            {"code": "97001", "geom": square(120.00, 10.00, 0.02)},
            {"code": "97002", "geom": square(120.02, 10.00, 0.01)},
        ],
        jurisdiction_code="97",
    )
    on_edge = point_lookup(lon=120.02, lat=10.005, day=AFTER)
    assert on_edge.unit.code == "97002"
    assert on_edge.matched == "covers"
    assert on_edge.ambiguous
    assert [u.code for u in on_edge.candidates] == ["97002", "97001"]
    inside_left = point_lookup(lon=120.005, lat=10.005, day=AFTER)
    assert inside_left.unit.code == "97001"
    assert not inside_left.ambiguous
    assert inside_left.candidates == ()


def test_point_on_the_outer_boundary_is_covered():
    """The outer edge counts as inside (boundary-inclusive), not as 'outside'."""
    active_set_with(
        [{"code": "97010", "geom": square(121.0, 11.0, 0.01)}], jurisdiction_code="96"
    )
    assert point_lookup(lon=121.0, lat=11.005, day=AFTER).unit.code == "97010"
    assert point_lookup(lon=121.0, lat=11.0, day=AFTER).unit.code == "97010"


def test_points_on_subdivision_seams_find_their_unit():
    """A unit cut into many pieces answers for points exactly on the cut lines."""
    ring = _dense_circle(lon=122.0, lat=12.0, radius=0.05, vertices=720)
    boundary_set = active_set_with(
        [{"code": "97020", "geom": ring}], jurisdiction_code="95"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM boundaries_adminunitpart WHERE boundary_set_id = %s
            """,
            [boundary_set.pk],
        )
        assert cursor.fetchone()[0] > 4
        # Points two pieces share but the unit's own ring does not: the seams' vertices
        # and the midpoints of their (axis-aligned, so exactly representable) segments.
        cursor.execute(
            """
            WITH seams AS (
                SELECT ST_Intersection(a.geom, b.geom) AS geom, u.geom AS unit_geom
                FROM boundaries_adminunitpart a
                JOIN boundaries_adminunitpart b
                  ON b.unit_id = a.unit_id AND b.id > a.id AND ST_Intersects(a.geom, b.geom)
                JOIN boundaries_adminunit u ON u.id = a.unit_id
                WHERE a.boundary_set_id = %s
            ), points AS (
                SELECT d.geom, unit_geom FROM seams, LATERAL ST_DumpPoints(seams.geom) d
                UNION ALL
                SELECT ST_Centroid(d.geom), unit_geom
                FROM seams, LATERAL ST_DumpSegments(seams.geom) d
            )
            SELECT DISTINCT ST_X(geom), ST_Y(geom) FROM points
            WHERE NOT ST_Intersects(ST_Boundary(unit_geom), geom)
            LIMIT 50
            """,
            [boundary_set.pk],
        )
        seams = cursor.fetchall()
    assert seams
    for lon, lat in seams:
        assert point_lookup(lon=lon, lat=lat, day=AFTER).unit.code == "97020"


def _dense_circle(*, lon: float, lat: float, radius: float, vertices: int):
    import math

    from django.contrib.gis.geos import MultiPolygon, Polygon

    ring = [
        (
            lon + radius * math.cos(2 * math.pi * i / vertices),
            lat + radius * math.sin(2 * math.pi * i / vertices),
        )
        for i in range(vertices)
    ]
    ring.append(ring[0])
    return MultiPolygon(Polygon(ring), srid=4326)


def test_deeper_unit_wins_over_its_district():
    """Where a set has both, the commune-level unit answers, with its district as parent."""
    boundary_set = BoundarySetFactory(jurisdiction_code="94")
    district = AdminUnitFactory(
        boundary_set=boundary_set,
        code="901",
        level="district",
        geom=square(123.0, 13.0, 0.02),
    )
    AdminUnitFactory(
        boundary_set=boundary_set,
        code="90100",
        level="commune",
        parent=district,
        geom=square(123.0, 13.0, 0.01),
    )
    unit_parts_rebuild(boundary_set=boundary_set)
    boundary_set_activate(boundary_set=boundary_set)
    assert codes(point_lookup(lon=123.005, lat=13.005, day=AFTER)) == ["90100", "901"]
    # Outside the commune but inside the district: the district answers.
    assert codes(point_lookup(lon=123.015, lat=13.015, day=AFTER)) == ["901"]


def test_draft_and_retired_sets_do_not_answer():
    """Only active sets are searched."""
    boundary_set = BoundarySetFactory(jurisdiction_code="93")
    AdminUnitFactory(
        boundary_set=boundary_set, code="93001", geom=square(124.0, 14.0, 0.01)
    )
    unit_parts_rebuild(boundary_set=boundary_set)
    with pytest.raises(NoBoundarySet):
        point_lookup(lon=124.005, lat=14.005, day=dt.date(1990, 1, 1))
    with pytest.raises(OutsideAllUnits):
        point_lookup(lon=124.005, lat=14.005, day=AFTER)


def _edge_m(unit_id: int, lon: float, lat: float) -> float:
    """The geodesic distance from the point to the unit's whole outline."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Distance(ST_Boundary(u.geom)::geography,
                               ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)
            FROM boundaries_adminunit u WHERE u.id = %s
            """,
            [lon, lat, unit_id],
        )
        return cursor.fetchone()[0]


def test_with_edge_the_lookup_measures_the_distance_to_the_units_own_outline():
    """Asked for, the edge distance of the unit (not its ancestors) comes with the
    chain and the set's jurisdiction; on a shared edge it is 0; unasked, None."""
    active_set_with(
        [
            {"code": "97002", "geom": square(120.00, 10.00, 0.01)},
            {"code": "97001", "geom": square(120.01, 10.00, 0.01)},
        ],
        jurisdiction_code="97",
    )
    inside = point_lookup(lon=120.004, lat=10.005, day=AFTER, with_edge=True)
    assert inside.unit.code == "97002"
    assert inside.boundary_set.jurisdiction_code == "97"
    assert inside.edge_m == pytest.approx(
        _edge_m(inside.unit.id, 120.004, 10.005), abs=0.01
    )
    assert 400 < inside.edge_m < 500  # 0.004° of longitude at 10° N
    on_edge = point_lookup(lon=120.01, lat=10.005, day=AFTER, with_edge=True)
    assert on_edge.unit.code == "97001"
    assert on_edge.edge_m == pytest.approx(0.0, abs=1e-6)
    assert point_lookup(lon=120.004, lat=10.005, day=AFTER).edge_m is None


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_with_edge_on_real_wards_and_at_sea(day):
    """On the real wards the edge pieces give the distance to the whole outline; a
    pin at sea matched to the nearest ward gets its distance to that ward's edge."""
    found = point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=day, with_edge=True)
    assert found.boundary_set.jurisdiction_code == "44"
    assert found.edge_m == pytest.approx(_edge_m(found.unit.id, *DONG_PHU), abs=0.01)
    near_shore = (106.66, 17.47)
    at_sea = point_lookup(
        lon=near_shore[0],
        lat=near_shore[1],
        day=day,
        nearest_within_m=2000,
        with_edge=True,
    )
    assert at_sea.matched == "nearest"
    assert at_sea.edge_m == pytest.approx(at_sea.distance_m, abs=1.0)


def test_prepared_and_plain_lookups_answer_alike_in_one_logged_query(monkeypatch):
    """The lookup runs as a prepared statement (planned once per connection), and
    behind pgbouncer in transaction mode as a plain one: same answers, one query
    logged either way, and the statement really is prepared on the server."""
    points = [DONG_PHU, (106.62, 17.47), (106.60, 17.49), (106.57, 17.45)]
    day = dt.date(2023, 6, 1)
    with CaptureQueriesContext(connection) as prepared_queries:
        prepared = [
            point_lookup(lon=x, lat=y, day=day, with_edge=True) for x, y in points
        ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    with CaptureQueriesContext(connection) as plain_queries:
        plain = [point_lookup(lon=x, lat=y, day=day, with_edge=True) for x, y in points]
    assert prepared == plain
    assert len(prepared_queries) == len(plain_queries) == len(points)
