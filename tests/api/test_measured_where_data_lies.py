"""Distances, area shares and simplification tolerances in metres, far from Vietnam.

Vietnam's UTM zone (48N) measures Sydney's metres 25 % too long and gives its area
shares a slant: place distances, the successors of an old unit and the drawn
outlines must be measured where the data lies (geography, or the data's own zone).
"""

import datetime as dt

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import connection
from django.db.models import F
from pyproj import Geod
from shapely.geometry import box

from boundaries.functions import utm_srid, utm_srid_sql
from boundaries.models import AdminUnit, Place
from boundaries.search import _successors_computed
from boundaries.selectors import units_drawn
from geo.projections import UTM_48N, WGS84, transformer, utm_for
from geo.text import ascii_fold
from tests.factories import AdminUnitFactory, BoundarySetFactory, square
from web.ops.report_page import _outline

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/places/search"
GEOD = Geod(ellps="WGS84")
SYDNEY = (151.2, -33.9)
TORONTO = (-79.4, 43.7)
AUCKLAND = (174.7, -36.9)


def _place(name: str, lon: float, lat: float, n: int) -> Place:
    point = Point(lon, lat, srid=4326)
    return Place.objects.create(
        name=name,
        name_ascii=ascii_fold(name),
        search_ascii=ascii_fold(name).lower(),
        kind="cafe",
        source="test",
        source_id=f"{name}/{n}",
        geom=point,
        anchor=point,
    )


@pytest.mark.parametrize("near", [TORONTO, SYDNEY])
def test_near_distances_are_geodesic_metres(api, near):
    """Each place's distance_m from ``near`` is pyproj's geodesic one within 0.5 %
    (UTM 48N makes Sydney's 25 % too long)."""
    lon, lat = near
    offsets = [(0.01, 0.0), (0.0, 0.03), (-0.05, 0.02), (0.08, -0.06)]
    for n, (dlon, dlat) in enumerate(offsets):
        _place("Kookaburra Espresso", lon + dlon, lat + dlat, n)
    body = api.get(
        SEARCH, {"q": "kookaburra espresso", "near": f"{lon},{lat}", "limit": 10}
    ).json()
    found = [f for f in body["features"] if f["properties"]["source"] == "test"]
    assert len(found) == len(offsets)
    distances = []
    for feature in found:
        plon, plat = feature["geometry"]["coordinates"]
        geodesic = GEOD.inv(lon, lat, plon, plat)[2]
        assert feature["properties"]["distance_m"] == pytest.approx(geodesic, rel=0.005)
        distances.append(feature["properties"]["distance_m"])
    assert distances == sorted(distances)  # equal names: the nearer first


def _geodesic_area(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def test_successors_are_ordered_by_their_share_on_the_ground():
    """An Auckland unit split in two by a parallel: the half with 50.1 % of the
    ground is its first successor, though in UTM 48N it looks the smaller."""
    lon, lat, side = *AUCKLAND, 0.5
    whole = box(lon, lat, lon + side, lat + side)
    # The latitude of the split that leaves 50.1 % of the ground to the south.
    low, high = lat, lat + side
    for _ in range(60):
        mid = (low + high) / 2
        share = _geodesic_area(box(lon, lat, lon + side, mid)) / _geodesic_area(whole)
        low, high = (mid, high) if share < 0.501 else (low, mid)
    split = (low + high) / 2
    south = box(lon, lat, lon + side, split)
    share_48n = _area_48n(south) / _area_48n(whole)
    assert share_48n < 0.5  # the old measure ranks them the other way round

    old_set = BoundarySetFactory(
        jurisdiction_code="NZ-AKL", valid_to=dt.date(2019, 12, 31)
    )
    new_set = BoundarySetFactory(
        jurisdiction_code="NZ-AKL", valid_from=dt.date(2020, 1, 1)
    )
    old = AdminUnitFactory(boundary_set=old_set, geom=_multi(whole))
    north = AdminUnitFactory(
        boundary_set=new_set,
        code="N",
        geom=_multi(box(lon, split, lon + side, lat + side)),
    )
    southern = AdminUnitFactory(boundary_set=new_set, code="S", geom=_multi(south))
    found = _successors_computed([old.pk], [new_set.pk])
    assert [ref.code for ref in found[old.pk]] == [southern.code, north.code]


def _area_48n(geom: shapely.Geometry) -> float:
    to_48n = transformer(WGS84, UTM_48N).transform
    return shapely.transform(
        geom, lambda xy: list(zip(*to_48n(*xy.T), strict=True))
    ).area


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    polygon = GEOSGeometry(geom.wkt, srid=4326)
    return MultiPolygon(polygon, srid=4326)


def _from_metres(epsg: int, coords: list[tuple[float, float]]) -> Polygon:
    to_lonlat = transformer(epsg, WGS84).transform
    return Polygon([to_lonlat(x, y) for x, y in coords], srid=4326)


def test_simplification_tolerance_is_metres_where_the_unit_lies():
    """Near Sydney, with 100 m: a 90 m bump goes, a 110 m one stays, the outline
    stays valid and within 100 m of the original (in UTM 48N both bumps stay)."""
    epsg = utm_for(*SYDNEY)
    x0, y0 = transformer(WGS84, epsg).transform(*SYDNEY)
    ring = [
        (x0, y0),
        (x0 + 1000, y0 - 110),  # the south side's bump, 110 m out
        (x0 + 2000, y0),
        (x0 + 2000, y0 + 2000),
        (x0 + 1000, y0 + 2090),  # the north side's bump, 90 m out
        (x0, y0 + 2000),
        (x0, y0),
    ]
    polygon = _from_metres(epsg, ring)
    unit = AdminUnitFactory(
        boundary_set=BoundarySetFactory(jurisdiction_code="AU-NSW"),
        geom=MultiPolygon(polygon, srid=4326),
    )
    drawn = units_drawn(
        units=AdminUnit.objects.filter(pk=unit.pk), simplify_m=100
    ).get()
    shape = drawn.display_geom  # type: ignore[attr-defined]
    assert shape.valid
    to_metres = transformer(WGS84, epsg).transform
    kept = [to_metres(*xy) for xy in shape[0].exterior_ring]

    def has_vertex(x: float, y: float) -> bool:
        return any(abs(kx - x) < 0.5 and abs(ky - y) < 0.5 for kx, ky in kept)

    assert has_vertex(x0 + 1000, y0 - 110)
    assert not has_vertex(x0 + 1000, y0 + 2090)
    assert len(kept) == 6
    original = shapely.Polygon(ring)
    simplified = shapely.Polygon(kept)
    assert shapely.hausdorff_distance(original, simplified) <= 100


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (106.6, 17.5),
        (108.2, 16.05),
        TORONTO,
        SYDNEY,
        AUCKLAND,
        (-70.6, -33.4),
        (-179.99, 0.5),
        (179.99, -0.5),
        (0.0, 0.0),
    ],
)
def test_the_sql_utm_zone_is_utm_for(lon, lat):
    """utm_srid (ORM) and utm_srid_sql (raw SQL) give geo.projections.utm_for's zone
    of a unit's centroid."""
    unit = AdminUnitFactory(
        boundary_set=BoundarySetFactory(), geom=square(lon - 0.005, lat - 0.005, 0.01)
    )
    orm = AdminUnit.objects.filter(pk=unit.pk).values_list(
        utm_srid(F("geom")), flat=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {utm_srid_sql('c')} FROM (SELECT ST_Centroid(geom) AS c "
            "FROM boundaries_adminunit WHERE id = %s) t",
            [unit.pk],
        )
        raw = cursor.fetchone()[0]
    centre = unit.geom.centroid
    assert orm.get() == raw == utm_for(centre.x, centre.y)


def test_the_report_page_outline_is_simplified_in_metres_where_it_lies():
    """The report page's outline drops a 2.8 m bump (under its 3 m tolerance) near
    Sydney, where UTM 48N would see 3.5 m and keep it."""
    epsg = utm_for(*SYDNEY)
    x0, y0 = transformer(WGS84, epsg).transform(*SYDNEY)
    ring = [(x0, y0), (x0 + 50, y0 - 2.8), (x0 + 100, y0), (x0 + 100, y0 + 100)]
    outline = _outline(MultiPolygon(_from_metres(epsg, [*ring, (x0, y0)]), srid=4326))
    assert outline is not None
    rings = outline["coordinates"]
    if outline["type"] == "MultiPolygon":
        rings = rings[0]
    assert len(rings[0]) == 4  # three corners and the closing one
