"""Load and read the old → new unit crosswalk (Vietnam's reform of 1 July 2025)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from boundaries.models import AdminUnit, BoundarySet, UnitSuccession
from geo.errors import InvalidInput
from geo.text import nfc


@dataclass
class CrosswalkReport:
    rows: int = 0
    written: int = 0
    linked_old_units: int = 0
    errors: list[str] = field(default_factory=list)


class CrosswalkError(InvalidInput):
    """A crosswalk file that cannot be loaded as given."""


@transaction.atomic
def crosswalk_import(
    *, path: Path, from_set: BoundarySet, to_set: BoundarySet, source: str = ""
) -> CrosswalkReport:
    """Read a CSV with ``old_code, old_name, new_code`` columns into UnitSuccession rows.

    An old code listed against several new units was split; a new unit with a single
    predecessor of the same name is unchanged, of another name renamed; the rest are
    whole merges. Re-running replaces the rows between the two sets. Any unknown new
    code refuses the whole file.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    report = CrosswalkReport(rows=len(rows))
    missing = {"old_code", "old_name", "new_code"} - set(rows[0] if rows else {})
    if missing:
        raise CrosswalkError(
            "missing_columns",
            f"Tệp bảng chuyển đổi thiếu cột: {', '.join(sorted(missing))}.",
            f"The crosswalk file lacks columns: {', '.join(sorted(missing))}.",
        )
    new_units = _by_code_or_alias(AdminUnit.objects.in_set(to_set).without_geometry())
    old_units = {
        u.code: u for u in AdminUnit.objects.in_set(from_set).without_geometry()
    }
    unknown = sorted({r["new_code"] for r in rows} - set(new_units))
    if unknown:
        raise CrosswalkError(
            "unknown_codes",
            f"Mã đơn vị mới không có trong bộ '{to_set.slug}': {', '.join(unknown)}.",
            f"New unit codes not in set '{to_set.slug}': {', '.join(unknown)}.",
        )
    splits = Counter(r["old_code"] for r in rows)
    predecessors = Counter(r["new_code"] for r in rows)
    UnitSuccession.objects.filter(
        from_set=from_set, to_unit__boundary_set=to_set
    ).delete()
    successions = []
    for row in rows:
        old_name, new_unit = nfc(row["old_name"]), new_units[row["new_code"]]
        if splits[row["old_code"]] > 1:
            kind = UnitSuccession.Kind.SPLIT
        elif predecessors[row["new_code"]] == 1:
            same = old_name == new_unit.name
            kind = (
                UnitSuccession.Kind.UNCHANGED if same else UnitSuccession.Kind.RENAMED
            )
        else:
            kind = UnitSuccession.Kind.MERGED
        old_unit = old_units.get(row["old_code"])
        report.linked_old_units += old_unit is not None
        successions.append(
            UnitSuccession(
                from_set=from_set,
                from_code=row["old_code"],
                from_name=old_name,
                from_unit=old_unit,
                to_unit=new_unit,
                kind=kind,
                source=source,
            )
        )
    UnitSuccession.objects.bulk_create(successions)
    report.written = len(successions)
    return report


def _by_code_or_alias(units: QuerySet[AdminUnit]) -> dict[str, AdminUnit]:
    """Units by code, and also by the source's own id where the two differ.

    Sources disagree on a few codes (Xã Phong Nha is 19138 in Công văn 1027/CTK-CSCL
    and dvhcvn, 19165 in vietnam-provinces); the importer keeps the source's id in
    ``properties["source_id"]``, so a crosswalk written with either code resolves.
    """
    found: dict[str, AdminUnit] = {}
    for unit in units:
        alias = str(unit.properties.get("source_id") or "")
        if alias and alias != unit.code:
            found.setdefault(alias, unit)
    for unit in units:
        found[unit.code] = unit
    return found
