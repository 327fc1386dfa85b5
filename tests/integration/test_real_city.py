"""A real city far from Vietnam onboarded from its own file: Chicago's 77 community
areas (tests/data/chicago/SOURCE.md), a Shapefile without its .prj, in Illinois
State Plane feet.

From the command line, as a GIS officer would: register the jurisdiction, learn from
the dry run that the CRS is missing, import with it, activate, look up known places
over HTTP, check the areas against geodesic ones, and delete the set again. Vietnam's
own sets keep answering for their points throughout.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from pyproj import Geod

from boundaries.geometry import to_shapely
from boundaries.lookup import point_lookup
from boundaries.models import AdminUnit, BoundarySet
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parent.parent / "data" / "chicago" / "chicago77.zip"
SLUG = "chi-community-areas"
IMPORT = [
    str(FILE),
    "--set",
    SLUG,
    "--name",
    "Chicago community areas",
    "--jurisdiction",
    "chi",
    "--valid-from",
    "2020-01-01",
    "--code-field",
    "AREA_NUMBE",
    "--name-field",
    "COMMUNITY",
    "--level",
    "community_area",
    "--licence",
    "City of Chicago Data Portal terms; via libpysal (BSD-3-Clause)",
]
REGISTER = [
    "jurisdiction_create",
    "chi",
    "--name",
    "City of Chicago",
    "--country",
    "US",
]
REGISTER += ["--timezone", "America/Chicago"]
# Places everyone can check on a map of Chicago: (lon, lat), area number, name.
PLACES = [
    ((-87.6298, 41.8781), "32", "LOOP"),  # City Hall
    ((-87.9073, 41.9742), "76", "OHARE"),  # the airport
    ((-87.5907, 41.7943), "41", "HYDE PARK"),  # University of Chicago
]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def chicago() -> BoundarySet:
    run(*REGISTER)
    run("boundaries_import", *IMPORT, "--source-crs", "EPSG:3435", "--commit")
    run("boundaries_set", "activate", SLUG)
    return BoundarySet.objects.get(slug=SLUG)


def test_the_dry_run_says_the_crs_is_missing_and_where_the_coordinates_lie():
    """No .prj: refused with a message naming the span of the coordinates (feet, far
    from any degree) and how to say the CRS; nothing written."""
    run(*REGISTER)
    with pytest.raises(CommandError) as caught:
        run("boundaries_import", *IMPORT)
    message = str(caught.value)
    assert "declares no CRS" in message
    assert "x 1091138…1205199" in message
    assert not BoundarySet.objects.filter(slug=SLUG).exists()


def test_every_area_is_imported_with_its_geodesic_area(chicago):
    """77 areas, valid, each area within 0.05 % of the geodesic area of the same
    polygon (measured in the UTM zone of the data, 16N, not Vietnam's 48N)."""
    units = AdminUnit.objects.filter(boundary_set=chicago)
    assert units.count() == 77
    geod = Geod(ellps="WGS84")
    for unit in units:
        assert unit.geom.valid
        geodesic = abs(geod.geometry_area_perimeter(to_shapely(unit.geom))[0])
        assert unit.area_m2 == pytest.approx(geodesic, rel=5e-4), unit.code


def test_known_places_over_http_and_vietnam_unchanged(api, chicago):
    """City Hall is in the Loop, the airport in O'Hare, the university in Hyde Park,
    asked with and without the jurisdiction; a point in Đồng Hới still answers with
    its Vietnamese ward, and naming Chicago there is 'outside'."""
    for (lon, lat), code, name in PLACES:
        for extra in ({}, {"jurisdiction": "chi"}):
            body = api.get(
                "/api/v1/boundaries/lookup", {"lon": lon, "lat": lat} | extra
            ).json()
            assert (body["unit"]["code"], body["unit"]["name"]) == (code, name)
            assert body["unit"]["level"] == "community_area"
            assert body["boundary_set"]["jurisdiction"] == "chi"
    vietnam = point_lookup(lon=DONG_PHU[0], lat=DONG_PHU[1], day=chicago.valid_from)
    assert vietnam.boundary_set.jurisdiction_code == "44"
    away = api.get(
        "/api/v1/boundaries/lookup",
        {"lon": DONG_PHU[0], "lat": DONG_PHU[1], "jurisdiction": "chi"},
    )
    assert away.status_code == 404
    assert away.json()["code"] == "outside_all_units"


def test_every_area_answers_for_a_point_inside_it_as_shapely_says(chicago):
    """A point on each area's surface (from the source file, reprojected by
    geopandas) is looked up to that area."""
    frame = gpd.read_file(FILE).set_crs(3435).to_crs(4326)
    for row in frame.itertuples():
        inside = row.geometry.representative_point()
        found = point_lookup(
            lon=inside.x, lat=inside.y, day=chicago.valid_from, jurisdiction="chi"
        )
        assert found.unit.code == str(row.AREA_NUMBE)


def test_the_set_is_retired_and_deleted_from_the_command_line(chicago):
    """Delete refuses an active set; retired, it goes with its units."""
    with pytest.raises(CommandError, match="retire it"):
        run("boundaries_set", "delete", SLUG)
    run("boundaries_set", "retire", SLUG)
    assert "deleted with its 77 units" in run("boundaries_set", "delete", SLUG)
    assert not AdminUnit.objects.filter(boundary_set__slug=SLUG).exists()
