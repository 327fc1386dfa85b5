"""Issue #16 done, from the command line only: a jurisdiction far from Vietnam is
created, its messy layer dry-run (every problem at once), imported with the ways
forward, a second layer beside it; both looked up over HTTP, a CSV bulk-assigned
with the shapely reference's answers, and both sets retired and deleted without a
trace.

Synthetic squares around Toronto (``tests.integration.test_onboarding``'s helpers);
the answers are checked against ``tests.reference``, never hard-coded.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import box

from boundaries.models import AdminUnit, AdminUnitEdge, AdminUnitPart, BoundarySet
from tests.integration.test_onboarding import (
    LAT0,
    LON0,
    NEW_SET_ARGS,
    SLUG,
    STEP,
    TOR,
    cell,
    create_tor,
    feature,
    sets_command,
    write,
)
from tests.integration.test_points_assign import (
    assign,
    check_against_reference,
    read_back,
    write_csv,
)
from tests.reference import exact_points, reference_assign, reference_units

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
LOOKUP = "/api/v1/boundaries/lookup"
DISTRICTS = "tor-districts"
LAYER = "council_district"

# The messy layer, one defect at least per row (rows from 1).
MESSY = [
    feature("1", cell(0)),  # 1
    feature("2", cell(1)),  # 2
    feature("2", cell(1)),  # 3 the same unit exported twice
    feature("3", cell(2)),  # 4 and 5: two different units sharing code 3
    feature("3", cell(3)),  # 5
    feature("", cell(4), name="No code"),  # 6 no code
    feature("10", cell(0.5, 0.5)),  # 7 overlaps 1 and 2
    feature("124", cell(5)),  # 8 and 9: one park, two councils
    feature("15", cell(5)),  # 9
]
OUTSIDE = feature("12", box(106.6, 17.46, 106.61, 17.47))  # 10 in Vietnam


def _import(path: object, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("boundaries_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _http_answers(api, points, **scope: str) -> list[tuple[str | None, bool, list]]:
    answers = []
    for lon, lat in points:
        response = api.get(
            LOOKUP, {"lon": lon, "lat": lat, "date": DAY.isoformat(), **scope}
        )
        if response.status_code == 404:
            assert response.json()["code"] == "outside_all_units", response.json()
            answers.append((None, False, []))
            continue
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["boundary_set"]["jurisdiction"] == TOR
        assert body["boundary_set"]["layer"] == scope.get("layer", "administrative")
        codes = [c["code"] for c in body["candidates"]]
        answers.append((body["unit"]["code"], body["ambiguous"], codes))
    return answers


def test_a_far_jurisdiction_from_creation_to_deletion(api, tmp_path):
    # 1. The jurisdiction, with its own time zone and extent.
    assert "Toronto (tor) created: CA, America/Toronto" in create_tor()

    # 2. One dry run lists every problem of the messy file.
    messy = write(tmp_path, [*MESSY, OUTSIDE], name="messy.geojson")
    report_path = tmp_path / "report.json"
    err = StringIO()
    with pytest.raises(CommandError, match="Import refused"):
        call_command(
            "boundaries_import",
            str(messy),
            *NEW_SET_ARGS,
            "--report",
            str(report_path),
            stdout=StringIO(),
            stderr=err,
        )
    findings = json.loads(report_path.read_text(encoding="utf-8"))["findings"]
    by_kind: dict[str, list[dict]] = {}
    for finding in findings:
        by_kind.setdefault(finding["kind"], []).append(finding)
    assert [f["rows"] for f in by_kind["outside_extent"]] == [[10]]
    assert [(f["rows"], f["identical"]) for f in by_kind["merged_duplicate"]] == [
        ([2, 3], True)
    ]
    assert [(f["rows"], f["identical"]) for f in by_kind["duplicate_code"]] == [
        ([4, 5], False)
    ]
    assert [f["rows"] for f in by_kind["missing_code"]] == [[6]]
    assert sorted(sorted(f["codes"]) for f in by_kind["overlap"]) == [
        ["1", "10"],
        ["10", "2"],
        ["124", "15"],
    ]
    for kind in by_kind:  # the text on stderr tells the same
        assert kind in err.getvalue()
    assert not BoundarySet.objects.filter(slug=SLUG).exists()

    # 3. The feature placed in Vietnam is dropped; the options go past the rest.
    clean = write(tmp_path, MESSY, name="clean.geojson")
    out, _ = _import(
        clean,
        *NEW_SET_ARGS,
        "--on-duplicate",
        "suffix",
        "--skip-invalid",
        "--allow-overlaps",
        "--commit",
        "--activate",
    )
    assert "COMMITTED" in out
    assert "recoded 3-2" in out
    assert f"Set '{SLUG}' is active." in out
    councils = BoundarySet.objects.get(slug=SLUG)
    assert set(councils.units.values_list("code", flat=True)) == {
        "1",
        "2",
        "3",
        "3-2",
        "10",
        "124",
        "15",
    }

    # 4. A second layer of the same ground, active beside the first.
    districts = write(
        tmp_path,
        [
            feature("D1", cell(0, 0, size=3 * STEP), level=""),
            feature("D2", cell(3, 0, size=3 * STEP), level=""),
        ],
        name="districts.geojson",
    )
    out, _ = _import(
        districts,
        "--set",
        DISTRICTS,
        "--name",
        "Toronto council districts",
        "--jurisdiction",
        TOR,
        "--valid-from",
        "2020-01-01",
        "--set-layer",
        LAYER,
        "--level",
        LAYER,
        "--commit",
        "--activate",
    )
    assert f"Set '{DISTRICTS}' is active." in out
    listed = sets_command("list", "--jurisdiction", TOR)
    assert f"{SLUG}\tactive\tadministrative" in listed
    assert f"{DISTRICTS}\tactive\t{LAYER}" in listed

    # 5. Per layer over HTTP: the rule's unit, flag and candidates at every point.
    units = {
        layer: reference_units(day=DAY, layer=layer, jurisdiction=TOR)
        for layer in ("administrative", LAYER)
    }
    rng = random.Random(16)
    extent = (LON0 - STEP, LAT0 - STEP / 2, LON0 + 7 * STEP, LAT0 + 3.5 * STEP)
    drawn = [
        (rng.uniform(extent[0], extent[2]), rng.uniform(extent[1], extent[3]))
        for _ in range(1500)
    ]
    points = exact_points(units["administrative"] + units[LAYER]) + drawn
    probes = [
        *points[:: max(1, len(points) // 60)],
        (LON0 + 5.5 * STEP, LAT0 + 0.5 * STEP),
    ]
    for layer, scope in (
        ("administrative", {"jurisdiction": TOR}),
        (LAYER, {"jurisdiction": TOR, "layer": LAYER}),
    ):
        expected = reference_assign(units[layer], probes)
        got = _http_answers(api, probes, **scope)
        for (unit, flag), (code, ambiguous, candidates) in zip(
            expected, got, strict=True
        ):
            assert code == (unit.code if unit else None)
            assert ambiguous == flag
            assert (candidates[0] == code) if flag else candidates == []
    park = _http_answers(
        api, [(LON0 + 5.5 * STEP, LAT0 + 0.5 * STEP)], jurisdiction=TOR
    )
    assert park == [("15", True, ["15", "124"])]

    # 6. A CSV bulk-assigned per layer, today in Toronto, equal to the reference.
    source = tmp_path / "points.csv"
    in_rows, _ = write_csv(source, points, bad_every=400)
    for layer in ("administrative", LAYER):
        result = tmp_path / f"{layer}.csv"
        report = assign(source, result, "--jurisdiction", TOR, "--layer", layer)
        assert f"layer {layer}, jurisdiction {TOR}" in report
        expected = reference_assign(units[layer], points)
        assigned, ambiguous = check_against_reference(
            read_back(result), in_rows, points, expected
        )
        assert assigned > 200
        assert ambiguous > 0

    # 7. Retired and deleted, with every unit, piece and edge.
    ids = list(
        BoundarySet.objects.filter(jurisdiction_code=TOR).values_list("id", flat=True)
    )
    unit_ids = list(
        AdminUnit.objects.filter(boundary_set_id__in=ids).values_list("id", flat=True)
    )
    assert len(ids) == 2
    assert len(unit_ids) == 9  # 7 councils, 2 districts
    for slug in (SLUG, DISTRICTS):
        assert f"Set '{slug}' is retired." in sets_command("retire", slug)
        assert f"Set '{slug}' deleted" in sets_command("delete", slug)
    assert not BoundarySet.objects.filter(id__in=ids).exists()
    assert not AdminUnit.objects.filter(id__in=unit_ids).exists()
    assert not AdminUnitPart.objects.filter(boundary_set_id__in=ids).exists()
    assert not AdminUnitEdge.objects.filter(unit_id__in=unit_ids).exists()
    assert "No boundary sets." in sets_command("list", "--jurisdiction", TOR)
    gone = api.get(
        LOOKUP,
        {
            "lon": LON0 + 0.005,
            "lat": LAT0 + 0.005,
            "date": DAY.isoformat(),
            "jurisdiction": TOR,
        },
    )
    assert (gone.status_code, gone.json()["code"]) == (404, "no_boundary_set")
    with pytest.raises(CommandError, match="No active boundary set"):
        assign(source, tmp_path / "after.csv", "--jurisdiction", TOR)
