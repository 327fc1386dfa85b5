"""Write an import into a boundary set in one transaction (rolled back on a dry run)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from shapely.geometry import MultiPolygon
from tqdm import tqdm

from boundaries.geometry import to_geos_multipolygon, to_shapely
from boundaries.importing import checks
from boundaries.importing.checks import Options
from boundaries.importing.expect import Expectation, expectation, teach
from boundaries.importing.fields import (
    FieldMap,
    SourceUnit,
    missing_columns,
    source_units,
)
from boundaries.importing.report import ImportReport
from boundaries.importing.sources import read_frame, sha256_of
from boundaries.layers import ADMINISTRATIVE, validate_layer
from boundaries.levels import level_depth
from boundaries.models import AdminUnit, BoundaryImport, BoundarySet
from boundaries.services import unit_parts_rebuild
from geo.errors import GeoInputError, InvalidInput
from geo.text import ascii_fold
from geo.topology import area_m2

# A set's priority is a small integer (the column's range, and more than enough).
PRIORITY_LIMIT = 32_767
# Share of an active set's units that an import may delete or re-shape without
# ``allow_mass_change``: a wrong file should not silently replace a live set.
MASS_CHANGE_SHARE = 0.5


class ImportRefused(InvalidInput):
    """The import was refused; ``report`` says why. Nothing was written."""

    def __init__(self, report: ImportReport, vi: str, en: str) -> None:
        super().__init__("import_refused", vi, en, "file")
        self.report = report


@dataclass(frozen=True)
class SetSpec:
    """The set to import into: created as a draft when no set has this slug."""

    slug: str
    name: str = ""
    jurisdiction_code: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""
    licence: str = ""
    layer: str | None = None  # of a new set: administrative when not given
    priority: int = 0


@dataclass(frozen=True)
class ParentSpec:
    """A parent unit built as the union of the file's top-level units (e.g. a province
    made of its districts), when no source has its own outline."""

    code: str
    name: str
    level: str


def import_boundaries(
    *,
    path: Path,
    target: SetSpec,
    fields: FieldMap | None = None,
    commit: bool = False,
    allow_mass_change: bool = False,
    derive_parent: ParentSpec | None = None,
    source_crs: str | None = None,
    layer: str | None = None,
    user: Any = None,
    progress: bool | None = None,
    source_name: str | None = None,
    options: Options | None = None,
) -> ImportReport:
    """Import the units in ``path`` into the set ``target.slug``.

    Validates and repairs each geometry, checks codes, names, levels, the
    jurisdiction's extent, duplicates and parents, measures overlaps and gaps
    between siblings — every problem in one pass, as findings of the report — then
    creates, updates and deletes units (only at the levels the file holds) and
    rebuilds their lookup pieces, all in one transaction. ``options`` are the ways
    forward past some problems (``checks.Options``). With ``commit=False`` the
    transaction is rolled back and the report says what would have happened. Raises
    :class:`ImportRefused` (nothing written) on blocking errors, with every finding
    in its report, and GeoInputError on an unreadable file.
    """
    fields = fields or FieldMap()
    report, expect, checked = _source_read(
        path,
        fields=fields,
        target=target,
        commit=commit,
        layer=layer,
        source_crs=source_crs,
        source_name=source_name,
        options=options or Options(),
    )
    with transaction.atomic():
        boundary_set = _target_set(target, report)
        existing = {
            u.code: u for u in AdminUnit.objects.filter(boundary_set=boundary_set)
        }
        _set_check(
            boundary_set,
            checked.units,
            checked.geometries,
            existing,
            report,
            derive_parent=derive_parent,
            allow_mass_change=allow_mass_change,
            allow_overlaps=expect.options.allow_overlaps,
        )
        assert boundary_set is not None  # _set_check refused the import otherwise
        _write_all(
            boundary_set, checked, existing, report, derive_parent, bool(progress)
        )
        if commit:
            teach(expect, boundary_set, report)
            BoundaryImport.objects.create(
                boundary_set=boundary_set,
                source_name=report.source,
                sha256=report.sha256,
                created_by=user if getattr(user, "pk", None) else None,
                report=report.as_dict(),
            )
        else:
            transaction.set_rollback(True)
    return report


def _write_all(
    boundary_set: BoundarySet,
    checked: checks.Checked,
    existing: dict[str, AdminUnit],
    report: ImportReport,
    derive_parent: ParentSpec | None,
    progress: bool,
) -> None:
    """Create, update and delete the units, then rebuild the set's lookup pieces."""
    units, geometries = checked.units, checked.geometries
    touched: list[int] = []
    if derive_parent:
        touched += _write_derived_parent(
            boundary_set, derive_parent, units, geometries, existing, report
        )
    ordered = sorted(units, key=_depth)
    for unit in tqdm(
        ordered, desc=f"{report.source}", unit="unit", disable=not progress
    ):
        touched += _write_unit(
            boundary_set, unit, geometries[unit.code], existing, report
        )
    _delete_units(report, existing)
    if touched or report.deleted:
        # Pieces of a parent depend on its children (added, moved or deleted):
        # rebuild the whole set, one statement, rather than chase every parent.
        unit_parts_rebuild(boundary_set=boundary_set)


def _source_read(
    path: Path,
    *,
    fields: FieldMap,
    target: SetSpec,
    commit: bool,
    layer: str | None,
    source_crs: str | None,
    source_name: str | None,
    options: Options,
) -> tuple[ImportReport, Expectation, checks.Checked]:
    """The file's units, checked against what their jurisdiction expects, with the
    report begun; the errors are raised after the checks against the set."""
    if options.on_duplicate not in checks.ON_DUPLICATE:
        raise InvalidInput(
            "bad_on_duplicate",
            f"on_duplicate phải là {' hoặc '.join(checks.ON_DUPLICATE)}.",
            f"on_duplicate must be {' or '.join(checks.ON_DUPLICATE)}.",
            "on_duplicate",
        )
    # Read first: a missing or unreadable file is a GeoInputError, not an OSError.
    frame, crs_name = read_frame(path, layer=layer, source_crs=source_crs)
    report = ImportReport(
        source=source_name or path.name,
        sha256=sha256_of(path),
        boundary_set=target.slug,
        commit=commit,
        source_crs=crs_name,
    )
    report.features = len(frame)
    absent = missing_columns(frame, fields)
    if absent:
        raise GeoInputError(
            "missing_columns",
            f"Tệp thiếu cột: {', '.join(absent)}. Các cột có: {', '.join(map(str, frame.columns))}.",
            f"Missing columns: {', '.join(absent)}. The file has: "
            f"{', '.join(map(str, frame.columns))}.",
            "file",
        )
    expect = expectation(
        slug=target.slug,
        new_set_code=target.jurisdiction_code,
        fixed_level=fields.fixed_level,
        options=options,
        report=report,
    )
    units = source_units(frame, fields)
    return report, expect, checks.check_file(units, report, expect.options)


def _set_check(
    boundary_set: BoundarySet | None,
    units: list[SourceUnit],
    geometries: dict[str, MultiPolygon],
    existing: dict[str, AdminUnit],
    report: ImportReport,
    *,
    derive_parent: ParentSpec | None,
    allow_mass_change: bool,
    allow_overlaps: bool,
) -> None:
    """The checks against the set: parents, topology, and how much of an active
    set the import would delete or re-shape (``report.deleted`` is filled). Refuses
    the import with every finding so far, the file's and these."""
    known = set(existing) | {u.code for u in units}
    if derive_parent:
        known.add(derive_parent.code)
    checks.check_parents(units, geometries, known, report)
    checks.check_topology(units, geometries, report, allow_overlaps)
    if report.errors or boundary_set is None:
        raise _refused(report)

    levels = {u.level for u in units}
    in_scope = {c: u for c, u in existing.items() if u.level in levels}
    file_codes = {u.code for u in units}
    report.deleted = sorted(set(in_scope) - file_codes)
    reshaped = [
        u.code
        for u in units
        if u.code in in_scope and not _same_shape(in_scope[u.code], geometries[u.code])
    ]
    _guard_mass_change(boundary_set, in_scope, report, reshaped, allow_mass_change)


# Errors named in the refusal's message; the report lists them all.
REFUSAL_ERRORS_NAMED = 5


def _refused(report: ImportReport) -> ImportRefused:
    n = len(report.errors)
    named = "; ".join(report.errors[:REFUSAL_ERRORS_NAMED])
    more = f"; … (+{n - REFUSAL_ERRORS_NAMED})" if n > REFUSAL_ERRORS_NAMED else ""
    return ImportRefused(
        report,
        f"Nhập dữ liệu bị từ chối ({n} lỗi); không có gì được ghi: {named}{more}",
        f"Import refused ({n} errors); nothing was written: {named}{more}",
    )


def _target_set(target: SetSpec, report: ImportReport) -> BoundarySet | None:
    """The set (locked), or a new draft; None with an error when it cannot be made."""
    boundary_set = (
        BoundarySet.objects.select_for_update().filter(slug=target.slug).first()
    )
    if boundary_set is not None:
        if target.layer is not None and target.layer != boundary_set.layer:
            report.error(
                "layer_mismatch",
                f"set '{target.slug}' belongs to layer '{boundary_set.layer}', "
                f"not '{target.layer}'",
            )
            return None
        return boundary_set
    layer = target.layer or ADMINISTRATIVE
    try:
        validate_layer(layer)
    except ValidationError as exc:
        report.error("bad_layer", " ".join(exc.messages))
        return None
    if not -PRIORITY_LIMIT <= target.priority <= PRIORITY_LIMIT:
        report.error(
            "bad_priority",
            f"priority {target.priority} is outside -{PRIORITY_LIMIT}..{PRIORITY_LIMIT}",
        )
        return None
    if not (target.name and target.jurisdiction_code and target.valid_from):
        report.error(
            "no_set",
            f"no set '{target.slug}' yet: give its name, jurisdiction code and valid_from",
        )
        return None
    return BoundarySet.objects.create(
        slug=target.slug,
        name=target.name,
        jurisdiction_code=target.jurisdiction_code,
        layer=layer,
        priority=target.priority,
        valid_from=target.valid_from,
        valid_to=target.valid_to,
        source=target.source,
        licence=target.licence,
    )


def _depth(unit: SourceUnit) -> int:
    # check_file has refused any unit whose level is unknown.
    assert unit.level is not None
    return level_depth(unit.level)


def _same_shape(unit: AdminUnit, geometry: MultiPolygon) -> bool:
    return shapely.equals_exact(to_shapely(unit.geom), geometry, tolerance=1e-9)


def _guard_mass_change(
    boundary_set: BoundarySet,
    in_scope: dict[str, AdminUnit],
    report: ImportReport,
    reshaped: list[str],
    allow: bool,
) -> None:
    if boundary_set.status != BoundarySet.Status.ACTIVE or not in_scope or allow:
        return
    changed = len(report.deleted) + len(reshaped)
    if changed / len(in_scope) > MASS_CHANGE_SHARE:
        report.error(
            "mass_change",
            f"this would delete {len(report.deleted)} and re-shape {len(reshaped)} of the "
            f"{len(in_scope)} units of active set '{boundary_set.slug}'; pass "
            "allow_mass_change (--allow-mass-change) if that is intended",
        )
        raise _refused(report)


def _write_derived_parent(
    boundary_set: BoundarySet,
    spec: ParentSpec,
    units: list[SourceUnit],
    geometries: dict[str, MultiPolygon],
    existing: dict[str, AdminUnit],
    report: ImportReport,
) -> list[int]:
    children = [geometries[u.code] for u in units if u.parent_code == spec.code]
    union = shapely.union_all(children)
    parts = [union] if union.geom_type == "Polygon" else list(union.geoms)
    geometry = MultiPolygon([p for p in parts if p.geom_type == "Polygon"])
    source = SourceUnit(
        row=0,
        code=spec.code,
        name=spec.name,
        name_ascii=ascii_fold(spec.name),
        level=spec.level,
        raw_level=spec.level,
        parent_code=None,
        geometry=geometry,
        properties={"derived": f"union of {len(children)} units of {report.source}"},
    )
    return _write_unit(boundary_set, source, geometry, existing, report)


def _write_unit(
    boundary_set: BoundarySet,
    unit: SourceUnit,
    geometry: MultiPolygon,
    existing: dict[str, AdminUnit],
    report: ImportReport,
) -> list[int]:
    """Create or update one unit; returns its id when its geometry was written."""
    parent = existing.get(unit.parent_code) if unit.parent_code else None
    values = {
        "name": unit.name,
        "name_ascii": unit.name_ascii,
        "level": unit.level,
        "parent": parent,
        "properties": unit.properties,
    }
    current = existing.get(unit.code)
    if current is None:
        current = AdminUnit.objects.create(
            boundary_set=boundary_set,
            code=unit.code,
            geom=to_geos_multipolygon(geometry),
            area_m2=round(area_m2(geometry), 1),
            **values,
        )
        existing[unit.code] = current
        report.created.append(unit.code)
        return [current.pk]
    reshaped = not _same_shape(current, geometry)
    changed = reshaped or any(
        getattr(current, key) != value for key, value in values.items()
    )
    if not changed:
        report.unchanged.append(unit.code)
        return []
    relevel = current.level != unit.level  # the pieces carry the depth
    for key, value in values.items():
        setattr(current, key, value)
    if reshaped:
        current.geom = to_geos_multipolygon(geometry)
        current.area_m2 = round(area_m2(geometry), 1)
    current.save()
    report.updated.append(unit.code)
    return [current.pk] if reshaped or relevel else []


def _delete_units(report: ImportReport, existing: dict[str, AdminUnit]) -> None:
    # Deepest first, so that no unit is deleted while a child still points at it.
    for code in sorted(report.deleted, key=lambda c: -level_depth(existing[c].level)):
        try:
            existing.pop(code).delete()
        except ProtectedError as exc:
            # Units the file does not replace (children at other levels) or
            # reports still point at it: refuse rather than fail half-way.
            held_by = sorted(str(o) for o in exc.protected_objects)
            report.error(
                "unit_referred",
                f"unit {code} cannot be deleted: {len(held_by)} rows still point at "
                f"it ({', '.join(held_by[:5])})",
            )
            raise _refused(report) from exc
