"""What an import expects of its jurisdiction, and what it teaches it.

Before the checks: which jurisdiction the set belongs to (the set's, or the new
set's ``jurisdiction_code``), the box its files should lie in, and the level labels
it accepts (its own, and a new ``--level`` label, which the dry run announces).
After a committed import: an unregistered code becomes a Vietnamese jurisdiction
(only GSO codes were used before jurisdictions were records), a new label is added
to its labels, and a jurisdiction with no expected extent takes its first set's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib.gis.geos import Polygon
from django.db import connection

from boundaries.importing.checks import Options
from boundaries.importing.report import WARNING, Finding, ImportReport
from boundaries.jurisdictions import (
    VIETNAM,
    VIETNAM_LEVELS,
    VIETNAM_TZ,
    Jurisdiction,
    jurisdiction_get,
)
from boundaries.levels import Level
from boundaries.models import BoundarySet


@dataclass(frozen=True)
class Expectation:
    code: str
    jurisdiction: Jurisdiction | None
    options: Options
    new_label: str | None  # a --level label the jurisdiction does not have yet


def expectation(
    *,
    slug: str,
    new_set_code: str,
    fixed_level: str | None,
    options: Options,
    report: ImportReport,
) -> Expectation:
    """The jurisdiction of set ``slug`` (or of the new set) and what it expects;
    warnings for an unregistered code and a new level label go to ``report``."""
    code = (
        BoundarySet.objects.filter(slug=slug)
        .values_list("jurisdiction_code", flat=True)
        .first()
    ) or new_set_code
    found = jurisdiction_get(code) if code else None
    report.jurisdiction = str(found) if found else code
    labels = set(found.level_labels if found else VIETNAM_LEVELS)
    expected = found.expected_bbox() if found else None
    if found is None and code:
        report.add(
            Finding(
                "unregistered_jurisdiction",
                WARNING,
                f"jurisdiction {code} is not registered: it is taken as Vietnamese "
                "(Vietnam's box, Vietnam's levels) and registered so on commit; "
                "create it first with manage.py jurisdiction_create for another "
                "country",
            )
        )
        expected = Jurisdiction(code=code, country=VIETNAM).expected_bbox()
    new_label = None
    if fixed_level and fixed_level not in labels and fixed_level not in Level.values:
        new_label = fixed_level
        report.add(
            Finding(
                "new_level",
                WARNING,
                f"level '{fixed_level}' is new to jurisdiction {code}: it is added "
                "to its level labels on commit",
            )
        )
    own = frozenset(labels | ({new_label} if new_label else set()))
    return Expectation(
        code=code,
        jurisdiction=found,
        options=dataclasses.replace(options, own_levels=own, expected=expected),
        new_label=new_label,
    )


def teach(expect: Expectation, boundary_set: BoundarySet, report: ImportReport) -> None:
    """After a committed import: register the code, add the new label, and take the
    first set's extent when the jurisdiction expects none (inside the transaction)."""
    found = expect.jurisdiction or jurisdiction_get(boundary_set.jurisdiction_code)
    if found is None:
        found = Jurisdiction.objects.create(
            code=boundary_set.jurisdiction_code,
            name=f"Mã {boundary_set.jurisdiction_code}",
            country=VIETNAM,
            time_zone=VIETNAM_TZ,
            level_labels=list(VIETNAM_LEVELS),
        )
    changed = []
    if expect.new_label and expect.new_label not in found.level_labels:
        found.level_labels = [*found.level_labels, expect.new_label]
        changed.append("level_labels")
    if found.extent is None and found.country != VIETNAM:
        found.extent = _set_extent(boundary_set)
        changed.append("extent")
        report.add(
            Finding(
                "extent_set",
                WARNING,
                f"jurisdiction {found.code} had no expected extent: it is now its "
                f"first set's, {found.extent.extent}",
            )
        )
    if changed:
        found.save(update_fields=changed)


def _set_extent(boundary_set: BoundarySet) -> Polygon:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT "
            "ST_Extent(geom) AS b FROM boundaries_adminunit WHERE boundary_set_id = %s) s",
            [boundary_set.pk],
        )
        box = cursor.fetchone()
    min_x, min_y, max_x, max_y = (float(v) for v in box)
    return Polygon.from_bbox((min_x, min_y, max_x, max_y))
