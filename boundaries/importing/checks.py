"""Checks before anything is written: codes, names, levels, geometry, sibling topology."""

from __future__ import annotations

from collections import Counter, defaultdict

from shapely.geometry import MultiPolygon

from boundaries.importing.fields import SourceUnit
from boundaries.importing.report import ImportReport
from boundaries.levels import DEPTH, Level
from geo import topology
from geo.errors import GeoInputError
from geo.repair import repair_polygonal


def check_units(
    units: list[SourceUnit], report: ImportReport
) -> dict[str, MultiPolygon]:
    """Record blocking errors and repairs in ``report``; return repaired geometry by code."""
    counts = Counter(u.code for u in units if u.code)
    for code, n in sorted(counts.items()):
        if n > 1:
            report.errors.append(f"code {code} appears {n} times")
    geometries: dict[str, MultiPolygon] = {}
    for unit in units:
        label = f"row {unit.row}" + (f" (code {unit.code})" if unit.code else "")
        if not unit.code:
            report.errors.append(f"{label}: missing code")
        if not unit.name:
            report.errors.append(f"{label}: missing name")
        if unit.level is None:
            report.errors.append(
                f"{label}: unknown level '{unit.raw_level}' "
                f"(expected one of {', '.join(Level.values)})"
            )
        try:
            repaired = repair_polygonal(unit.geometry, label)
        except GeoInputError as exc:
            report.errors.append(f"{label}: {exc.en}")
            continue
        if repaired.repairs:
            report.repairs[unit.code or label] = repaired.repairs
        if unit.code:
            geometries[unit.code] = repaired.geometry
    return geometries


def check_parents(
    units: list[SourceUnit], known_codes: set[str], report: ImportReport
) -> None:
    """Every parent code must be a unit of the file, of the set, or the derived parent."""
    for unit in units:
        if unit.parent_code and unit.parent_code not in known_codes:
            report.errors.append(
                f"row {unit.row} (code {unit.code}): parent {unit.parent_code} is neither "
                "in the file nor in the set"
            )


def check_topology(
    units: list[SourceUnit], geometries: dict[str, MultiPolygon], report: ImportReport
) -> None:
    """Overlaps and gaps among siblings (same parent, same depth), in m² on UTM 48N."""
    groups: dict[tuple[str, int], list[SourceUnit]] = defaultdict(list)
    for unit in units:
        if unit.code in geometries and unit.level is not None:
            groups[(unit.parent_code or "", DEPTH[Level(unit.level)])].append(unit)
    for (parent, _depth), siblings in sorted(groups.items()):
        if len(siblings) < 2:
            continue
        codes = [u.code for u in siblings]
        geoms = [geometries[c] for c in codes]
        for o in topology.overlaps(codes, geoms):
            report.overlaps.append(
                {
                    "parent": parent,
                    "code_a": o.code_a,
                    "code_b": o.code_b,
                    "area_m2": o.area_m2,
                    "lon": o.lon,
                    "lat": o.lat,
                }
            )
        for g in topology.gaps(geoms):
            report.gaps.append(
                {"parent": parent, "area_m2": g.area_m2, "lon": g.lon, "lat": g.lat}
            )
