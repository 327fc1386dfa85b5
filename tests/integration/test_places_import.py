"""manage.py places_import: GeoJSON, GPKG and CSV in, atomic, idempotent, reprojected
and repaired; features that cannot be used are skipped with their reason."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import LineString, Point, Polygon

from boundaries.models import Place
from boundaries.places import Options, PlacesFileError, places_import
from boundaries.places.reading import clean_value

pytestmark = pytest.mark.django_db

CHO = (106.6275579, 17.4645798)  # Chợ Đồng Hới
TEST = "test-src"


def _geojson(path: Path, features: list[dict], **members) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features, **members}),
        encoding="utf-8",
    )
    return path


def _point(name: str | None, lon: float, lat: float, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, **props},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("places_import", str(path), *args, stdout=out)
    return out.getvalue()


def test_geojson_osm_tags_names_and_licence(tmp_path):
    street = {
        "type": "Feature",
        "properties": {
            "name": "Quách Xuân Kỳ",
            "highway": "residential",
            "@id": "way/1",
        },
        "geometry": {
            "type": "LineString",
            "coordinates": [[106.618, 17.468], [106.620, 17.469], [106.622, 17.470]],
        },
    }
    market = _point(
        "Chợ Thử",
        *CHO,
        **{"amenity": "marketplace", "name:en": "Test Market", "@id": "node/2"},
    )
    market["properties"]["addr:street"] = "Mẹ Suốt"
    path = _geojson(
        tmp_path / "osm.geojson",
        [street, market],
        attribution="© OpenStreetMap contributors",
        license="ODbL-1.0",
    )
    out = _run(path, "--source", TEST)
    assert "2 added" in out
    road = Place.objects.get(source=TEST, source_id="way/1")
    assert road.kind == "street"
    assert road.tag == "highway=residential"
    assert road.geom.geom_type == "LineString"
    assert road.anchor.distance(road.geom) < 1e-9  # the anchor lies on the line
    assert road.name_ascii == "Quach Xuan Ky"
    shop = Place.objects.get(source=TEST, source_id="node/2")
    assert (shop.kind, shop.name_en, shop.addr_street) == (
        "market",
        "Test Market",
        "Mẹ Suốt",
    )
    assert "test market" in shop.search_ascii
    assert "cho thu" in shop.search_ascii
    assert shop.attribution == "© OpenStreetMap contributors"
    assert shop.licence == "ODbL-1.0"


def test_reimport_updates_instead_of_duplicating_and_replace_removes(tmp_path):
    first = _geojson(
        tmp_path / "a.geojson",
        [
            _point("Quán A", *CHO, source_id="1"),
            _point("Quán B", 106.62, 17.47, source_id="2"),
        ],
    )
    assert "2 added" in _run(first, "--source", TEST)
    assert "2 unchanged" in _run(first, "--source", TEST)
    second = _geojson(
        tmp_path / "b.geojson", [_point("Quán A mới", *CHO, source_id="1")]
    )
    out = _run(second, "--source", TEST)
    assert "0 added, 1 updated" in out
    assert Place.objects.filter(source=TEST).count() == 2
    assert Place.objects.get(source=TEST, source_id="1").name == "Quán A mới"
    out = _run(second, "--source", TEST, "--replace")
    assert "1 removed" in out
    assert list(
        Place.objects.filter(source=TEST).values_list("source_id", flat=True)
    ) == ["1"]


def test_features_without_name_or_outside_are_skipped_with_reasons(tmp_path):
    path = _geojson(
        tmp_path / "mixed.geojson",
        [
            _point("Quán Tốt", *CHO, source_id="ok"),
            _point(None, *CHO, source_id="noname"),
            _point("  ", *CHO, source_id="blank"),
            _point("Hồ Gươm", 105.8523, 21.0287, source_id="hanoi"),
            {"type": "Feature", "properties": {"name": "Trống"}, "geometry": None},
        ],
    )
    report = places_import(path, Options(source=TEST))
    assert report.added == 1
    assert report.skipped_by_reason() == {
        "no name": 2,
        "outside the jurisdiction's extent": 1,
        "no geometry": 1,
    }
    assert Place.objects.filter(source=TEST).count() == 1


def test_gpkg_in_utm_is_reprojected(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["Trường Thử"], "amenity": ["school"], "osm_id": [77]},
        geometry=[Point(*CHO)],
        crs="EPSG:4326",
    ).to_crs("EPSG:32648")
    assert frame.geometry.iloc[0].x > 1000  # metres in the file
    path = tmp_path / "schools.gpkg"
    frame.to_file(path, driver="GPKG")
    report = places_import(path, Options(source=TEST))
    assert report.added == 1
    assert report.source_crs == "EPSG:32648"
    school = Place.objects.get(source=TEST)
    assert school.kind == "school"
    assert school.source_id == "node/77"
    assert school.geom.x == pytest.approx(CHO[0], abs=1e-6)
    assert school.geom.y == pytest.approx(CHO[1], abs=1e-6)


def test_invalid_geometries_are_repaired_and_listed(tmp_path):
    bowtie = Polygon(
        [(106.62, 17.46), (106.63, 17.47), (106.63, 17.46), (106.62, 17.47)]
    )
    frame = gpd.GeoDataFrame(
        {"name": ["Sân Nơ", "Ngõ Cụt"], "id": ["a", "b"]},
        geometry=[bowtie, LineString([(106.62, 17.46), (106.62, 17.46)])],
        crs="EPSG:4326",
    )
    path = tmp_path / "bad.gpkg"
    frame.to_file(path, driver="GPKG")
    report = places_import(path, Options(source=TEST))
    assert report.added == 2, report.as_text()
    repairs = dict(report.repaired)
    assert any("made valid" in r for _, r in report.repaired)
    assert any("point on surface" in r for r in repairs.values())
    for place in Place.objects.filter(source=TEST):
        assert place.geom.valid
        assert place.geom.geom_type == "Point"


def test_csv_with_lon_lat_columns(tmp_path):
    path = tmp_path / "diem.csv"
    path.write_text(
        "ten_khac,name,longitude,latitude,kind\n"
        f"x,Nhà Văn Hóa,{CHO[0]},{CHO[1]},community_centre\n"
        f"y,,{CHO[0]},{CHO[1]},cafe\n",
        encoding="utf-8",
    )
    report = places_import(path, Options(source=TEST))
    assert (report.added, len(report.skipped)) == (1, 1)
    place = Place.objects.get(source=TEST)
    assert place.kind == "community_centre"
    assert place.source_id.startswith("h:")  # no key: the name and the point
    assert places_import(path, Options(source=TEST)).unchanged == 1


def test_kind_field_option(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        f"name,lon,lat,loai\nTrạm Y Tế,{CHO[0]},{CHO[1]},Trạm y tế\n", encoding="utf-8"
    )
    _run(path, "--source", TEST, "--kind-field", "loai")
    assert Place.objects.get(source=TEST).kind == "tram_y_te"


def test_a_bad_file_writes_nothing(tmp_path):
    """A coordinate that is not a number, after good rows: refused whole."""
    path = tmp_path / "bad.csv"
    path.write_text(
        f"name,lon,lat\nQuán Một,{CHO[0]},{CHO[1]}\nQuán Hai,abc,17.46\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Line 3"):
        _run(path, "--source", TEST)
    assert not Place.objects.filter(source=TEST).exists()


def test_a_duplicate_key_or_missing_columns_refuse_the_file(tmp_path):
    dup = _geojson(
        tmp_path / "dup.geojson",
        [_point("A", *CHO, source_id="1"), _point("B", *CHO, source_id="1")],
    )
    with pytest.raises(PlacesFileError, match="twice"):
        places_import(dup, Options(source=TEST))
    nocols = tmp_path / "n.csv"
    nocols.write_text("name,x1,y1\nA,1,2\n", encoding="utf-8")
    with pytest.raises(PlacesFileError, match="longitude"):
        places_import(nocols, Options(source=TEST))
    garbage = tmp_path / "g.geojson"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlacesFileError):
        places_import(garbage, Options(source=TEST))
    assert not Place.objects.filter(source=TEST).exists()


def test_dry_run_writes_nothing(tmp_path):
    path = _geojson(tmp_path / "d.geojson", [_point("Quán Khô", *CHO)])
    out = _run(path, "--source", TEST, "--dry-run")
    assert "dry run" in out
    assert "1 added" in out
    assert not Place.objects.filter(source=TEST).exists()


def test_the_shipped_file_is_loaded_with_its_attribution():
    places = Place.objects.filter(source="osm")
    assert places.count() == 166
    assert set(places.values_list("attribution", flat=True)) == {
        "© OpenStreetMap contributors"
    }


def test_gdal_osm_driver_other_tags_are_read(tmp_path):
    """ogr2ogr's OSM layers keep most tags in one ``other_tags`` column."""
    feature = {
        "type": "Feature",
        "properties": {
            "osm_id": "4242",
            "osm_type": "ways",
            "name": "Hữu Nghị",
            "other_tags": '"highway"=>"primary","name:vi"=>"Đường Hữu Nghị",'
            '"name:en"=>"Friendship Road"',
        },
        "geometry": {
            "type": "MultiLineString",
            "coordinates": [
                [[106.60, 17.47], [106.61, 17.47]],
                [[106.61, 17.47], [106.615, 17.472]],
            ],
        },
    }
    path = _geojson(tmp_path / "lines.geojson", [feature])
    places_import(path, Options(source=TEST))
    road = Place.objects.get(source=TEST)
    assert (road.kind, road.source_id) == ("street", "way/4242")
    assert road.name_vi == "Đường Hữu Nghị"
    assert road.name_en == "Friendship Road"
    assert road.geom.geom_type == "MultiLineString"
    assert road.anchor.distance(road.geom) < 1e-9


def test_nul_control_and_bidi_characters_are_dropped_from_names(tmp_path):
    """A NUL (PostgreSQL cannot store one) or a bidi override in a name would fail
    the import or make the name read as another: they are dropped."""
    path = _geojson(
        tmp_path / "dirty.geojson",
        [
            _point(
                "Chợ Thử\u202e\x07",
                *CHO,
                **{
                    "amenity": "marketplace",
                    "@id": "node/9",
                    "addr:street": "Mẹ\tSuốt",
                },
            )
        ],
    )
    _run(path, "--source", TEST)
    place = Place.objects.get(source=TEST, source_id="node/9")
    assert place.name == "Chợ Thử"
    assert place.addr_street == "Mẹ Suốt"
    assert place.search_ascii == "cho thu"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Chợ\x00 Thử", "Chợ Thử"),  # GDAL cuts at a NUL; CSV and GPKG may not
        ("Chợ\u202e Thử\u2066", "Chợ Thử"),
        ("Mẹ\tSuốt\nphía\x1fnam\x7f", "Mẹ Suốt phíanam"),
        (12.0, "12"),
    ],
)
def test_clean_value_drops_control_characters(raw, clean):
    assert clean_value(raw) == clean
