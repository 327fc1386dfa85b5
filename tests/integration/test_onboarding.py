"""Onboarding a jurisdiction far from Vietnam from its own messy file.

Synthetic squares around Toronto (lon -79.4, lat 43.7, UTM zone 17N) with one
defect each: the dry run must list every problem at once, by row, code, name and a
point on the feature; the options go past them; areas are right for where the data
is; the Vietnam box still applies to Vietnamese jurisdictions; jurisdictions are
created and sets deleted from the command line.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Geod
from shapely.geometry import Polygon, box

from boundaries.importing import FieldMap, ImportRefused, SetSpec, import_boundaries
from boundaries.importing.checks import Options
from boundaries.jurisdictions import Jurisdiction
from boundaries.models import AdminUnit, AdminUnitPart, BoundarySet, UnitSuccession
from boundaries.services import boundary_set_activate
from geo.projections import WGS84
from tests.factories import report_create

pytestmark = pytest.mark.django_db

LON0, LAT0 = -79.40, 43.70
STEP = 0.01  # about 800 m east-west, 1.1 km north-south
GEOD = Geod(ellps="WGS84")
TOR = "tor"
SLUG = "tor-councils"
NEW_SET = SetSpec(
    slug=SLUG,
    name="Toronto councils",
    jurisdiction_code=TOR,
    valid_from=dt.date(2020, 1, 1),
)
NEW_SET_ARGS = ["--set", SLUG, "--name", "Toronto councils", "--jurisdiction", TOR]
NEW_SET_ARGS += ["--valid-from", "2020-01-01"]


def cell(i: float, j: float = 0, size: float = STEP) -> Polygon:
    x, y = LON0 + i * STEP, LAT0 + j * STEP
    return box(x, y, x + size, y + size)


def feature(code: Any, geometry: Any, name: str | None = None, level: str = "council"):
    return {
        "code": code,
        "name": f"Council {code}" if name is None else name,
        "level": level,
        "geometry": geometry,
    }


def write(
    folder: Path, features: list[dict[str, Any]], name: str = "tor.geojson"
) -> Path:
    path = folder / name
    gpd.GeoDataFrame(features, geometry="geometry", crs=WGS84).to_file(path)
    return path


def geodesic_area(geom: Any) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def create_tor(extent: str | None = "-79.6,43.5,-79.1,43.9", **kw: str) -> str:
    args = [
        TOR,
        "--name",
        "Toronto",
        "--country",
        "CA",
        "--timezone",
        "America/Toronto",
    ]
    args += ["--levels", "council"]
    if extent:
        args.append(f"--extent={extent}")  # a value starting with '-' needs '='

    for key, value in kw.items():
        args += [f"--{key}", value]
    out = StringIO()
    call_command("jurisdiction_create", *args, stdout=out)
    return out.getvalue()


# Each row a defect (row numbers are the file's, from 1).
MESSY = [
    feature("1", cell(0)),  # 1 fine
    feature("2", cell(1)),  # 2 fine
    feature("2", cell(1)),  # 3 the same unit exported twice: merged
    feature("3", cell(2)),  # 4 and 5: two different units sharing code 3
    feature("3", cell(3)),  # 5
    feature("", cell(4), name="Nameless code"),  # 6 no code
    feature("7", cell(5), name=""),  # 7 no name
    feature("8", None),  # 8 no geometry
    feature(
        "9",
        Polygon(
            [
                (LON0, LAT0 + 0.05),
                (LON0 + 0.01, LAT0 + 0.05),
                (LON0 + 0.02, LAT0 + 0.05),
            ]
        ),
    ),  # 9 no area at all
    feature("10", cell(0.5, 0.5)),  # 10 overlaps 1 and 2
    feature("11", cell(7), level="hamlet"),  # 11 level the jurisdiction lacks
    feature("12", box(106.6, 17.46, 106.61, 17.47)),  # 12 in Vietnam, not Toronto
] + [  # 13–20: eight units around a hole (a gap of one cell)
    feature(str(20 + n), cell(10 + i, 3 + j))
    for n, (i, j) in enumerate(
        (i, j) for j in range(3) for i in range(3) if (i, j) != (1, 1)
    )
]


def test_dry_run_lists_every_problem_at_once(tmp_path):
    """One dry run names every defect of the file, by row, code, name and a point
    on the feature; nothing is written."""
    create_tor()
    before = (BoundarySet.objects.count(), AdminUnit.objects.count())

    with pytest.raises(ImportRefused) as info:
        import_boundaries(path=write(tmp_path, MESSY), target=NEW_SET)

    report = info.value.report
    kinds = {f["kind"] for f in report.findings}
    assert kinds >= {
        "outside_extent",
        "missing_code",
        "missing_name",
        "empty_geometry",
        "invalid_geometry",
        "duplicate_code",
        "merged_duplicate",
        "overlap",
        "gap",
        "unknown_level",
    }
    [outside] = report.of_kind("outside_extent")
    assert (outside["rows"], outside["codes"]) == ([12], ["12"])
    assert "extent of jurisdiction tor" in outside["message"]
    [dup] = report.of_kind("duplicate_code")
    assert (dup["rows"], dup["identical"]) == ([4, 5], False)
    [merged] = report.of_kind("merged_duplicate")
    assert (merged["rows"], merged["identical"]) == ([2, 3], True)
    assert [f["rows"] for f in report.of_kind("missing_code")] == [[6]]
    assert report.of_kind("missing_code")[0]["names"] == ["Nameless code"]
    assert [f["rows"] for f in report.of_kind("missing_name")] == [[7]]
    assert [f["rows"] for f in report.of_kind("empty_geometry")] == [[8]]
    assert [f["rows"] for f in report.of_kind("invalid_geometry")] == [[9]]
    assert [f["rows"] for f in report.of_kind("unknown_level")] == [[11]]
    overlaps = report.of_kind("overlap")
    assert sorted(sorted(o["codes"]) for o in overlaps) == [["1", "10"], ["10", "2"]]
    assert all(o["severity"] == "error" and o["names"] for o in overlaps)
    [gap] = report.of_kind("gap")
    assert gap["area_m2"] == pytest.approx(geodesic_area(cell(11, 4)), rel=0.01)
    # Each point lies on the feature it names.
    by_row = {n: f["geometry"] for n, f in enumerate(MESSY, start=1)}
    for f in report.findings:
        if len(f["rows"]) == 1 and f["lon"] is not None:
            assert by_row[f["rows"][0]].covers(shapely.Point(f["lon"], f["lat"])), f
    assert (BoundarySet.objects.count(), AdminUnit.objects.count()) == before


def test_overlap_areas_are_geodesic_within_one_percent(tmp_path):
    """Overlaps far from Vietnam are measured in their own UTM zone: within 1 % of
    the geodesic area (UTM 48N made them about 1.5 times too large)."""
    create_tor()
    a, b = cell(0, size=0.02), cell(1, 1, size=0.02)
    with pytest.raises(ImportRefused) as info:
        import_boundaries(
            path=write(tmp_path, [feature("1", a), feature("2", b)]), target=NEW_SET
        )
    [overlap] = info.value.report.of_kind("overlap")
    expected = geodesic_area(a.intersection(b))
    assert overlap["area_m2"] == pytest.approx(expected, rel=0.01)


def test_options_go_past_the_problems(tmp_path):
    """--on-duplicate suffix, --skip-invalid and --allow-overlaps: the rest of the
    messy file imports, and the report lists what each did."""
    create_tor()
    rows = [f for f in MESSY if f["code"] not in {"11", "12"}]
    report = import_boundaries(
        path=write(tmp_path, rows),
        target=NEW_SET,
        commit=True,
        options=Options(on_duplicate="suffix", skip_invalid=True, allow_overlaps=True),
    )

    assert report.ok
    [recoded] = report.of_kind("recoded")
    assert recoded["codes"] == ["3", "3-2"]
    assert recoded["rows"] == [5]
    assert sorted(r for f in report.of_kind("skipped") for r in f["rows"]) == [
        6,
        7,
        8,
        9,
    ]
    assert len(report.of_kind("merged_duplicate")) == 1
    assert {o["severity"] for o in report.of_kind("overlap")} == {"warning"}
    codes = set(
        AdminUnit.objects.filter(boundary_set__slug=SLUG).values_list("code", flat=True)
    )
    assert codes == {"1", "2", "3", "3-2", "10"} | {str(20 + n) for n in range(8)}
    unit = AdminUnit.objects.get(boundary_set__slug=SLUG, code="3-2")
    assert unit.area_m2 == pytest.approx(geodesic_area(cell(3)), rel=0.01)
    assert AdminUnitPart.objects.filter(unit=unit, depth=3).exists()


def test_command_report_json_is_the_same_list(tmp_path):
    """The command refuses the messy file and --report writes every finding."""
    create_tor()
    out = tmp_path / "report.json"
    with pytest.raises(CommandError, match="Import refused"):
        call_command(
            "boundaries_import",
            str(write(tmp_path, MESSY)),
            *NEW_SET_ARGS,
            "--report",
            str(out),
            stdout=StringIO(),
            stderr=StringIO(),
            verbosity=0,
        )
    written = json.loads(out.read_text(encoding="utf-8"))
    with pytest.raises(ImportRefused) as info:
        import_boundaries(path=write(tmp_path, MESSY), target=NEW_SET)
    assert written["findings"] == info.value.report.findings
    assert {"rows", "codes", "names", "lon", "lat"} <= set(written["findings"][0])


def test_command_options_commit(tmp_path):
    """The same ways forward from the command line."""
    create_tor()
    rows = [f for f in MESSY if f["code"] not in {"11", "12"}]
    out = StringIO()
    call_command(
        "boundaries_import",
        str(write(tmp_path, rows)),
        *NEW_SET_ARGS,
        "--commit",
        "--on-duplicate",
        "suffix",
        "--skip-invalid",
        "--allow-overlaps",
        stdout=out,
        stderr=StringIO(),
        verbosity=0,
    )
    assert "COMMITTED" in out.getvalue()
    assert "recoded 3-2" in out.getvalue()
    assert AdminUnit.objects.filter(boundary_set__slug=SLUG).count() == 13


def test_new_level_label_is_announced_then_added(tmp_path):
    """--level with a label the jurisdiction lacks: the dry run says so, the commit
    adds it."""
    create_tor()
    path = write(
        tmp_path, [feature("1", cell(0), level=""), feature("2", cell(1), level="")]
    )
    dry = import_boundaries(
        path=path,
        target=NEW_SET,
        fields=FieldMap(fixed_level="ward_council"),
    )
    assert "new to jurisdiction tor" in dry.of_kind("new_level")[0]["message"]
    assert Jurisdiction.objects.get(code=TOR).level_labels == ["council"]

    import_boundaries(
        path=path,
        target=NEW_SET,
        commit=True,
        fields=FieldMap(fixed_level="ward_council"),
    )
    assert Jurisdiction.objects.get(code=TOR).level_labels == [
        "council",
        "ward_council",
    ]
    assert set(
        AdminUnit.objects.filter(boundary_set__slug=SLUG).values_list(
            "level", flat=True
        )
    ) == {"ward_council"}


def test_first_set_gives_the_extent_when_none_was_given(tmp_path):
    """A foreign jurisdiction created without --extent accepts its first file, and
    takes that set's extent as its expectation."""
    create_tor(extent=None)
    assert Jurisdiction.objects.get(code=TOR).extent is None
    report = import_boundaries(
        path=write(tmp_path, [feature("1", cell(0)), feature("2", cell(1))]),
        target=NEW_SET,
        commit=True,
    )
    assert not report.of_kind("outside_extent")
    extent = Jurisdiction.objects.get(code=TOR).extent_bbox
    assert extent is not None
    assert extent.as_tuple() == pytest.approx((LON0, LAT0, LON0 + 0.02, LAT0 + 0.01))


def test_vietnam_box_still_applies_to_vietnamese_jurisdictions(tmp_path):
    """Province 44 is Vietnamese: Toronto's squares are outside Vietnam for it."""
    with pytest.raises(ImportRefused, match="outside Vietnam") as info:
        import_boundaries(
            path=write(tmp_path, [feature("1", cell(0), level="ward")]),
            target=SetSpec(
                slug="vn-abroad",
                name="x",
                jurisdiction_code="44",
                valid_from=dt.date(2000, 1, 1),
            ),
        )
    assert info.value.report.of_kind("outside_extent")[0]["rows"] == [1]


def test_migration_registered_the_pilot_jurisdiction():
    pilot = Jurisdiction.objects.get(code="44")
    assert (pilot.country, pilot.time_zone) == ("VN", "Asia/Ho_Chi_Minh")
    assert pilot.level_labels == [
        "province",
        "district",
        "ward",
        "commune",
        "town",
        "special_zone",
    ]
    assert pilot.extent is None  # Vietnam's box is its expectation


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--timezone", "Mars/Olympus"], "not an IANA time zone", id="tz"),
        pytest.param(["--country", "CAN"], "not an ISO 3166-1 alpha-2", id="country"),
        pytest.param(["--extent", "-79,43,-80,44"], "is not a box", id="extent-order"),
        pytest.param(
            ["--extent", "-79,43,-80"], "must be minx,miny,maxx,maxy", id="extent-3"
        ),
        pytest.param(["--code", "x" * 11], "1 to 10 characters", id="code"),
        pytest.param(["--levels", "a" * 21], "longer than 20 characters", id="levels"),
        pytest.param(["--code", "44"], "exists already: Tỉnh Quảng Bình", id="exists"),
    ],
)
def test_jurisdiction_create_errors(args, message):
    """Each bad argument is a clear CommandError, and nothing is created."""
    values = {
        "--code": "ham",
        "--name": "Hamilton",
        "--country": "CA",
        "--timezone": "America/Toronto",
        "--extent": "-80.2,43.0,-79.6,43.5",
    }
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    code = values.pop("--code")
    before = Jurisdiction.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command(
            "jurisdiction_create",
            code,
            *[f"{key}={value}" for key, value in values.items()],
            stdout=StringIO(),
        )
    assert Jurisdiction.objects.count() == before


def test_jurisdiction_create_writes_the_record():
    out = create_tor()
    assert "Toronto (tor) created: CA, America/Toronto" in out
    tor = Jurisdiction.objects.get(code=TOR)
    assert tor.extent_bbox.as_tuple() == (-79.6, 43.5, -79.1, 43.9)
    assert tor.level_labels == ["council"]


def sets_command(*args: str) -> str:
    out = StringIO()
    call_command("boundaries_set", *args, stdout=out)
    return out.getvalue()


def test_set_lifecycle_from_the_command_line(tmp_path):
    """list, activate, retire, delete; delete refuses an active set and a set that
    a succession refers to, saying what refers."""
    create_tor()
    import_boundaries(
        path=write(tmp_path, [feature("1", cell(0)), feature("2", cell(1))]),
        target=NEW_SET,
        commit=True,
    )
    assert (
        f"{SLUG}\tdraft\tadministrative\t2020-01-01 – …\t2 units\tToronto (tor)"
        in sets_command("list")
    )
    assert "is active" in sets_command("activate", SLUG)
    with pytest.raises(CommandError, match="is active: retire it"):
        sets_command("delete", SLUG)
    assert "is retired" in sets_command("retire", SLUG)
    unit = AdminUnit.objects.get(boundary_set__slug=SLUG, code="1")
    pilot = BoundarySet.objects.filter(jurisdiction_code="44").first()
    succession = UnitSuccession.objects.create(
        from_set=pilot, from_code="x", from_name="x", to_unit=unit, kind="merged"
    )
    with pytest.raises(CommandError, match=r"1 boundaries.UnitSuccession.to_unit"):
        sets_command("delete", SLUG)
    assert BoundarySet.objects.filter(slug=SLUG).exists()
    succession.delete()
    assert "deleted with its 2 units" in sets_command("delete", SLUG)
    assert not AdminUnit.objects.filter(boundary_set__slug=SLUG).exists()
    with pytest.raises(CommandError, match="No boundary set"):
        sets_command("retire", SLUG)


def test_set_with_reports_cannot_be_deleted():
    """A retired set that a report was placed in is kept, and the refusal names the
    report's and its assignment's references."""
    report = report_create(reported_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    boundary_set = report.unit.boundary_set
    BoundarySet.objects.filter(pk=boundary_set.pk).update(status="retired")
    with pytest.raises(CommandError, match=r"routing.Assignment.boundary_set") as info:
        sets_command("delete", boundary_set.slug)
    assert "routing.Report.unit" in str(info.value)
    assert BoundarySet.objects.filter(pk=boundary_set.pk).exists()


def test_no_triage_desk_names_the_jurisdiction(tmp_path):
    """A point in Toronto's active set, with no triage desk there: the error says
    which jurisdiction lacks one."""
    from routing.engine.candidates import NoTriageDesk, unit_candidate

    create_tor()
    import_boundaries(
        path=write(tmp_path, [feature("1", cell(0)), feature("2", cell(1))]),
        target=NEW_SET,
        commit=True,
    )
    boundary_set_activate(boundary_set=BoundarySet.objects.get(slug=SLUG))
    with pytest.raises(NoTriageDesk, match=r"configured for Toronto \(tor\)") as info:
        unit_candidate(
            lon=LON0 + 0.005,
            lat=LAT0 + 0.005,
            at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        )
    assert "Toronto (tor)" in info.value.vi


def test_admin_upload_offers_the_same_ways_forward(admin_client, tmp_path):
    """The admin upload lists the overlap and imports once overlaps are allowed."""
    create_tor()
    path = write(tmp_path, [feature("1", cell(0)), feature("2", cell(0.5, 0.5))])
    data = {
        "new_slug": SLUG,
        "new_name": "Toronto councils",
        "new_jurisdiction_code": TOR,
        "new_valid_from": "2020-01-01",
        "code_field": "code",
        "name_field": "name",
        "name_ascii_field": "name_ascii",
        "level_field": "level",
        "parent_field": "parent_code",
        "commit": "on",
    }
    with path.open("rb") as handle:
        refused = admin_client.post(
            "/admin/boundaries/boundaryset/import/", {**data, "file": handle}
        )
    assert "ERROR overlap (1)" in refused.content.decode()
    assert not BoundarySet.objects.filter(slug=SLUG).exists()
    with path.open("rb") as handle:
        done = admin_client.post(
            "/admin/boundaries/boundaryset/import/",
            {**data, "file": handle, "allow_overlaps": "on"},
        )
    assert "COMMITTED" in done.content.decode()
    assert AdminUnit.objects.filter(boundary_set__slug=SLUG).count() == 2


def test_admin_upload_takes_a_layer_and_an_own_fixed_level(admin_client, tmp_path):
    """The upload page makes a set of another layer, with one level label of the
    jurisdiction's own for every feature, as the command line does."""
    create_tor()
    path = write(
        tmp_path, [feature("1", cell(0), level=""), feature("2", cell(1), level="")]
    )
    data = {
        "new_slug": SLUG,
        "new_name": "Toronto wards",
        "new_jurisdiction_code": TOR,
        "new_valid_from": "2020-01-01",
        "new_layer": "council_ward",
        "code_field": "code",
        "name_field": "name",
        "name_ascii_field": "name_ascii",
        "level_field": "nothing",
        "parent_field": "parent_code",
        "fixed_level": "ward_council",
        "commit": "on",
    }
    with path.open("rb") as handle:
        done = admin_client.post(
            "/admin/boundaries/boundaryset/import/", {**data, "file": handle}
        )
    assert "COMMITTED" in done.content.decode()
    made = BoundarySet.objects.get(slug=SLUG)
    assert made.layer == "council_ward"
    assert set(made.units.values_list("level", flat=True)) == {"ward_council"}
    with path.open("rb") as handle:
        bad = admin_client.post(
            "/admin/boundaries/boundaryset/import/",
            {**data, "file": handle, "new_slug": "x-2", "new_layer": "Bad Layer"},
        )
    assert "not a layer name" in bad.content.decode()


def test_skip_invalid_skips_a_stray_outside_the_extent_but_never_a_wrong_crs(tmp_path):
    """A feature lying far away (here in Vietnam, in a Toronto file) is skipped with
    --skip-invalid and listed as a warning; a file lying mostly outside is a wrong
    CRS, refused whatever the options."""
    create_tor()
    stray = [feature("1", cell(0)), feature("2", cell(1)), MESSY[11]]
    report = import_boundaries(
        path=write(tmp_path, stray),
        target=NEW_SET,
        commit=True,
        options=Options(skip_invalid=True),
    )
    [outside] = report.of_kind("outside_extent")
    assert (outside["severity"], outside["rows"]) == ("warning", [3])
    assert outside["message"].startswith("skipped: ")
    assert set(
        AdminUnit.objects.filter(boundary_set__slug=SLUG).values_list("code", flat=True)
    ) == {"1", "2"}
    shifted = [
        feature(str(n), box(106.6 + n / 100, 17.46, 106.61 + n / 100, 17.47))
        for n in range(3)
    ] + [feature("9", cell(0))]
    with pytest.raises(ImportRefused) as info:
        import_boundaries(
            path=write(tmp_path, shifted),
            target=SetSpec(
                slug="tor-2",
                name="x",
                jurisdiction_code=TOR,
                valid_from=dt.date(2021, 1, 1),
            ),
            options=Options(skip_invalid=True),
        )
    [wrong] = info.value.report.of_kind("outside_extent")
    assert wrong["severity"] == "error"
    assert len(wrong["rows"]) == 3
