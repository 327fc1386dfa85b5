"""Export a selection of reports as CSV, GeoJSON or GeoPackage — never personal data.

The columns are an allow-list (``COLUMNS``): no reporter name, phone or e-mail, no
description (citizens write names and phone numbers into it), no idempotency key.
CSV and GeoJSON stream from a server-side cursor; the GeoPackage is written by
geopandas/pyogrio to a temporary file, which is unlinked as soon as it is open.
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
from django.db import connection

from analytics.grid import LOCAL
from analytics.selection import ReportFilter

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
    WHERE {where}
    ORDER BY r.id
"""


class TooManyRows(Exception):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count} reports selected; the limit is {limit}.")
        self.count = count
        self.limit = limit


def export_count(*, selection: ReportFilter) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM routing_report r WHERE {selection.raw_where()}",
            selection.params(),
        )
        return int(cursor.fetchone()[0])


def _local(value: dt.datetime | None) -> str | None:
    return value.astimezone(LOCAL).isoformat() if value else None


def export_rows(*, selection: ReportFilter) -> Iterator[dict[str, Any]]:
    """The selected reports as dicts of ``COLUMNS``, by id, from a server-side
    cursor (times as local ISO 8601 text)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(_ROWS.format(where=selection.raw_where()), selection.params())
        while rows := cursor.fetchmany(2000):
            for row in rows:
                record = dict(zip(COLUMNS, row, strict=True))
                for name in TIMES:
                    record[name] = _local(record[name])
                yield record


def export_csv(*, selection: ReportFilter) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in export_rows(selection=selection):
        writer.writerow(record[name] for name in COLUMNS)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_geojson(*, selection: ReportFilter) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for record in export_rows(selection=selection):
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
        list(export_rows(selection=selection)), columns=list(COLUMNS)
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
