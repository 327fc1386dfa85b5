"""``manage.py points_assign``: a user's CSV in, the same rows with their units out.

Synthetic squares near 30°E, 20°S (nothing of the fixtures there): jurisdiction "pa"
with a district over overlapping wards (identical twins, a unit inside two others,
shared edges and vertices), a neighbour "pb" of higher priority overlapping it, a
second layer of "pa" (service zones) and an old set of "pa" that only an old date
reaches. Every row of the output is checked against the shapely reference of
``tests.reference`` for its unit, name and ambiguity flag.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import random
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from boundaries.assign_csv import ADDED
from boundaries.csvfile import replacing
from boundaries.jurisdictions import Jurisdiction, today_for
from tests.factories import active_set_with, square
from tests.reference import exact_points, reference_assign, reference_units

pytestmark = pytest.mark.django_db

X, Y = 30.0, -20.0
DAY = dt.date(2026, 1, 1)
OLD_DAY = dt.date(1995, 6, 1)


def _unit(code: str, level: str, x: float, y: float, size: float) -> dict:
    return {
        "code": code,
        "name": f"Unit {code}",
        "level": level,
        "geom": square(x, y, size),
    }


@pytest.fixture
def world() -> None:
    """Two jurisdictions, two layers, overlaps of every kind."""
    Jurisdiction.objects.create(
        code="pa", name="Pa", country="ZA", time_zone="Africa/Johannesburg"
    )
    active_set_with(
        [
            _unit("1", "district", X, Y, 0.04),  # depth 2: answers outside the wards
            _unit("3", "ward", X, Y, 0.02),
            _unit("21", "ward", X + 0.01, Y, 0.02),  # overlaps 3 by half
            _unit("100", "ward", X + 0.005, Y, 0.01),  # inside 3 and 21: smaller
            _unit("124", "ward", X, Y + 0.02, 0.01),  # twins: "15" before "124"
            _unit("15", "ward", X, Y + 0.02, 0.01),
            _unit("7", "ward", X + 0.02, Y + 0.02, 0.01),  # an edge with 21
        ],
        jurisdiction_code="pa",
        valid_from=dt.date(2000, 1, 1),
    )
    active_set_with(  # before 2000: only an old date reaches it
        [_unit("666", "ward", X, Y, 0.05), _unit("667", "ward", X + 0.02, Y, 0.05)],
        jurisdiction_code="pa",
        valid_from=dt.date(1990, 1, 1),
        valid_to=dt.date(1999, 12, 31),
    )
    active_set_with(
        [
            _unit("9", "ward", X + 0.03, Y + 0.03, 0.03),  # a vertex with 7, over 1
            _unit("8", "ward", X + 0.025, Y + 0.025, 0.01),  # over 7: priority wins
        ],
        jurisdiction_code="pb",
        priority=5,
        valid_from=dt.date(2000, 1, 1),
    )
    active_set_with(
        [
            _unit("Z10", "zone", X - 0.01, Y - 0.01, 0.03),
            _unit("Z9", "zone", X + 0.01, Y + 0.01, 0.03),  # overlaps Z10
        ],
        jurisdiction_code="pa",
        layer="service_zone",
        valid_from=dt.date(2000, 1, 1),
    )


def _points() -> list[tuple[float, float]]:
    """Exact points on every outline of every set, and random points around."""
    units = [
        unit
        for day, layer, code in (
            (DAY, "administrative", "pa"),
            (DAY, "administrative", "pb"),
            (DAY, "service_zone", "pa"),
            (OLD_DAY, "administrative", "pa"),
        )
        for unit in reference_units(day=day, layer=layer, jurisdiction=code)
    ]
    rng = random.Random(16)
    drawn = [
        (rng.uniform(X - 0.02, X + 0.07), rng.uniform(Y - 0.02, Y + 0.07))
        for _ in range(3000)
    ]
    return exact_points(units) + drawn


# Rows that cannot be placed, slipped in among the others: (lon, lat, why).
BAD = [("", "-20.01", "lon missing"), ("30.01", "abc", "lat not a number")]
BAD += [("30.01", "-95", "lat out of range"), ("nan", "-20.01", "lon not a number")]


def write_csv(
    path: Path,
    points: list[tuple[float, float]],
    *,
    delimiter: str = ",",
    decimal: str = ".",
    bom: bool = False,
    newline: str = "\n",
    bad_every: int = 0,
) -> tuple[list[list[str]], dict[int, str]]:
    """The file, lat before lon and a note with the delimiter and quotes in it; its
    rows and {line: why} of the bad rows (one every ``bad_every`` rows)."""
    rows: list[list[str]] = []
    bad: dict[int, str] = {}
    for i, (lon, lat) in enumerate(points):
        if bad_every and i % bad_every == bad_every - 1:
            bad_lon, bad_lat, why = BAD[(i // bad_every) % len(BAD)]
            rows.append([f"b{i}", 'bad, "row"', bad_lat, bad_lon])
            bad[len(rows) + 1] = why  # header is line 1
        text = [repr(lat).replace(".", decimal), repr(lon).replace(".", decimal)]
        rows.append([f"p{i}", f'note {i}, "{i % 7}"', *text])
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        writer.writerow(["id", "note", "lat", "lon"])
        writer.writerows(rows)
    return rows, bad


def assign(source: Path, out: Path, *args: str) -> str:
    err = StringIO()
    call_command(
        "points_assign",
        str(source),
        "--lon-field",
        "lon",
        "--lat-field",
        "lat",
        "--out",
        str(out),
        *args,
        stdout=StringIO(),
        stderr=err,
    )
    return err.getvalue()


def read_back(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def check_against_reference(
    out_rows: list[list[str]],
    in_rows: list[list[str]],
    points: list[tuple[float, float]],
    expected: list,
) -> tuple[int, int]:
    """Each output row is its input row plus the reference's unit; returns the
    numbers of assigned and ambiguous rows."""
    assert out_rows[0] == ["id", "note", "lat", "lon", *ADDED]
    assert len(out_rows) - 1 == len(in_rows)
    by_id = dict(zip((f"p{i}" for i in range(len(points))), expected, strict=True))
    assigned = ambiguous = 0
    for got, given in zip(out_rows[1:], in_rows, strict=True):
        assert got[:4] == given
        if given[0].startswith("b"):
            assert got[4:] == ["", "", ""], got
            continue
        unit, flag = by_id[given[0]]
        if unit is None:
            assert got[4:] == ["", "", ""], got
            continue
        assert got[4:] == [unit.code, unit.name, "true" if flag else "false"], got
        assigned += 1
        ambiguous += flag
    return assigned, ambiguous


@pytest.mark.parametrize(
    ("args", "layer", "jurisdiction", "day"),
    [
        pytest.param([], "administrative", None, DAY, id="every-jurisdiction"),
        pytest.param(["--jurisdiction", "pa"], "administrative", "pa", DAY, id="pa"),
        pytest.param(["--jurisdiction", "pb"], "administrative", "pb", DAY, id="pb"),
        pytest.param(
            ["--layer", "service_zone", "--jurisdiction", "pa"],
            "service_zone",
            "pa",
            DAY,
            id="second-layer",
        ),
        pytest.param([], "administrative", None, OLD_DAY, id="old-date"),
    ],
)
def test_every_row_matches_the_shapely_reference(
    world, tmp_path, args, layer, jurisdiction, day
):
    """Every row comes out unchanged, in order, with the unit, name and ambiguity
    the rule gives in shapely; bad rows stay, without a unit, and are listed."""
    points = _points()
    source = tmp_path / "points.csv"
    in_rows, bad = write_csv(source, points, bad_every=500)
    out = tmp_path / "out.csv"
    date = day.isoformat() if day == DAY else f"{day:%d/%m/%Y}"
    report = assign(source, out, "--date", date, *args)

    expected = reference_assign(
        reference_units(day=day, layer=layer, jurisdiction=jurisdiction), points
    )
    assigned, ambiguous = check_against_reference(
        read_back(out), in_rows, points, expected
    )
    assert assigned == sum(unit is not None for unit, _ in expected)
    assert 0 < ambiguous < assigned  # edges and overlaps were exercised
    assert len({unit.code for unit, _ in expected if unit}) >= 2
    assert f"{len(in_rows):,} points" in report
    assert f"assigned  {assigned:,} ({ambiguous:,} ambiguous" in report
    assert f"bad rows  {len(bad)} (kept without a unit: " in report
    first = sorted(bad.items())[:3]
    assert "; ".join(f"line {line}: {why}" for line, why in first) in report


def test_without_a_date_it_is_today_in_the_jurisdiction(world, tmp_path):
    """No --date: today where the jurisdiction is; the sets in force today answer."""
    points = _points()[:400]
    source, out = tmp_path / "p.csv", tmp_path / "o.csv"
    in_rows, _ = write_csv(source, points)
    report = assign(source, out, "--jurisdiction", "pa")
    today = timezone.localdate(timezone=ZoneInfo("Africa/Johannesburg"))
    assert f"on {today.isoformat()}" in report
    expected = reference_assign(reference_units(day=today, jurisdiction="pa"), points)
    check_against_reference(read_back(out), in_rows, points, expected)


def test_today_follows_the_time_zone():
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) never share a date: each
    jurisdiction's today is its own."""
    for code, zone in (("kir", "Pacific/Kiritimati"), ("ppg", "Pacific/Pago_Pago")):
        Jurisdiction.objects.create(code=code, name=code, country="KI", time_zone=zone)
    assert today_for("kir") == timezone.localdate(
        timezone=ZoneInfo("Pacific/Kiritimati")
    )
    assert today_for("kir") > today_for("ppg")
    assert today_for(None) == timezone.localdate()


@pytest.mark.parametrize(
    ("style", "args"),
    [
        pytest.param(
            {"delimiter": ";", "decimal": ",", "bom": True, "newline": "\r\n"},
            [],
            id="excel-semicolon-bom-decimal-comma",
        ),
        pytest.param({"delimiter": "\t"}, ["--delimiter", "tab"], id="tab"),
    ],
)
def test_spreadsheet_exports_are_read_and_written_alike(world, tmp_path, style, args):
    """A BOM, semicolons and decimal commas (Excel in a Vietnamese or French
    locale), or tabs: found, read, and written back the same way."""
    points = _points()[::4]
    source, out = tmp_path / "p.csv", tmp_path / "o.csv"
    in_rows, bad = write_csv(source, points, bad_every=97, **style)
    report = assign(source, out, "--date", DAY.isoformat(), *args)
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) == style.get("bom", False)
    first = raw.split(b"\n", 1)[0].decode("utf-8-sig")
    assert first == style["delimiter"].join(["id", "note", "lat", "lon", *ADDED]) + (
        "\r" if style.get("newline") == "\r\n" else ""
    )
    delimiter = style["delimiter"]
    got = read_back(out, delimiter)
    expected = reference_assign(reference_units(day=DAY), points)
    assigned, _ = check_against_reference(got, in_rows, points, expected)
    assert assigned > 0
    assert f"bad rows  {len(bad)}" in report


def test_quoted_line_breaks_and_ragged_rows(world, tmp_path):
    """A note across two lines and a row missing its last fields: the bad row is
    named by its line in the file, the short row is padded, nothing shifts."""
    source, out = tmp_path / "p.csv", tmp_path / "o.csv"
    source.write_text(
        "id,note,lon,lat\n"
        f'1,"two\nlines",{X + 0.035},{Y + 0.035}\n'
        "2,short\n"
        f"3,,{X + 0.001},{Y + 0.001}\n"
        "\n"
        f"4,last,{X + 0.031},{Y + 0.002}\n",
        encoding="utf-8",
    )
    report = assign(source, out, "--date", DAY.isoformat())
    rows = read_back(out)
    assert [r[:4] for r in rows[1:]] == [
        ["1", "two\nlines", str(X + 0.035), str(Y + 0.035)],
        ["2", "short", "", ""],
        ["3", "", str(X + 0.001), str(Y + 0.001)],
        ["4", "last", str(X + 0.031), str(Y + 0.002)],
    ]
    expected = reference_assign(
        reference_units(day=DAY),
        [(X + 0.035, Y + 0.035), (X + 0.001, Y + 0.001), (X + 0.031, Y + 0.002)],
    )
    codes = [unit.code if unit else "" for unit, _ in expected]
    assert [r[4] for r in rows[1:]] == [codes[0], "", codes[1], codes[2]]
    assert "line 4: coordinates missing (short row)" in report


def test_a_missing_column_names_the_columns_the_file_has(world, tmp_path):
    source = tmp_path / "p.csv"
    write_csv(source, [(X, Y)])
    with pytest.raises(CommandError) as info:
        call_command(
            "points_assign",
            str(source),
            "--lon-field",
            "lng",
            "--lat-field",
            "lat",
            "--out",
            str(tmp_path / "o.csv"),
            "--date",
            DAY.isoformat(),
            stderr=StringIO(),
        )
    message = str(info.value)
    assert "has no column 'lng'" in message
    assert "Its columns: 'id', 'note', 'lat', 'lon'" in message
    assert not (tmp_path / "o.csv").exists()


def test_strict_refuses_bad_rows_and_leaves_no_file(world, tmp_path):
    """--strict: the first bad rows are named, no output appears and an older
    output stays as it was; no temporary file is left behind."""
    points = _points()[:300]
    source = tmp_path / "p.csv"
    _, bad = write_csv(source, points, bad_every=100)
    first = min(bad)
    for out, before in ((tmp_path / "new.csv", None), (tmp_path / "old.csv", "old")):
        if before:
            out.write_text(before, encoding="utf-8")
        with pytest.raises(CommandError) as info:
            assign(source, out, "--date", DAY.isoformat(), "--strict")
        assert "3 rows have no usable coordinates" in str(info.value)
        assert f"(line {first}: {bad[first]};" in str(info.value)
        assert (out.read_text(encoding="utf-8") if out.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv", "p.csv"]


def test_out_may_not_be_the_input(world, tmp_path):
    source = tmp_path / "p.csv"
    write_csv(source, [(X, Y)])
    before = source.read_bytes()
    with pytest.raises(CommandError, match="must not be the input"):
        assign(source, tmp_path / "." / "p.csv", "--date", DAY.isoformat())
    assert source.read_bytes() == before


def test_a_failure_while_writing_leaves_nothing(tmp_path):
    """The output is renamed into place only once complete."""
    out = tmp_path / "o.csv"

    def fail() -> None:
        with replacing(out, "utf-8") as handle:
            handle.write("half a file")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        fail()
    assert list(tmp_path.iterdir()) == []
    with replacing(out, "utf-8") as handle:
        handle.write("whole")
    assert out.read_text(encoding="utf-8") == "whole"
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--layer", "police"], "Layers: administrative", id="layer"),
        pytest.param(["--jurisdiction", "zz"], "Codes: .*pa, pb", id="jurisdiction"),
        pytest.param(["--date", "1980-01-01"], "in force on 1980-01-01", id="no-set"),
        pytest.param(["--date", "31/02/2026"], "is not a date", id="bad-date"),
    ],
)
def test_a_scope_that_answers_nothing_is_refused(world, tmp_path, args, message):
    """An unknown layer or jurisdiction, or a day no set covers, is refused before
    the file is read, saying what exists."""
    source = tmp_path / "p.csv"
    write_csv(source, [(X, Y)])
    with pytest.raises(CommandError, match=message):
        assign(source, tmp_path / "o.csv", *args)
    assert not (tmp_path / "o.csv").exists()


def test_a_file_not_in_utf8_is_refused_naming_the_line(world, tmp_path):
    """A Windows-1252 name deep in the file (an export from an old Excel): the
    refusal names its line, however far into the file, and nothing is written."""
    source = tmp_path / "p.csv"
    write_csv(source, [(X + 0.001 * (i % 30), Y) for i in range(3000)])
    with source.open("ab") as f:
        f.write("p3000,Café du Parc,-20.0,30.0\n".encode("cp1252"))
    with pytest.raises(CommandError, match=r"p\.csv is not UTF-8 \(line 3002\)"):
        assign(source, tmp_path / "o.csv", "--date", DAY.isoformat())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]
