"""Map a source file's attribute columns to unit fields: code, names, level, parent."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from boundaries.levels import ALIASES, Level
from geo.text import ascii_fold, nfc


@dataclass(frozen=True)
class FieldMap:
    """Which column holds what; ``level``/``parent`` may instead be fixed for the file."""

    code: str = "code"
    name: str = "name"
    name_ascii: str = "name_ascii"
    level: str = "level"
    parent: str = "parent_code"
    fixed_level: str | None = None
    fixed_parent: str | None = None


@dataclass
class SourceUnit:
    row: int
    code: str
    name: str
    name_ascii: str
    level: str | None  # None when the source's level is not one we know
    raw_level: str
    parent_code: str | None
    geometry: BaseGeometry | None
    properties: dict[str, Any]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 18853.0 read from a Shapefile's numeric column
    return str(value).strip()


def normalise_level(raw: str) -> str | None:
    if raw in Level.values:
        return raw
    return ALIASES.get(ascii_fold(raw).lower())


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return str(value)


def source_units(frame: gpd.GeoDataFrame, fields: FieldMap) -> list[SourceUnit]:
    """One SourceUnit per feature, normalised (NFC names, ASCII names, known levels)."""
    columns = set(frame.columns)
    units = []
    for row, record in enumerate(frame.to_dict("records"), start=1):
        geometry = record.pop("geometry", None)

        def column(name: str, record: dict[str, Any] = record) -> str:
            return _text(record.get(name)) if name in columns else ""

        name = nfc(column(fields.name))
        raw_level = fields.fixed_level or column(fields.level)
        parent = fields.fixed_parent or column(fields.parent) or None
        units.append(
            SourceUnit(
                row=row,
                code=column(fields.code),
                name=name,
                name_ascii=column(fields.name_ascii) or ascii_fold(name),
                level=normalise_level(raw_level),
                raw_level=raw_level,
                parent_code=parent,
                geometry=geometry,
                properties={k: _jsonable(v) for k, v in record.items()},
            )
        )
    return units


def missing_columns(frame: gpd.GeoDataFrame, fields: FieldMap) -> list[str]:
    wanted = [fields.code, fields.name]
    if not fields.fixed_level:
        wanted.append(fields.level)
    return [c for c in wanted if c not in frame.columns]
