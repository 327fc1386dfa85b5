"""Checks before anything is written, every problem of the file in one pass.

Codes, names, levels, geometry, the jurisdiction's extent, duplicate codes, parents
and sibling topology each add :class:`~boundaries.importing.report.Finding` s to the
report; none stops the others, so that a dry run lists everything at once. The ways
forward (``Options``) turn some errors into warnings saying what the import does:
exact duplicates are merged, other duplicates recoded ``CODE-2``, ``CODE-3`` (with
``on_duplicate="suffix"``), rows without code, name or usable geometry skipped
(``skip_invalid``), overlapping siblings accepted (``allow_overlaps``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from boundaries.importing.fields import SourceUnit
from boundaries.importing.report import ERROR, INFO, WARNING, Finding, ImportReport
from boundaries.levels import LABEL_MAX_LENGTH, Level, level_depth
from geo import topology
from geo.coords import BBox
from geo.errors import GeoInputError
from geo.repair import repair_polygonal

ON_DUPLICATE = ("fail", "suffix")
CODE_MAX_LENGTH = 10  # AdminUnit.code


@dataclass(frozen=True)
class Options:
    """How to go forward past a file's problems, and what the jurisdiction expects."""

    on_duplicate: str = "fail"
    skip_invalid: bool = False
    allow_overlaps: bool = False
    own_levels: frozenset[str] = frozenset()  # the jurisdiction's labels, accepted
    expected: tuple[BBox, str] | None = None  # (box, whose) the file should lie in


@dataclass
class Checked:
    """The units to write (codes unique) and their repaired geometries by code."""

    units: list[SourceUnit] = field(default_factory=list)
    geometries: dict[str, MultiPolygon] = field(default_factory=dict)


def point_of(geom: BaseGeometry | None) -> dict[str, Any]:
    """A point surely on ``geom`` (PointOnSurface), as the finding's lon and lat."""
    if geom is None or geom.is_empty:
        return {}
    try:
        point = shapely.point_on_surface(geom)
    except shapely.errors.GEOSException:
        point = shapely.centroid(geom)
    if point.is_empty:
        return {}
    return {"lon": round(float(point.x), 6), "lat": round(float(point.y), 6)}


def where(unit: SourceUnit, geom: BaseGeometry | None = None) -> dict[str, Any]:
    """The finding's fields naming one feature."""
    return {
        "rows": [unit.row],
        "codes": [unit.code] if unit.code else [],
        "names": [unit.name] if unit.name else [],
        **point_of(geom if geom is not None else unit.geometry),
    }


def label_of(unit: SourceUnit) -> str:
    return f"row {unit.row}" + (f" (code {unit.code})" if unit.code else "")


def check_file(
    units: list[SourceUnit], report: ImportReport, options: Options
) -> Checked:
    """Every check of the file alone, in one pass; returns what can be written."""
    kept: list[tuple[SourceUnit, MultiPolygon]] = []
    for unit in units:
        geometry = _check_row(unit, report, options)
        if geometry is not None:
            kept.append((unit, geometry))
    if options.expected is not None:
        # Features far away are left out of the checks that measure in metres: the
        # UTM zone is that of the data's centre, and they would move it.
        outside = _check_extent(kept, report, options)
        kept = [(u, g) for u, g in kept if u.row not in outside]
    checked = Checked()
    for unit, geometry in _check_duplicates(kept, report, options.on_duplicate):
        checked.units.append(unit)
        checked.geometries[unit.code] = geometry
    return checked


def _check_row(
    unit: SourceUnit, report: ImportReport, options: Options
) -> MultiPolygon | None:
    """One row's code, name, level and geometry; its repaired geometry when it can be
    written (or checked further), None when skipped or unusable."""
    label = label_of(unit)
    problems: list[tuple[str, str]] = []
    if not unit.code:
        problems.append(("missing_code", f"{label}: missing code"))
    if not unit.name:
        problems.append(("missing_name", f"{label}: missing name"))
    geometry: MultiPolygon | None = None
    try:
        repaired = repair_polygonal(unit.geometry, label)
        geometry = repaired.geometry
        if repaired.repairs:
            report.repairs[unit.code or label] = repaired.repairs
    except GeoInputError as exc:
        kind = "empty_geometry" if exc.code == "empty_geometry" else "invalid_geometry"
        problems.append((kind, f"{label}: {exc.en}"))
    if problems and options.skip_invalid:
        reasons = "; ".join(message.split(": ", 1)[1] for _, message in problems)
        report.add(
            Finding("skipped", WARNING, f"{label} skipped: {reasons}", **where(unit))
        )
        return None
    for kind, message in problems:
        report.add(Finding(kind, ERROR, message, **where(unit, geometry)))
    _check_level(unit, report, options, geometry)
    return geometry if unit.code else None


def _check_level(
    unit: SourceUnit,
    report: ImportReport,
    options: Options,
    geometry: MultiPolygon | None,
) -> None:
    if unit.level is None and unit.raw_level in options.own_levels:
        unit.level = unit.raw_level  # one of the jurisdiction's own labels
    if unit.level is not None and len(unit.level) <= LABEL_MAX_LENGTH:
        return
    known = sorted(set(Level.values) | options.own_levels)
    report.add(
        Finding(
            "unknown_level",
            ERROR,
            f"{label_of(unit)}: unknown level '{unit.raw_level}' (expected one of "
            f"{', '.join(known)}; or give --level LABEL, at most "
            f"{LABEL_MAX_LENGTH} characters)",
            **where(unit, geometry),
        )
    )
    unit.level = None


def _check_extent(
    kept: list[tuple[SourceUnit, MultiPolygon]],
    report: ImportReport,
    options: Options,
) -> set[int]:
    """One finding for all the features outside the expected box (a wrong CRS, or
    longitude and latitude swapped, moves them all); returns their rows. With
    ``skip_invalid``, a few strays (fewer than half the features: a feature at 0,0,
    one from another file) are skipped with a warning; most of the file outside is
    a wrong CRS, which no option skips."""
    assert options.expected is not None
    box, whose = options.expected
    frame = shapely.box(*box.as_tuple())
    outside = [(u, g) for u, g in kept if not frame.covers(g)]
    if not outside:
        return set()
    bounds = shapely.total_bounds([g for _, g in kept])
    strays = options.skip_invalid and 2 * len(outside) < len(kept)
    report.add(
        Finding(
            "outside_extent",
            WARNING if strays else ERROR,
            ("skipped: " if strays else "")
            + f"{len(outside)} of {len(kept)} features lie outside {whose} "
            f"({box.min_lon:.3f},{box.min_lat:.3f} – {box.max_lon:.3f},"
            f"{box.max_lat:.3f}); the file's extent once read as {report.source_crs} "
            f"is {bounds[0]:.3f},{bounds[1]:.3f} – {bounds[2]:.3f},{bounds[3]:.3f}: "
            "wrong CRS, or longitude and latitude swapped?",
            rows=[u.row for u, _ in outside],
            codes=[u.code for u, _ in outside],
            names=[u.name for u, _ in outside],
            **point_of(outside[0][1]),
        )
    )
    return {u.row for u, _ in outside}


def _check_duplicates(
    kept: list[tuple[SourceUnit, MultiPolygon]],
    report: ImportReport,
    on_duplicate: str,
) -> list[tuple[SourceUnit, MultiPolygon]]:
    """Rows sharing a code: the same geometry again is merged (a warning); different
    units are an error, or recoded with ``suffix``."""
    groups: dict[str, list[tuple[SourceUnit, MultiPolygon]]] = defaultdict(list)
    for unit, geometry in kept:
        groups[unit.code].append((unit, geometry))
    taken = set(groups)
    result: list[tuple[SourceUnit, MultiPolygon]] = []
    for code, group in groups.items():
        distinct: list[tuple[SourceUnit, MultiPolygon]] = []
        for unit, geometry in group:
            twin = next((d for d in distinct if d[1].equals(geometry)), None)
            if twin is None:
                distinct.append((unit, geometry))
                continue
            report.add(
                Finding(
                    "merged_duplicate",
                    WARNING,
                    f"row {unit.row} (code {code}) repeats row {twin[0].row} with "
                    "identical geometry: merged into it",
                    rows=[twin[0].row, unit.row],
                    codes=[code],
                    names=sorted({twin[0].name, unit.name} - {""}),
                    identical=True,
                    **point_of(geometry),
                )
            )
        if len(distinct) > 1:
            _different_units(code, len(group), distinct, report, on_duplicate, taken)
        result += distinct
    return result


def _different_units(
    code: str,
    count: int,
    distinct: list[tuple[SourceUnit, MultiPolygon]],
    report: ImportReport,
    on_duplicate: str,
    taken: set[str],
) -> None:
    rows = [u.row for u, _ in distinct]
    names = [u.name for u, _ in distinct]
    if on_duplicate != "suffix":
        report.add(
            Finding(
                "duplicate_code",
                ERROR,
                f"code {code} appears {count} times (rows "
                f"{', '.join(map(str, rows))}: {', '.join(names)}); the geometries "
                "differ: give --on-duplicate suffix to recode the later ones",
                rows=rows,
                codes=[code],
                names=names,
                identical=False,
                **point_of(distinct[0][1]),
            )
        )
        # Checked further under a provisional code (the import is refused anyway),
        # so that their overlaps are found in the same pass.
        for unit, _ in distinct[1:]:
            unit.code = f"{code}#row{unit.row}"
        return
    n = 1
    for unit, geometry in distinct[1:]:
        n += 1
        while f"{code}-{n}" in taken:
            n += 1
        new = f"{code}-{n}"
        taken.add(new)
        severity, note = WARNING, ""
        if len(new) > CODE_MAX_LENGTH:
            severity, note = ERROR, f" — longer than {CODE_MAX_LENGTH} characters"
        report.add(
            Finding(
                "recoded",
                severity,
                f"row {unit.row} ({unit.name}) shares code {code} with row "
                f"{distinct[0][0].row} but not its geometry: recoded {new}{note}",
                rows=[unit.row],
                codes=[code, new],
                names=[unit.name],
                identical=False,
                **point_of(geometry),
            )
        )
        unit.code = new


def check_parents(
    units: list[SourceUnit],
    geometries: dict[str, MultiPolygon],
    known_codes: set[str],
    report: ImportReport,
) -> None:
    """Every parent code must be a unit of the file, of the set, or the derived parent."""
    for unit in units:
        if unit.parent_code and unit.parent_code not in known_codes:
            report.add(
                Finding(
                    "unknown_parent",
                    ERROR,
                    f"row {unit.row} (code {unit.code}): parent {unit.parent_code} is "
                    "neither in the file nor in the set",
                    **where(unit, geometries.get(unit.code)),
                )
            )


def check_topology(
    units: list[SourceUnit],
    geometries: dict[str, MultiPolygon],
    report: ImportReport,
    allow_overlaps: bool = False,
) -> None:
    """Overlaps and gaps among siblings (same parent, same depth), in m² on the UTM
    zone of the siblings' centre. An overlap refuses the import unless allowed."""
    groups: dict[tuple[str, int], list[SourceUnit]] = defaultdict(list)
    for unit in units:
        if unit.code in geometries and unit.level is not None:
            groups[(unit.parent_code or "", level_depth(unit.level))].append(unit)
    for (parent, _depth), siblings in sorted(groups.items()):
        if len(siblings) < 2:
            continue
        by_code = {u.code: u for u in siblings}
        geoms = [geometries[u.code] for u in siblings]
        for o in topology.overlaps(list(by_code), geoms):
            a, b = by_code[o.code_a], by_code[o.code_b]
            report.overlaps.append(
                {"parent": parent, "code_a": o.code_a, "code_b": o.code_b}
                | {"area_m2": o.area_m2, "lon": o.lon, "lat": o.lat}
            )
            report.add(
                Finding(
                    "overlap",
                    WARNING if allow_overlaps else ERROR,
                    f"{a.name} ({o.code_a}, row {a.row}) and {b.name} ({o.code_b}, "
                    f"row {b.row}) overlap by {o.area_m2:,.0f} m²"
                    + (" (accepted)" if allow_overlaps else " (--allow-overlaps)"),
                    rows=[a.row, b.row],
                    codes=[o.code_a, o.code_b],
                    names=[a.name, b.name],
                    lon=o.lon,
                    lat=o.lat,
                    area_m2=o.area_m2,
                )
            )
        for g in topology.gaps(geoms):
            report.gaps.append(
                {"parent": parent, "area_m2": g.area_m2, "lon": g.lon, "lat": g.lat}
            )
            report.add(
                Finding(
                    "gap",
                    INFO,
                    f"a gap of {g.area_m2:,.0f} m² between the units under "
                    f"'{parent or 'the top'}'",
                    codes=[parent] if parent else [],
                    lon=g.lon,
                    lat=g.lat,
                    area_m2=g.area_m2,
                )
            )
