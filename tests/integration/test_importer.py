"""The boundary importer (boundaries.importing) and its command, against PostGIS.

Input files are built in each test with geopandas: small squares near Đồng Hới in new
sets of jurisdiction "99", so the loaded fixture sets (jurisdiction "44", active from
2013) are never touched. Sets that must be active are dated before 2013, where no
fixture set is in force, so a point lookup on such a day only sees the test set.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Geod
from shapely.geometry import Polygon, box

from boundaries.importing import (
    ImportRefused,
    ParentSpec,
    SetSpec,
    import_boundaries,
)
from boundaries.importing.checks import Options
from boundaries.importing.sources import read_frame
from boundaries.lookup import point_lookup
from boundaries.models import AdminUnit, AdminUnitPart, BoundaryImport, BoundarySet
from boundaries.services import boundary_set_activate
from geo import topology
from geo.errors import GeoInputError
from geo.projections import VN2000_TM3_QUANG_BINH, WGS84, transformer

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"

# South-west corner of the test grid, in Đồng Hới; cells are 0.01° (about 1.1 km).
LON0, LAT0 = 106.60, 17.46
STEP = 0.01

SET = SetSpec(
    slug="test-importer",
    name="Bộ thử nghiệm",
    jurisdiction_code="99",
    valid_from=dt.date(2000, 1, 1),
    valid_to=dt.date(2012, 12, 31),
    source="tests",
)
DAY_IN_SET = dt.date(2010, 6, 1)  # no fixture set is in force yet

# EPSG:9211's projection without its datum: VN-2000 coordinates read as WGS 84.
BARE_TMERC = (
    "+proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs"
)
GEOD = Geod(ellps="WGS84")


def cell(i: int, j: int) -> Polygon:
    """The grid cell i columns east and j rows north of (LON0, LAT0)."""
    return box(
        LON0 + i * STEP, LAT0 + j * STEP, LON0 + (i + 1) * STEP, LAT0 + (j + 1) * STEP
    )


def unit(code: str, geometry: Any, **extra: Any) -> dict[str, Any]:
    """One feature's attributes: a ward named after its code unless told otherwise."""
    return (
        {"code": code, "name": f"Phường Thử {code}", "level": "ward"}
        | extra
        | {"geometry": geometry}
    )


def grid(cols: int = 2, rows: int = 2, **extra: Any) -> list[dict[str, Any]]:
    """cols × rows wards tiling a rectangle, coded 99001, 99002, …"""
    return [
        unit(f"990{n + 1:02d}", cell(i, j), **extra)
        for n, (i, j) in enumerate((i, j) for j in range(rows) for i in range(cols))
    ]


def write(
    folder: Path, features: list[dict[str, Any]], name: str = "units.geojson", **kw
) -> Path:
    """Write features with geopandas; the driver follows the suffix."""
    crs = kw.pop("crs", WGS84)
    path = folder / name
    gpd.GeoDataFrame(features, geometry="geometry", crs=crs).to_file(path, **kw)
    return path


def zipped_shapefile(
    folder: Path, features: list[dict[str, Any]], *, prj: bool = True, crs: Any = WGS84
) -> Path:
    """A Shapefile written by geopandas and zipped (optionally without its .prj)."""
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    write(shp_dir, features, "units.shp", crs=crs)
    path = folder / "units.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member in sorted(shp_dir.iterdir()):
            if prj or member.suffix != ".prj":
                archive.write(member, member.name)
    return path


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (BoundarySet, AdminUnit, AdminUnitPart, BoundaryImport)
    }


def codes_in(slug: str) -> list[str]:
    return list(
        AdminUnit.objects.filter(boundary_set__slug=slug)
        .order_by("code")
        .values_list("code", flat=True)
    )


def vertices(geometries: Any) -> np.ndarray:
    """Every vertex, rings normalised (Shapefile writers reorient rings)."""
    return shapely.get_coordinates(
        shapely.normalize(np.asarray(geometries, dtype=object))
    )


def distances_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    _, _, dist = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(dist)


@pytest.fixture
def active_set(tmp_path):
    """The test set with the 2 × 2 grid committed and activated."""
    path = write(tmp_path, grid())
    import_boundaries(path=path, target=SET, commit=True)
    return boundary_set_activate(boundary_set=BoundarySet.objects.get(slug=SET.slug))


# --- dry run and commit -----------------------------------------------------------


def test_dry_run_writes_nothing_but_lists_what_it_would_create(tmp_path):
    """A dry run writes nothing but lists what it would create."""
    before = counts()

    report = import_boundaries(path=write(tmp_path, grid()), target=SET)

    assert report.created == ["99001", "99002", "99003", "99004"]
    assert not report.commit
    assert report.features == 4
    assert report.source_crs == "EPSG:4326"
    assert counts() == before
    assert "DRY RUN" in report.as_text()


def test_commit_writes_units_with_area_and_lookup_parts(tmp_path):
    """A commit creates the draft set, its units with area_m2, their pieces and an audit row."""
    before = counts()
    path = write(tmp_path, grid())

    report = import_boundaries(path=path, target=SET, commit=True)

    boundary_set = BoundarySet.objects.get(slug=SET.slug)
    assert boundary_set.status == BoundarySet.Status.DRAFT
    assert (boundary_set.jurisdiction_code, boundary_set.valid_to) == (
        "99",
        SET.valid_to,
    )
    assert codes_in(SET.slug) == report.created == ["99001", "99002", "99003", "99004"]
    for code, expected in zip(report.created, grid(), strict=True):
        written = AdminUnit.objects.get(boundary_set=boundary_set, code=code)
        assert written.area_m2 == pytest.approx(
            topology.area_m2(expected["geometry"]), rel=1e-6
        )
        assert 1.1e6 < written.area_m2 < 1.3e6  # 0.01° × 0.01° at 17.5 N
        assert written.name == f"Phường Thử {code}"
        assert written.name_ascii == f"Phuong Thu {code}"
        assert written.parts.count() >= 1
    (audit,) = BoundaryImport.objects.filter(boundary_set=boundary_set)
    assert audit.sha256 == report.sha256
    assert audit.report["created"] == report.created
    after = counts()
    assert after["AdminUnit"] == before["AdminUnit"] + 4
    assert after["BoundaryImport"] == before["BoundaryImport"] + 1


def test_second_identical_import_reports_all_unchanged(tmp_path):
    """Importing the same file again changes nothing and says every unit is unchanged."""
    path = write(tmp_path, grid())
    import_boundaries(path=path, target=SET, commit=True)
    parts = AdminUnitPart.objects.filter(boundary_set__slug=SET.slug)
    part_ids = set(parts.values_list("id", flat=True))

    report = import_boundaries(path=path, target=SET, commit=True)

    assert report.unchanged == ["99001", "99002", "99003", "99004"]
    assert report.created == report.updated == report.deleted == []
    assert set(parts.values_list("id", flat=True)) == part_ids  # pieces not rebuilt


def test_reimport_updates_changed_units_and_deletes_missing_ones(tmp_path):
    """A re-import into a draft set renames, re-shapes and deletes as the file says."""
    import_boundaries(path=write(tmp_path, grid()), target=SET, commit=True)
    features = grid()[:3]
    features[0]["name"] = "Phường Mới"
    features[1]["geometry"] = cell(1, 0).buffer(-0.001)

    report = import_boundaries(
        path=write(tmp_path, features, "v2.geojson"), target=SET, commit=True
    )

    assert report.updated == ["99001", "99002"]
    assert report.unchanged == ["99003"]
    assert report.deleted == ["99004"]
    assert codes_in(SET.slug) == ["99001", "99002", "99003"]
    shrunk = AdminUnit.objects.get(boundary_set__slug=SET.slug, code="99002")
    assert shrunk.area_m2 == pytest.approx(
        topology.area_m2(cell(1, 0).buffer(-0.001)), rel=1e-6
    )


def test_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    """A bow-tie polygon is made valid, written, and listed in report.repairs."""
    x0, y0, x1, y1 = cell(0, 0).bounds
    bow_tie = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    features = [unit("99001", bow_tie), unit("99002", cell(1, 0))]

    report = import_boundaries(path=write(tmp_path, features), target=SET, commit=True)

    assert list(report.repairs) == ["99001"]
    assert report.repairs["99001"][0].startswith("made valid: Self-intersection")
    written = AdminUnit.objects.get(boundary_set__slug=SET.slug, code="99001")
    assert written.geom.valid
    assert written.geom.num_geom == 2
    assert written.area_m2 == pytest.approx(topology.area_m2(cell(0, 0)) / 2, rel=0.01)


# --- refusals: nothing written ----------------------------------------------------


@pytest.mark.parametrize(
    ("features", "message"),
    [
        pytest.param(
            [unit("99001", cell(0, 0)), unit("99001", cell(1, 0))],
            r"code 99001 appears 2 times",
            id="duplicate-code",
        ),
        pytest.param(
            [unit("99001", cell(0, 0)), unit("", cell(1, 0))],
            r"row 2: missing code",
            id="missing-code",
        ),
        pytest.param(
            [unit("99001", cell(0, 0)), unit("99002", cell(1, 0), level="hamlet")],
            r"unknown level 'hamlet'",
            id="unknown-level",
        ),
        pytest.param(
            [
                unit("99001", cell(0, 0), parent_code="999"),
                unit("99002", cell(1, 0), parent_code="999"),
            ],
            r"parent 999 is neither in the file nor in the set",
            id="parent-not-found",
        ),
    ],
)
def test_blocking_errors_refuse_the_import(tmp_path, features, message):
    """Duplicate or missing codes, unknown levels and unknown parents refuse the import."""
    before = counts()

    with pytest.raises(ImportRefused, match=message) as info:
        import_boundaries(path=write(tmp_path, features), target=SET, commit=True)

    assert info.value.code == "import_refused"
    assert info.value.report.errors
    assert "REFUSED" in info.value.report.as_text()
    assert counts() == before
    assert not BoundarySet.objects.filter(slug=SET.slug).exists()


def test_new_set_without_its_dates_is_refused(tmp_path):
    """A set that does not exist yet needs a name, jurisdiction and valid_from."""
    with pytest.raises(ImportRefused, match="no set 'test-nameless' yet"):
        import_boundaries(
            path=write(tmp_path, grid()), target=SetSpec(slug="test-nameless")
        )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "broken.geojson",
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geo',
            id="truncated-json",
        ),
        pytest.param("broken.zip", b"PK\x03\x04 not really a zip", id="corrupt-zip"),
        pytest.param("broken.gpkg", b"SQLite format 3\x00" + b"\x00" * 64, id="gpkg"),
    ],
)
def test_unreadable_file_is_refused(tmp_path, name, content):
    """A broken or corrupt file raises GeoInputError 'unreadable' and writes nothing."""
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()

    with pytest.raises(GeoInputError, match="cannot be read") as info:
        import_boundaries(path=path, target=SET, commit=True)

    assert info.value.code == "unreadable"
    assert counts() == before


def test_missing_file_is_unreadable(tmp_path):
    """A path that does not exist is a GeoInputError 'unreadable', not an OSError."""
    with pytest.raises(GeoInputError, match="No such file") as info:
        import_boundaries(path=tmp_path / "nowhere.geojson", target=SET)
    assert info.value.code == "unreadable"


def test_features_without_geometry_are_refused_row_by_row(tmp_path):
    """Features with no geometry at all are refused as empty, row by row."""
    path = write(tmp_path, [unit("99001", None), unit("99002", None)])

    with pytest.raises(
        ImportRefused, match=r"row 1 \(code 99001\): The geometry is empty"
    ):
        import_boundaries(path=path, target=SET)


def test_unsupported_format_is_refused(tmp_path):
    """A file that is not GeoJSON, a zipped Shapefile or a GeoPackage is refused."""
    path = tmp_path / "units.kml"
    path.write_text("<kml/>")

    with pytest.raises(GeoInputError) as info:
        import_boundaries(path=path, target=SET)
    assert info.value.code == "unsupported_format"


def test_missing_columns_are_named(tmp_path):
    """A file without the mapped code column says which columns it has."""
    features = [{"ma": "99001", "name": "X", "level": "ward", "geometry": cell(0, 0)}]

    with pytest.raises(
        GeoInputError, match=r"Missing columns: code\. .*\bma\b"
    ) as info:
        import_boundaries(path=write(tmp_path, features), target=SET)
    assert info.value.code == "missing_columns"


# --- formats and coordinate reference systems -------------------------------------


def test_zipped_shapefile_is_read_in_place(tmp_path):
    """A zipped Shapefile with its .prj is read through /vsizip/ and imported."""
    path = zipped_shapefile(tmp_path, grid())

    report = import_boundaries(path=path, target=SET, commit=True)

    assert report.source_crs == "EPSG:4326"
    assert codes_in(SET.slug) == ["99001", "99002", "99003", "99004"]


def test_shapefile_in_a_zipped_folder_is_found(tmp_path):
    """A Shapefile one folder down in the zip (a zipped folder, with macOS litter) is read."""
    flat = zipped_shapefile(tmp_path, grid())
    path = tmp_path / "folder.zip"
    with zipfile.ZipFile(flat) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.namelist():
            target.writestr(f"ranh_gioi/{member}", source.read(member))
        target.writestr("__MACOSX/ranh_gioi/._units.shp", b"\x00\x05\x16\x07")

    report = import_boundaries(path=path, target=SET)

    assert report.created == ["99001", "99002", "99003", "99004"]


def test_shapefile_without_prj_needs_source_crs(tmp_path):
    """A Shapefile without .prj is refused as 'no_crs' unless source_crs names it."""
    path = zipped_shapefile(tmp_path, grid(), prj=False)

    with pytest.raises(GeoInputError, match="EPSG:9211") as info:
        import_boundaries(path=path, target=SET)
    assert info.value.code == "no_crs"

    report = import_boundaries(path=path, target=SET, source_crs="EPSG:4326")
    assert report.created == ["99001", "99002", "99003", "99004"]


def test_bad_source_crs_is_refused(tmp_path):
    """A source_crs that names no CRS is refused as 'bad_crs'."""
    with pytest.raises(GeoInputError) as info:
        import_boundaries(
            path=write(tmp_path, grid()), target=SET, source_crs="EPSG:not-a-crs"
        )
    assert info.value.code == "bad_crs"


def test_geopackage_with_several_layers_needs_a_layer(tmp_path):
    """A two-layer GeoPackage is refused as 'several_layers' unless layer= picks one."""
    path = write(tmp_path, grid()[:2], "units.gpkg", layer="wards_a")
    write(tmp_path, grid()[2:], "units.gpkg", layer="wards_b", mode="a")

    with pytest.raises(
        GeoInputError, match=r"several layers \(wards_a, wards_b\)"
    ) as info:
        import_boundaries(path=path, target=SET)
    assert info.value.code == "several_layers"

    report = import_boundaries(path=path, target=SET, layer="wards_b")
    assert report.created == ["99003", "99004"]

    with pytest.raises(GeoInputError) as info:
        import_boundaries(path=path, target=SET, layer="wards_c")
    assert info.value.code == "unknown_layer"


def test_geopackage_attribute_tables_are_not_layers(tmp_path):
    """A GeoPackage with one spatial layer and a QGIS layer_styles table reads that layer."""
    path = write(tmp_path, grid(), "units.gpkg", layer="wards")
    pyogrio.write_dataframe(
        pd.DataFrame({"styleName": ["default"], "f_table_name": ["wards"]}),
        path,
        layer="layer_styles",
    )
    assert len(pyogrio.list_layers(path)) == 2

    report = import_boundaries(path=path, target=SET)

    assert report.created == ["99001", "99002", "99003", "99004"]


@pytest.mark.parametrize("container", ["gpkg", "shapefile"])
def test_vn2000_tm3_is_reprojected_with_the_datum_shift(tmp_path, container):
    """VN-2000 TM-3 (EPSG:9211) vertices land within 1 m of their WGS 84 originals."""
    originals = [f["geometry"] for f in grid()]
    to_vn2000 = transformer(WGS84, VN2000_TM3_QUANG_BINH)
    projected = [
        unit(
            f["code"],
            shapely.transform(
                f["geometry"],
                lambda xy: np.column_stack(to_vn2000.transform(xy[:, 0], xy[:, 1])),
            ),
        )
        for f in grid()
    ]
    if container == "gpkg":
        path = write(tmp_path, projected, "units.gpkg", crs=VN2000_TM3_QUANG_BINH)
    else:
        path = zipped_shapefile(tmp_path, projected, crs=VN2000_TM3_QUANG_BINH)

    frame, crs_name = read_frame(path)
    assert crs_name == "EPSG:9211"
    assert frame.crs.to_epsg() == WGS84
    assert distances_m(vertices(frame.geometry), vertices(originals)).max() < 1.0

    # The same numbers read as a bare Transverse Mercator, without VN-2000's datum,
    # land about 225 m away: the shift pyproj applied above is real.
    bare, _ = read_frame(path, source_crs=BARE_TMERC)
    offsets = distances_m(
        shapely.get_coordinates(bare.geometry), shapely.get_coordinates(frame.geometry)
    )
    assert offsets.min() > 200
    assert offsets.max() < 250

    report = import_boundaries(path=path, target=SET)
    assert report.source_crs == "EPSG:9211"
    assert report.created == ["99001", "99002", "99003", "99004"]


@pytest.mark.parametrize("name", ["metres.geojson", "metres.gpkg"])
def test_metres_declared_as_degrees_are_refused(tmp_path, name):
    """Projected metres in a file declared EPSG:4326 are refused as 'projected_as_geographic'."""
    to_vn2000 = transformer(WGS84, VN2000_TM3_QUANG_BINH)
    x, y = to_vn2000.transform(LON0, LAT0)
    features = [unit("99001", box(x, y, x + 1000, y + 1000))]
    path = write(tmp_path, features, name, crs=WGS84)

    with pytest.raises(GeoInputError, match="metres or feet, not degrees") as info:
        import_boundaries(path=path, target=SET)
    assert info.value.code == "projected_as_geographic"


def test_swapped_lon_lat_is_refused(tmp_path):
    """A GeoJSON with latitude first lies outside Vietnam: one finding, the import is
    refused (the jurisdiction "99" is unregistered, so taken as Vietnamese)."""
    swapped = [
        unit(f["code"], shapely.transform(f["geometry"], lambda xy: xy[:, ::-1]))
        for f in grid()
    ]
    before = counts()

    with pytest.raises(ImportRefused, match="longitude and latitude swapped") as info:
        import_boundaries(path=write(tmp_path, swapped), target=SET, commit=True)

    [outside] = info.value.report.of_kind("outside_extent")
    assert outside["rows"] == [1, 2, 3, 4]
    assert "outside Vietnam" in outside["message"]
    assert counts() == before


# --- active sets --------------------------------------------------------------------


@pytest.mark.parametrize(
    "features",
    [
        pytest.param(grid()[:1], id="delete-3-of-4"),
        pytest.param(
            [unit(f["code"], f["geometry"].buffer(-0.001)) for f in grid()[:3]]
            + grid()[3:],
            id="reshape-3-of-4",
        ),
    ],
)
def test_mass_change_of_an_active_set_needs_allow_mass_change(
    tmp_path, active_set, features
):
    """Deleting or re-shaping over half of an active set is refused without the flag."""
    path = write(tmp_path, features, "v2.geojson")
    before = counts()

    with pytest.raises(ImportRefused, match="pass allow_mass_change"):
        import_boundaries(path=path, target=SET, commit=True)
    assert counts() == before
    assert codes_in(SET.slug) == ["99001", "99002", "99003", "99004"]

    report = import_boundaries(
        path=path, target=SET, commit=True, allow_mass_change=True
    )
    assert len(report.deleted) + len(report.updated) == 3
    assert codes_in(SET.slug) == sorted(f["code"] for f in features)


def test_small_change_of_an_active_set_needs_no_flag(tmp_path, active_set):
    """Re-shaping one unit of four in an active set goes through without the flag."""
    features = grid()
    features[0]["geometry"] = cell(0, 0).buffer(-0.001)

    report = import_boundaries(
        path=write(tmp_path, features, "v2.geojson"), target=SET, commit=True
    )

    assert report.updated == ["99001"]


def test_deleting_a_unit_that_others_point_at_is_refused(tmp_path):
    """Deleting a district whose wards stay is refused, naming them; nothing is written."""
    districts = [
        unit("991", cell(0, 0), level="district"),
        unit("992", cell(1, 0), level="district"),
    ]
    wards = [
        unit("99001", cell(0, 0), parent_code="991"),
        unit("99002", cell(1, 0), parent_code="992"),
    ]
    import_boundaries(path=write(tmp_path, districts + wards), target=SET, commit=True)
    before = counts()

    with pytest.raises(ImportRefused, match=r"unit 992 cannot be deleted.*99002"):
        import_boundaries(
            path=write(tmp_path, districts[:1], "districts.geojson"),
            target=SET,
            commit=True,
        )

    assert counts() == before
    assert codes_in(SET.slug) == ["99001", "99002", "991", "992"]


def test_derived_parent_is_the_union_of_its_children(tmp_path):
    """derive_parent builds a province whose area is the sum of its districts'."""
    features = [
        unit(f"9{n}", cell(i, j), level="district", parent_code="99")
        for n, (i, j) in enumerate([(0, 0), (1, 0), (0, 1), (2, 1)], start=10)
    ]
    parent = ParentSpec(code="99", level="province", name="Tỉnh Thử Nghiệm")

    report = import_boundaries(
        path=write(tmp_path, features),
        target=SET,
        commit=True,
        derive_parent=parent,
    )

    assert report.created == ["99", "910", "911", "912", "913"]
    province = AdminUnit.objects.get(boundary_set__slug=SET.slug, code="99")
    assert (province.level, province.name_ascii) == ("province", "Tinh Thu Nghiem")
    children = AdminUnit.objects.filter(boundary_set__slug=SET.slug, parent=province)
    assert children.count() == 4
    assert province.area_m2 == pytest.approx(
        sum(c.area_m2 for c in children), rel=0.001
    )
    assert province.geom.num_geom == 2  # (2, 1) touches the rest only at a corner


def test_point_lookup_finds_a_new_unit_once_active(tmp_path):
    """After commit and activation, a point inside a new ward looks up to it and its province."""
    features = grid(parent_code="99")
    path = write(tmp_path, features)
    derive = ParentSpec(code="99", level="province", name="Tỉnh Thử Nghiệm")
    import_boundaries(path=path, target=SET, commit=True, derive_parent=derive)
    inside = cell(1, 1).centroid

    boundary_set_activate(boundary_set=BoundarySet.objects.get(slug=SET.slug))
    found = point_lookup(lon=inside.x, lat=inside.y, day=DAY_IN_SET)

    assert [u.code for u in found.chain] == ["99004", "99"]
    assert found.boundary_set.slug == SET.slug
    assert found.matched == "covers"


# --- the real raw file --------------------------------------------------------------


def test_raw_dong_hoi_2022_overlaps_and_gaps_are_measured():
    """The raw 2022 Đồng Hới file has 18 overlapping pairs (~0.67 km²) and 23 gaps
    (~0.66 km²); the overlaps refuse it unless allowed."""
    kwargs: dict[str, Any] = {
        "path": DATA / "dong_hoi_communes_2022.geojson",
        "target": SetSpec(
            slug="test-dong-hoi-2022-raw",
            name="Đồng Hới 2022 (raw)",
            jurisdiction_code="99",
            valid_from=dt.date(2020, 3, 1),
        ),
        "derive_parent": ParentSpec(
            code="450", level="district", name="Thành phố Đồng Hới"
        ),
    }
    with pytest.raises(ImportRefused, match=r"Import refused \(18 errors\)") as info:
        import_boundaries(**kwargs)
    assert len(info.value.report.of_kind("overlap")) == 18

    report = import_boundaries(**kwargs, options=Options(allow_overlaps=True))

    assert len(report.created) == 16  # 15 communes and wards, and the city
    assert len(report.overlaps) == 18
    assert {o["parent"] for o in report.overlaps} == {"450"}
    assert sum(o["area_m2"] for o in report.overlaps) == pytest.approx(
        670_000, rel=0.01
    )
    assert len(report.gaps) == 23
    assert sum(g["area_m2"] for g in report.gaps) == pytest.approx(660_000, rel=0.01)
    assert "18 overlapping sibling pairs" in report.as_text()


# --- the management command ---------------------------------------------------------


def command(*args: str) -> str:
    out = StringIO()
    call_command("boundaries_import", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


NEW_SET_ARGS = [
    "--set",
    SET.slug,
    "--name",
    SET.name,
    "--jurisdiction",
    "99",
    "--valid-from",
    "2000-01-01",
    "--valid-to",
    "2012-12-31",
]


def test_command_is_a_dry_run_by_default(tmp_path):
    """Without --commit the command prints DRY RUN and writes nothing."""
    before = counts()

    out = command(str(write(tmp_path, grid())), *NEW_SET_ARGS)

    assert "DRY RUN" in out
    assert "created 4" in out
    assert counts() == before


def test_command_commit_writes_and_activates(tmp_path):
    """With --commit --activate the command writes the units and activates the set."""
    out = command(str(write(tmp_path, grid())), *NEW_SET_ARGS, "--commit", "--activate")

    assert "COMMITTED" in out
    assert f"Set '{SET.slug}' is active." in out
    assert codes_in(SET.slug) == ["99001", "99002", "99003", "99004"]
    assert BoundarySet.objects.get(slug=SET.slug).status == BoundarySet.Status.ACTIVE


def test_command_maps_fields_and_derives_the_parent(tmp_path):
    """Field options and --derive-parent reach the importer."""
    features = [
        {"ma_xa": f["code"], "ten": f["name"], "geometry": f["geometry"]}
        for f in grid()
    ]
    args = ["--code-field", "ma_xa", "--name-field", "ten", "--level", "phường"]
    args += ["--parent", "99", "--derive-parent", "99:province:Tỉnh Thử Nghiệm"]

    command(str(write(tmp_path, features)), *NEW_SET_ARGS, *args, "--commit")

    assert codes_in(SET.slug) == ["99", "99001", "99002", "99003", "99004"]
    ward = AdminUnit.objects.get(boundary_set__slug=SET.slug, code="99001")
    assert (ward.level, ward.parent.code) == ("ward", "99")


@pytest.mark.parametrize(
    ("features", "message"),
    [
        pytest.param(
            [unit("99001", cell(0, 0)), unit("99001", cell(1, 0))],
            "Import refused",
            id="refused",
        ),
        pytest.param(
            [unit("99001", box(17.46, 106.6, 17.47, 106.61))],
            "outside Vietnam",
            id="bad-input",
        ),
    ],
)
def test_command_failure_is_a_command_error(tmp_path, features, message):
    """A refused import or a bad file ends the command with CommandError."""
    before = counts()

    with pytest.raises(CommandError, match=message):
        command(str(write(tmp_path, features)), *NEW_SET_ARGS, "--commit")
    assert counts() == before


def test_command_rejects_a_malformed_derive_parent(tmp_path):
    """--derive-parent must be CODE:LEVEL:NAME."""
    with pytest.raises(CommandError, match="CODE:LEVEL:NAME"):
        command(str(write(tmp_path, grid())), *NEW_SET_ARGS, "--derive-parent", "99")
