"""Export a selection of reports as CSV, GeoJSON or GeoPackage — never personal data.

The columns are an allow-list (``COLUMNS``): no reporter name, phone or e-mail, no
description (citizens write names and phone numbers into it), no idempotency key.
CSV and GeoJSON stream in pages of ``PAGE`` reports taken by id (keyset paging:
each page one short query, so no cursor or transaction stays open while a slow
client downloads, which pgbouncer's transaction mode and a replica's recovery both
need); the GeoPackage is written by geopandas/pyogrio to a temporary file, which is
unlinked as soon as it is open. Exports may lag the primary (``routing.reads``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.db import connections

from analytics.grid import LOCAL
from analytics.selection import ReportFilter
from routing.reads import lag_ok_connection, lag_ok_db

COLUMNS = (
    "id",
    "tracking_code",
    "category",
    "status",
    "channel",
    "urgent",
    "reported_at",
    "due_at",
    "resolved_at",
    "closed_at",
    "rating",
    "unit_code",
    "unit_name",
    "department",
    "jurisdiction_code",
    "lon",
    "lat",
)
TIMES = {"reported_at", "due_at", "resolved_at", "closed_at"}
EXPORT_MAX_ROWS = 1_000_000


def export_max_rows() -> int:
    """How many reports one export may hold (``ANALYTICS_EXPORT_MAX_ROWS``): the
    API refuses more, the planners' page says so before asking."""
    return getattr(settings, "ANALYTICS_EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)


_ROWS = """
    SELECT r.id, r.tracking_code, c.code, r.status, r.channel, r.urgent,
           r.reported_at, r.due_at, r.resolved_at, r.closed_at, r.rating,
           u.code, u.name, d.code, r.jurisdiction_code,
           ST_X(r.location), ST_Y(r.location)
    FROM routing_report r
    JOIN routing_category c ON c.id = r.category_id
    JOIN boundaries_adminunit u ON u.id = r.unit_id
    JOIN routing_department d ON d.id = r.department_id
    WHERE {where} AND r.id > %(after_id)s
    ORDER BY r.id
    LIMIT %(page)s
"""
PAGE = 2000


class TooManyRows(Exception):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count} reports selected; the limit is {limit}.")
        self.count = count
        self.limit = limit


def export_count(*, selection: ReportFilter) -> int:
    with lag_ok_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM routing_report r WHERE {selection.raw_where()}",
            selection.params(),
        )
        return int(cursor.fetchone()[0])


def _local(value: dt.datetime | None) -> str | None:
    return value.astimezone(LOCAL).isoformat() if value else None


def export_rows(*, selection: ReportFilter, using: str) -> Iterator[dict[str, Any]]:
    """The selected reports as dicts of ``COLUMNS``, by id, page after page from
    database ``using`` (times as local ISO 8601 text). The alias is an argument so
    that a streamed response reads where its request chose, after the request's
    middleware has returned."""
    after_id = 0
    while True:
        with connections[using].cursor() as cursor:
            cursor.execute(
                _ROWS.format(where=selection.raw_where()),
                {**selection.params(), "after_id": after_id, "page": PAGE},
            )
            rows = cursor.fetchall()
        for row in rows:
            record = dict(zip(COLUMNS, row, strict=True))
            for name in TIMES:
                record[name] = _local(record[name])
            yield record
        if len(rows) < PAGE:
            return
        after_id = rows[-1][0]


def export_csv(*, selection: ReportFilter) -> Iterator[str]:
    return _csv(export_rows(selection=selection, using=lag_ok_db()))


def _csv(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(record[name] for name in COLUMNS)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_geojson(*, selection: ReportFilter) -> Iterator[str]:
    return _geojson(export_rows(selection=selection, using=lag_ok_db()))


def _geojson(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for record in records:
        lon, lat = record.pop("lon"), record.pop("lat")
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": record,
        }
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def export_gpkg(*, selection: ReportFilter) -> IO[bytes]:
    """The selection written to a GeoPackage (layer ``reports``, EPSG:4326); an open
    file whose name is already unlinked, so it vanishes when closed."""
    import geopandas
    import pandas

    frame = pandas.DataFrame.from_records(
        list(export_rows(selection=selection, using=lag_ok_db())),
        columns=list(COLUMNS),
    )
    for name in TIMES:
        # GeoPackage stores times as ISO 8601 in UTC ("…Z"); readers convert.
        frame[name] = pandas.to_datetime(frame[name], utc=True)
    geometry = geopandas.points_from_xy(frame.pop("lon"), frame.pop("lat"), crs=4326)
    layer = geopandas.GeoDataFrame(frame, geometry=geometry)
    folder = tempfile.mkdtemp(prefix="export-")
    path = os.path.join(folder, "reports.gpkg")
    try:
        layer.to_file(path, layer="reports", driver="GPKG", engine="pyogrio")
        handle = open(path, "rb")  # noqa: SIM115 (returned open, closed by the response)
    finally:
        for leftover in os.listdir(folder):
            os.unlink(os.path.join(folder, leftover))
        os.rmdir(folder)
    return handle
