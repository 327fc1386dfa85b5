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

import csv
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from django.db import transaction
from django.utils import timezone
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from boundaries.extent import jurisdiction_extent
from boundaries.geometry import to_geos
from boundaries.importing.sources import read_frame
from boundaries.models import Place
from geo.errors import GeoInputError
from geo.text import ascii_fold, nfc

MAX_NAME = 300
CSV_SUFFIXES = {".csv", ".txt"}
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x")
LAT_COLUMNS = ("lat", "latitude", "y")
# GeoJSON top-level members read for the licence and the attribution (the shipped
# file carries both); a file larger than this is not read twice for them.
META_READ_MAX_BYTES = 50 * 1024 * 1024

# OSM keys that say what a feature is, in the order they are consulted.
OSM_KIND_KEYS = (
    "highway",
    "amenity",
    "shop",
    "tourism",
    "man_made",
    "leisure",
    "office",
    "historic",
    "railway",
    "natural",
    "bridge",
    "place",
)
# OSM values grouped as the citizen would name them (as in fixtures/places/SOURCE.md).
OSM_KIND_VALUES = {
    "marketplace": "market",
    "townhall": "government",
    "courthouse": "government",
    "school": "school",
    "kindergarten": "school",
    "college": "school",
    "university": "school",
    "hospital": "hospital",
    "clinic": "clinic",
    "doctors": "clinic",
    "hotel": "hotel",
    "motel": "hotel",
    "hostel": "hotel",
    "guest_house": "hotel",
    "apartment": "hotel",
}
_OTHER_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
_KIND_CLEAN = re.compile(r"[^a-z0-9_]+")


class PlacesFileError(GeoInputError):
    """The file cannot be imported as a whole; nothing was written."""


def _file_error(code: str, vi: str, en: str) -> PlacesFileError:
    return PlacesFileError(code, vi, en, "file")


@dataclass
class ImportReport:
    """What an import did (or would do, on a dry run)."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (feature, reason)
    repaired: list[tuple[str, str]] = field(default_factory=list)
    source_crs: str = "EPSG:4326"

    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.skipped:
            counts[reason] = counts.get(reason, 0) + 1
        return counts

    def as_text(self, *, limit: int = 10) -> str:
        lines = [
            f"{self.read} features read ({self.source_crs}): {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped, {self.removed} removed"
        ]
        for reason, count in sorted(self.skipped_by_reason().items()):
            lines.append(f"  skipped {count}: {reason}")
        for label, reason in self.skipped[:limit]:
            lines.append(f"    - {label}: {reason}")
        if self.repaired:
            lines.append(f"  repaired {len(self.repaired)}:")
            for label, repair in self.repaired[:limit]:
                lines.append(f"    - {label}: {repair}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    source: str | None = None  # else each feature's "source", else the file's stem
    licence: str | None = None  # else the file's "license"/"licence" member
    attribution: str | None = None  # else the file's "attribution" member
    kind_fields: Sequence[str] = ()
    replace: bool = False
    layer: str | None = None
    source_crs: str | None = None


@dataclass
class _Row:
    source: str
    source_id: str
    name: str
    name_vi: str
    name_en: str
    kind: str
    tag: str
    addr_housenumber: str
    addr_street: str
    addr_city: str
    geom: BaseGeometry
    anchor: Point
    properties: dict[str, Any]


# Reading ----------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """A property as text: None, NaN and blanks are ""; whitespace collapsed, NFC."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            value = int(value)
    return " ".join(nfc(str(value)).split())


def _json_safe(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        text = _clean(value)
        if text:
            out[str(key)] = text
    return out


def _file_meta(path: Path) -> dict[str, str]:
    """A GeoJSON file's own licence and attribution members, when it has them."""
    if path.suffix.lower() not in {".geojson", ".json"}:
        return {}
    if path.stat().st_size > META_READ_MAX_BYTES:
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # read_frame says what is wrong with it
    if not isinstance(document, dict):
        return {}
    meta = {}
    for key in ("license", "licence"):
        if isinstance(document.get(key), str):
            meta["licence"] = document[key].strip()
    if isinstance(document.get("attribution"), str):
        meta["attribution"] = document["attribution"].strip()
    return meta


def _read_csv(path: Path) -> list[tuple[dict[str, Any], BaseGeometry | None]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _file_error(
            "unreadable",
            f"Không đọc được tệp CSV (cần UTF-8): {exc}",
            f"The CSV file cannot be read (UTF-8 is required): {exc}",
        ) from exc
    if not rows:
        raise _file_error(
            "no_features", "Tệp không có dòng dữ liệu nào.", "The file has no rows."
        )
    columns = {str(c).strip().lower(): c for c in rows[0] if c is not None}
    lon_col = next((columns[c] for c in LON_COLUMNS if c in columns), None)
    lat_col = next((columns[c] for c in LAT_COLUMNS if c in columns), None)
    if lon_col is None or lat_col is None:
        raise _file_error(
            "no_coordinates",
            "Tệp CSV cần hai cột kinh độ và vĩ độ (lon, lat; WGS84).",
            "The CSV file needs longitude and latitude columns (lon, lat; WGS 84).",
        )
    out: list[tuple[dict[str, Any], BaseGeometry | None]] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        raw_lon, raw_lat = _clean(row.get(lon_col)), _clean(row.get(lat_col))
        try:
            lon, lat = float(raw_lon), float(raw_lat)
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
        except ValueError:
            raise _file_error(
                "bad_coordinate",
                f"Dòng {number}: tọa độ ({raw_lon[:30]}, {raw_lat[:30]}) không phải "
                "số; không có gì được ghi.",
                f"Line {number}: the coordinates ({raw_lon[:30]}, {raw_lat[:30]}) are "
                "not numbers; nothing was written.",
            ) from None
        props = {
            k: v
            for k, v in row.items()
            if k is not None and k not in (lon_col, lat_col)
        }
        out.append((props, Point(lon, lat)))
    return out


def _read_features(
    path: Path, options: Options
) -> tuple[list[tuple[dict[str, Any], BaseGeometry | None]], str]:
    if not path.is_file():
        raise _file_error(
            "no_file", f"Không có tệp {path}.", f"There is no file {path}."
        )
    if path.suffix.lower() in CSV_SUFFIXES:
        return _read_csv(path), "EPSG:4326"
    try:
        frame, crs = read_frame(
            path, layer=options.layer, source_crs=options.source_crs
        )
    except PlacesFileError:
        raise
    except GeoInputError as error:
        raise PlacesFileError(error.code, error.vi, error.en, "file") from error
    columns = [c for c in frame.columns if c != frame.geometry.name]
    features = []
    for values, geometry in zip(
        frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True
    ):
        features.append((dict(zip(columns, values, strict=True)), geometry))
    return features, crs


# One feature ---------------------------------------------------------------------


def _first(props: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = _clean(props.get(key))
        if value:
            return value
    return ""


def _tags(props: dict[str, Any]) -> dict[str, str]:
    """The properties, plus the tags of GDAL's OSM ``other_tags`` column."""
    tags = {str(k): _clean(v) for k, v in props.items()}
    other = tags.pop("other_tags", "")
    for key, value in _OTHER_TAG.findall(other):
        tags.setdefault(key, value)
    return {k: v for k, v in tags.items() if v}


def _kind_word(value: str) -> str:
    return _KIND_CLEAN.sub("_", ascii_fold(value).lower()).strip("_")[:40]


def _kind(
    tags: dict[str, str], geom: BaseGeometry, kind_fields: Sequence[str]
) -> tuple[str, str]:
    """(kind, source tag): the file's own kind, else what the OSM tags say."""
    for name in kind_fields:
        value = tags.get(name, "")
        if value:
            if name in OSM_KIND_KEYS:
                return _osm_kind(name, value, geom), f"{name}={value}"
            return _kind_word(value) or "place", f"{name}={value}"
    if tags.get("kind"):
        return _kind_word(tags["kind"]) or "place", tags.get("osm_tag", "")
    for key in OSM_KIND_KEYS:
        value = tags.get(key, "")
        if value:
            return _osm_kind(key, value, geom), f"{key}={value}"
    return ("street" if _is_line(geom) else "place"), ""


def _osm_kind(key: str, value: str, geom: BaseGeometry) -> str:
    if key == "highway" and _is_line(geom):
        return "street"
    if key == "shop":
        return "supermarket" if value in ("supermarket", "convenience") else "shop"
    if key == "amenity" and value == "police":
        return "police"
    return OSM_KIND_VALUES.get(value, _kind_word(value) or "place")


def _is_line(geom: BaseGeometry) -> bool:
    return geom.geom_type in ("LineString", "MultiLineString")


def _source_id(tags: dict[str, str], name: str, anchor: Point) -> str:
    explicit = _first(tags, "source_id", "@id", "full_id")
    if explicit:
        return explicit[:120]
    osm_id = tags.get("osm_id", "")
    if osm_id:
        kind = tags.get("osm_type", "").rstrip("s") or "node"
        return f"{kind}/{osm_id}"[:120]
    if tags.get("id"):
        return tags["id"][:120]
    # No key at all: the name and the place, so that the same row re-imported is
    # the same place.
    digest = hashlib.sha1(
        f"{name}|{anchor.x:.6f}|{anchor.y:.6f}".encode(), usedforsecurity=False
    ).hexdigest()
    return f"h:{digest[:20]}"


def _lines(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [geom] if not geom.is_empty and geom.length > 0 else []
    return [g for part in getattr(geom, "geoms", []) for g in _lines(part)]


def _points(geom: BaseGeometry) -> list[Point]:
    if isinstance(geom, Point):
        return [geom] if not geom.is_empty else []
    return [g for part in getattr(geom, "geoms", []) for g in _points(part)]


def repair_place_geometry(geom: BaseGeometry | None) -> tuple[BaseGeometry, list[str]]:
    """A valid 2-D Point, LineString or MultiLineString for ``geom``, and the repairs
    made; ValueError (the reason) when none can be made."""
    if geom is None or geom.is_empty:
        raise ValueError("no geometry")
    repairs: list[str] = []
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
        repairs.append("dropped Z coordinates")
    if not geom.is_valid:
        repairs.append(f"made valid: {shapely.is_valid_reason(geom)}")
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        if geom.is_empty or geom.area == 0:
            raise ValueError("an area with no surface")
        repairs.append("an area: kept as its point on surface")
        return geom.point_on_surface(), repairs
    lines = _lines(geom)
    if lines:
        if geom.geom_type not in ("LineString", "MultiLineString"):
            repairs.append(f"kept the lines of a {geom.geom_type}")
        return (lines[0] if len(lines) == 1 else MultiLineString(lines)), repairs
    points = _points(geom)
    if len(points) == 1:
        if geom.geom_type != "Point":
            repairs.append(f"a {geom.geom_type} reduced to its one point")
        return points[0], repairs
    raise ValueError(f"a {geom.geom_type} that is neither one point nor lines")


def anchor_of(geom: BaseGeometry) -> Point:
    """Where a report "at" the place is pinned: the point, or the middle of the
    (longest) line, on the line itself."""
    if isinstance(geom, Point):
        return geom
    longest = max(_lines(geom), key=lambda line: line.length)
    return longest.interpolate(0.5, normalized=True)


def search_key(*names: str) -> str:
    """Every distinct name, folded to ASCII and lower case, " | " between them."""
    seen: list[str] = []
    for name in names:
        folded = " ".join(ascii_fold(name).lower().split())
        if folded and folded not in seen:
            seen.append(folded)
    return " | ".join(seen)[:1000]


def _label(tags: dict[str, str], number: int) -> str:
    name = tags.get("name", "")
    key = tags.get("source_id") or tags.get("@id") or tags.get("osm_id") or ""
    return (
        f"#{number}" + (f" {key}" if key else "") + (f" '{name[:60]}'" if name else "")
    )


def _row(
    number: int,
    props: dict[str, Any],
    raw_geom: BaseGeometry | None,
    options: Options,
    default_source: str,
    report: ImportReport,
) -> _Row | None:
    tags = _tags(props)
    label = _label(tags, number)
    name = _first(tags, "name", "name:vi", "name_vi", "name:en", "name_en")
    if not name:
        report.skipped.append((label, "no name"))
        return None
    if len(name) > MAX_NAME:
        report.skipped.append((label, f"name longer than {MAX_NAME} characters"))
        return None
    try:
        geom, repairs = repair_place_geometry(raw_geom)
    except ValueError as reason:
        report.skipped.append((label, str(reason)))
        return None
    anchor = anchor_of(geom)
    extent = jurisdiction_extent()
    if extent is None or not (
        extent.min_lon <= anchor.x <= extent.max_lon
        and extent.min_lat <= anchor.y <= extent.max_lat
    ):
        report.skipped.append((label, "outside the jurisdiction's extent"))
        return None
    for repair in repairs:
        report.repaired.append((label, repair))
    kind, tag = _kind(tags, geom, options.kind_fields)
    source = options.source or _kind_source(tags.get("source", "")) or default_source
    return _Row(
        source=source[:60],
        source_id=_source_id(tags, name, anchor),
        name=name,
        name_vi=_first(tags, "name:vi", "name_vi")[:MAX_NAME],
        name_en=_first(tags, "name:en", "name_en")[:MAX_NAME],
        kind=kind,
        tag=(tag or tags.get("osm_tag", ""))[:120],
        addr_housenumber=_first(tags, "addr:housenumber", "addr_housenumber")[:60],
        addr_street=_first(tags, "addr:street", "addr_street")[:200],
        addr_city=_first(tags, "addr:city", "addr_city")[:200],
        geom=geom,
        anchor=anchor,
        properties=_json_safe(props),
    )


def _kind_source(value: str) -> str:
    """A feature's ``source`` property as a source name ("osm"), when it is one word
    (OSM's own ``source`` tag is free text, e.g. "Bing; survey", and is not)."""
    return value if re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", value) else ""


# Writing -----------------------------------------------------------------------


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


def _apply(place: Place, row: _Row, licence: str, attribution: str) -> bool:
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
    features, crs = _read_features(path, options)
    meta = _file_meta(path)
    licence = (
        options.licence if options.licence is not None else meta.get("licence", "")
    )
    attribution = (
        options.attribution
        if options.attribution is not None
        else meta.get("attribution", "")
    )
    report = ImportReport(read=len(features), source_crs=crs)
    if jurisdiction_extent() is None:
        raise _file_error(
            "no_units",
            "Chưa có đơn vị hành chính nào: hãy nạp địa giới trước "
            "(boundaries_load_fixtures).",
            "No administrative units are loaded: load the boundaries first "
            "(boundaries_load_fixtures).",
        )
    rows: dict[tuple[str, str], _Row] = {}
    for number, (props, geom) in enumerate(features, start=1):
        row = _row(number, props, geom, options, path.stem, report)
        if row is None:
            continue
        key = (row.source, row.source_id)
        if key in rows:
            raise _file_error(
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
    rows: dict[tuple[str, str], _Row],
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
