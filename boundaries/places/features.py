"""One feature of a places file to one place: its name, kind (OpenStreetMap tags
included), key, repaired geometry and anchor; or the reason it is skipped."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from boundaries.places.reading import MAX_NAME, clean_value, json_safe
from boundaries.places.report import ImportReport, Options
from geo.coords import BBox
from geo.text import ascii_fold

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


@dataclass
class PlaceRow:
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


def _first(props: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = clean_value(props.get(key))
        if value:
            return value
    return ""


def _tags(props: dict[str, Any]) -> dict[str, str]:
    """The properties, plus the tags of GDAL's OSM ``other_tags`` column."""
    tags = {str(k): clean_value(v) for k, v in props.items()}
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


def feature_row(
    number: int,
    props: dict[str, Any],
    raw_geom: BaseGeometry | None,
    options: Options,
    default_source: str,
    extent: BBox,
    report: ImportReport,
) -> PlaceRow | None:
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
    if not extent.covers(anchor.x, anchor.y):
        report.skipped.append((label, "outside the jurisdiction's extent"))
        return None
    for repair in repairs:
        report.repaired.append((label, repair))
    kind, tag = _kind(tags, geom, options.kind_fields)
    source = options.source or _kind_source(tags.get("source", "")) or default_source
    return PlaceRow(
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
        properties=json_safe(props),
    )


def _kind_source(value: str) -> str:
    """A feature's ``source`` property as a source name ("osm"), when it is one word
    (OSM's own ``source`` tag is free text, e.g. "Bing; survey", and is not)."""
    return value if re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", value) else ""
