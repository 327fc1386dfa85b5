"""Reading a places file: GeoJSON or GeoPackage through GDAL (reprojected to
EPSG:4326), CSV with lon/lat columns; a file that cannot be read is a
``PlacesFileError``."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from boundaries.importing.sources import read_frame
from boundaries.places.report import Options
from geo.errors import GeoInputError
from geo.text import controls_strip, nfc

MAX_NAME = 300
CSV_SUFFIXES = {".csv", ".txt"}
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x")
LAT_COLUMNS = ("lat", "latitude", "y")
# GeoJSON top-level members read for the licence and the attribution (the shipped
# file carries both); a file larger than this is not read twice for them.
META_READ_MAX_BYTES = 50 * 1024 * 1024


class PlacesFileError(GeoInputError):
    """The file cannot be imported as a whole; nothing was written."""


def file_error(code: str, vi: str, en: str) -> PlacesFileError:
    return PlacesFileError(code, vi, en, "file")


def clean_value(value: Any) -> str:
    """A property as text: None, NaN and blanks are ""; control characters (NUL
    among them, which PostgreSQL cannot store) and bidi controls dropped, tab and
    newline kept as spaces; whitespace collapsed, NFC."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            value = int(value)
    return " ".join(controls_strip(nfc(str(value)), keep="\t\n\r").split())


def json_safe(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        text = clean_value(value)
        if text:
            out[str(key)] = text
    return out


def file_meta(path: Path) -> dict[str, str]:
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
        raise file_error(
            "unreadable",
            f"Không đọc được tệp CSV (cần UTF-8): {exc}",
            f"The CSV file cannot be read (UTF-8 is required): {exc}",
        ) from exc
    if not rows:
        raise file_error(
            "no_features", "Tệp không có dòng dữ liệu nào.", "The file has no rows."
        )
    columns = {str(c).strip().lower(): c for c in rows[0] if c is not None}
    lon_col = next((columns[c] for c in LON_COLUMNS if c in columns), None)
    lat_col = next((columns[c] for c in LAT_COLUMNS if c in columns), None)
    if lon_col is None or lat_col is None:
        raise file_error(
            "no_coordinates",
            "Tệp CSV cần hai cột kinh độ và vĩ độ (lon, lat; WGS84).",
            "The CSV file needs longitude and latitude columns (lon, lat; WGS 84).",
        )
    out: list[tuple[dict[str, Any], BaseGeometry | None]] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        raw_lon, raw_lat = clean_value(row.get(lon_col)), clean_value(row.get(lat_col))
        try:
            lon, lat = float(raw_lon), float(raw_lat)
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
        except ValueError:
            raise file_error(
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


def read_features(
    path: Path, options: Options
) -> tuple[list[tuple[dict[str, Any], BaseGeometry | None]], str]:
    if not path.is_file():
        raise file_error(
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
