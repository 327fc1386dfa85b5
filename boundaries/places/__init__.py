"""Import named streets and points of interest (``Place``) from a file.

GeoJSON, GeoPackage (any layer GDAL reads, in any CRS it declares: reprojected to
EPSG:4326 by ``boundaries.importing.sources.read_frame``) and CSV with lon/lat
columns (WGS 84). OpenStreetMap-derived files work as they come: ``name``,
``name:vi``, ``name:en``, ``addr:*``, ``highway=*`` (a street when it is a line),
``amenity``/``shop``/``tourism``/… for the kind, ``@id``/``osm_id``/``osm_type`` for
the key, and the ``other_tags`` column of GDAL's OSM driver.

Two kinds of trouble, told apart on purpose:

- a *bad file* (unreadable, no lon/lat columns, a coordinate that is not a number,
  the same key twice) is refused whole with a ``PlacesFileError``: nothing is written;
- a *feature that cannot be used* (no name, no geometry, outside the jurisdiction's
  extent, a geometry no repair makes a point or a line) is skipped, and the report
  says which and why. Invalid geometries are repaired (``make_valid``) and the repair
  is listed; an area (a school mapped as a polygon) becomes its point on surface.

Everything is written in one transaction, keyed by (``source``, ``source_id``): a
re-import updates the places it already holds, adds the new ones, and with
``replace`` deletes the places of the same source the file no longer has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from boundaries.extent import jurisdiction_extent
from boundaries.geometry import to_geos
from boundaries.models import Place
from boundaries.places.features import PlaceRow, feature_row, search_key
from boundaries.places.reading import (
    MAX_NAME,
    PlacesFileError,
    file_error,
    file_meta,
    read_features,
)
from boundaries.places.report import ImportReport, Options
from geo.text import ascii_fold

__all__ = [
    "ImportReport",
    "Options",
    "PlacesFileError",
    "places_import",
    "search_key",
]

_COMPARED = (
    "name",
    "name_vi",
    "name_en",
    "kind",
    "tag",
    "addr_housenumber",
    "addr_street",
    "addr_city",
    "licence",
    "attribution",
    "properties",
)


def _apply(place: Place, row: PlaceRow, licence: str, attribution: str) -> bool:
    """Copy ``row`` onto ``place``; True when anything changed."""
    values: dict[str, Any] = {
        "name": row.name,
        "name_vi": row.name_vi,
        "name_en": row.name_en,
        "kind": row.kind,
        "tag": row.tag,
        "addr_housenumber": row.addr_housenumber,
        "addr_street": row.addr_street,
        "addr_city": row.addr_city,
        "licence": licence[:200],
        "attribution": attribution[:300],
        "properties": row.properties,
    }
    geom = to_geos(row.geom)
    changed = place.pk is None or any(
        getattr(place, k) != v for k, v in values.items() if k in _COMPARED
    )
    changed = changed or place.geom is None or not place.geom.equals_exact(geom, 1e-9)
    for key, value in values.items():
        setattr(place, key, value)
    place.name_ascii = ascii_fold(row.name)[:MAX_NAME]
    place.search_ascii = search_key(row.name, row.name_vi, row.name_en)
    place.geom = geom
    place.anchor = to_geos(row.anchor)  # type: ignore[assignment]  # a Point
    if changed:
        place.updated_at = timezone.now()
    return changed


_FIELDS = [
    "name",
    "name_ascii",
    "name_vi",
    "name_en",
    "search_ascii",
    "kind",
    "tag",
    "addr_housenumber",
    "addr_street",
    "addr_city",
    "licence",
    "attribution",
    "geom",
    "anchor",
    "properties",
    "updated_at",
]


def places_import(
    path: Path, options: Options | None = None, *, commit: bool = True
) -> ImportReport:
    """Import ``path`` (see the module's docstring); with ``commit=False`` nothing is
    kept (a dry run: the report says what would happen)."""
    options = options or Options()
    features, crs = read_features(path, options)
    meta = file_meta(path)
    licence = (
        options.licence if options.licence is not None else meta.get("licence", "")
    )
    attribution = (
        options.attribution
        if options.attribution is not None
        else meta.get("attribution", "")
    )
    report = ImportReport(read=len(features), source_crs=crs)
    extent = jurisdiction_extent()
    if extent is None:
        raise file_error(
            "no_units",
            "Chưa có đơn vị hành chính nào: hãy nạp địa giới trước "
            "(boundaries_load_fixtures).",
            "No administrative units are loaded: load the boundaries first "
            "(boundaries_load_fixtures).",
        )
    rows: dict[tuple[str, str], PlaceRow] = {}
    for number, (props, geom) in enumerate(features, start=1):
        row = feature_row(number, props, geom, options, path.stem, extent, report)
        if row is None:
            continue
        key = (row.source, row.source_id)
        if key in rows:
            raise file_error(
                "duplicate_key",
                f"Đối tượng #{number}: khóa {row.source}/{row.source_id} xuất hiện hai "
                "lần trong tệp; không có gì được ghi.",
                f"Feature #{number}: the key {row.source}/{row.source_id} appears "
                "twice in the file; nothing was written.",
            )
        rows[key] = row
    with transaction.atomic():
        _write(rows, options, licence, attribution, report)
        if not commit:
            transaction.set_rollback(True)
    return report


def _write(
    rows: dict[tuple[str, str], PlaceRow],
    options: Options,
    licence: str,
    attribution: str,
    report: ImportReport,
) -> None:
    sources = sorted({source for source, _ in rows} | _named(options.source))
    existing = {
        (p.source, p.source_id): p
        for p in Place.objects.filter(source__in=sources).select_for_update()
    }
    added: list[Place] = []
    changed: list[Place] = []
    for key, row in rows.items():
        place = existing.get(key) or Place(source=row.source, source_id=row.source_id)
        is_new = place.pk is None
        if _apply(place, row, licence, attribution):
            (added if is_new else changed).append(place)
        else:
            report.unchanged += 1
    Place.objects.bulk_create(added, batch_size=1000)
    Place.objects.bulk_update(changed, _FIELDS, batch_size=1000)
    report.added, report.updated = len(added), len(changed)
    if options.replace:
        gone = [p.pk for key, p in existing.items() if key not in rows]
        report.removed = Place.objects.filter(pk__in=gone).delete()[0]


def _named(source: str | None) -> set[str]:
    return {source} if source else set()
