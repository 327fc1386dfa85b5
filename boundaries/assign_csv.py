"""Assign the points of a user's CSV file to units: ``manage.py points_assign``.

A province's GIS officer has a file of points (a survey, an address register, a year
of another system's reports) and wants each row's unit. The file goes in as it is
(``boundaries.csvfile`` reads it); what comes out is the same file, row for row and
column for column, with ``unit_code``, ``unit_name`` and ``ambiguous`` added (empty
where no unit covers the point). Rows whose coordinates cannot be used stay in the
output without a unit and are counted, so a few bad rows never cost the rest.

The work is :func:`boundaries.bulk.points_assign`, set-based in PostGIS with its
fixed plan, so a million rows take seconds, not the hours of a lookup per row.
Memory stays constant whatever the file's size: it is read once to stream the points
into a TEMP table (``COPY``, id = the row's number), and once more beside the units
read back in row order from a server-side cursor, to write the output.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import connection, transaction
from tqdm import tqdm

from boundaries.bulk import points_assign, valid_set_ids
from boundaries.csvfile import (
    CsvFormat,
    check_paths,
    coordinate,
    data_rows,
    read_format,
    replacing,
)
from boundaries.layers import ADMINISTRATIVE
from boundaries.scope import scope_check
from geo.errors import InvalidInput, NotFound

ADDED = ("unit_code", "unit_name", "ambiguous")
SHOWN = 10  # bad rows named in the summary
_BATCH = 5_000  # rows per COPY write
_FETCH = 10_000  # rows per fetch of the units
_POINTS = "points_assign_input"
_UNITS = "points_assign_units"

# Each assigned point's unit, in row order.
_UNITS_BY_ROW = f"""
    SELECT r.point_id, u.code, u.name, r.ambiguous FROM {_UNITS} r
    JOIN boundaries_adminunit u ON u.id = r.unit_id ORDER BY r.point_id
"""


@dataclass
class Summary:
    """What happened to the rows (``points`` = assigned + outside + bad), and the
    seconds each step took."""

    points: int = 0
    assigned: int = 0
    ambiguous: int = 0
    bad: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def outside(self) -> int:
        return self.points - self.assigned - self.bad

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    @property
    def per_second(self) -> float:
        return self.points / self.seconds if self.seconds > 0 else 0.0

    def note_bad(self, line: int, why: str) -> None:
        self.bad += 1
        if len(self.bad_rows) < SHOWN:
            self.bad_rows.append((line, why))

    def bad_text(self) -> str:
        """'line 4: lat not a number; line 9: lon missing; …' (the first few)."""
        shown = "; ".join(f"line {line}: {why}" for line, why in self.bad_rows)
        return shown + ("; …" if self.bad > len(self.bad_rows) else "")


class _Steps:
    """Times the steps of one run into ``Summary.steps``."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.last = time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self.summary.steps[step] = self.summary.steps.get(step, 0.0) + now - self.last
        self.last = now


def check_scope(layer: str, jurisdiction: str | None, day: dt.date) -> None:
    """Refuse an unknown layer or jurisdiction, or a day no set answers, before the
    file is read: otherwise every row would come out empty."""
    scope_check(layer, jurisdiction)
    if not valid_set_ids(day, layer=layer, jurisdiction=jurisdiction):
        of_vi = f" của '{jurisdiction}'" if jurisdiction else ""
        of_en = f" of jurisdiction '{jurisdiction}'" if jurisdiction else ""
        raise NotFound(
            "no_boundary_set",
            f"Không có bộ địa giới đang hoạt động nào của lớp '{layer}'{of_vi} có "
            f"hiệu lực ngày {day:%d/%m/%Y}: mọi dòng sẽ trống. Hãy chọn ngày khác "
            "(--date) hoặc kích hoạt một bộ (boundaries_set activate).",
            f"No active boundary set of layer '{layer}'{of_en} is in force on "
            f"{day.isoformat()}: every row would come out empty. Choose another "
            "--date or activate a set (boundaries_set activate).",
            "date",
        )


def _bar(rows: Iterator[Any], desc: str, progress: TextIO | None, **kw: Any) -> Any:
    return tqdm(
        rows,
        desc=desc,
        unit=" rows",
        file=progress,
        disable=progress is None,
        unit_scale=True,
        mininterval=0.5,
        **kw,
    )


def _load(
    path: Path, fmt: CsvFormat, summary: Summary, progress: TextIO | None
) -> None:
    """COPY the usable points into the TEMP table, counting the others."""
    width = max(fmt.lon, fmt.lat)
    rows = _bar(data_rows(path, fmt), f"reading {path.name}", progress)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {_POINTS} (id, geom) FROM STDIN") as copy,
    ):
        batch: list[str] = []
        for number, line, row in rows:
            summary.points = number
            if len(row) <= width:
                summary.note_bad(line, "coordinates missing (short row)")
                continue
            lon = coordinate(row[fmt.lon], -180.0, 180.0)
            lat = coordinate(row[fmt.lat], -90.0, 90.0)
            if isinstance(lon, str) or isinstance(lat, str):
                why = [
                    f"{name} {value}"
                    for name, value in (("lon", lon), ("lat", lat))
                    if isinstance(value, str)
                ]
                summary.note_bad(line, ", ".join(why))
                continue
            # repr: the shortest text that reads back as the same double, so a
            # point on a vertex stays exactly on it.
            batch.append(f"{number}\tSRID=4326;POINT({lon!r} {lat!r})\n")
            if len(batch) >= _BATCH:
                copy.write("".join(batch))
                batch.clear()
        if batch:
            copy.write("".join(batch))


def _fetched(cursor: Any) -> Iterator[tuple[int, str, str, bool]]:
    while rows := cursor.fetchmany(_FETCH):
        yield from rows


def _write(
    path: Path, out: Path, fmt: CsvFormat, summary: Summary, progress: TextIO | None
) -> None:
    """The file again, row by row beside the units in row order."""
    width = len(fmt.header)
    rows = _bar(
        data_rows(path, fmt), f"writing {out.name}", progress, total=summary.points
    )
    with replacing(out, fmt.encoding) as handle, connection.chunked_cursor() as cursor:
        cursor.execute(_UNITS_BY_ROW)  # server-side: a few thousand rows at a time
        units = _fetched(cursor)
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator=fmt.newline)
        writer.writerow([*fmt.header, *ADDED])
        found = next(units, None)
        written = 0
        for number, _, row in rows:
            written = number
            if len(row) < width:
                row += [""] * (width - len(row))
            if found is not None and found[0] == number:
                summary.ambiguous += found[3]
                row += [found[1], found[2], "true" if found[3] else "false"]
                found = next(units, None)
            else:
                row += ["", "", ""]
            writer.writerow(row)
        if written != summary.points or found is not None:
            raise InvalidInput(
                "file_changed",
                f"Tệp {path.name} đã thay đổi trong khi đang đọc: hãy chạy lại.",
                f"{path.name} changed while it was being read: run again.",
                "file",
            )


def csv_assign(
    *,
    source: Path,
    out: Path,
    lon_field: str,
    lat_field: str,
    day: dt.date,
    layer: str = ADMINISTRATIVE,
    jurisdiction: str | None = None,
    delimiter: str | None = None,
    strict: bool = False,
    progress: TextIO | None = None,
) -> Summary:
    """Write ``out``: ``source`` with each row's unit of ``layer`` (of
    ``jurisdiction``, when given) on ``day``, by the rule of
    :mod:`boundaries.lookup`; see the module's docstring.

    With ``strict``, a row whose coordinates are missing, not numbers or out of
    range refuses the whole file (nothing written). ``progress`` is the stream for
    the progress bars, None for none.
    """
    summary = Summary()
    steps = _Steps(summary)
    check_paths(source, out)
    fmt = read_format(
        source,
        lon_field=lon_field,
        lat_field=lat_field,
        delimiter=delimiter,
        added=ADDED,
    )
    check_scope(layer, jurisdiction, day)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_POINTS}, pg_temp.{_UNITS}")
        cursor.execute(
            f"CREATE TEMP TABLE {_POINTS} (id bigint, geom geometry(Point, 4326)) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            f"CREATE TEMP TABLE {_UNITS} "
            "(point_id bigint, unit_id bigint, ambiguous boolean) ON COMMIT DROP"
        )
        _load(source, fmt, summary, progress)
        if strict and summary.bad:
            raise InvalidInput(
                "bad_rows",
                f"{summary.bad} dòng không có tọa độ dùng được "
                f"({summary.bad_text()}); không ghi gì (--strict).",
                f"{summary.bad} rows have no usable coordinates "
                f"({summary.bad_text()}); nothing written (--strict).",
                "file",
            )
        steps.done("load")
        if progress is not None:
            progress.write(
                f"indexing and assigning {summary.points - summary.bad:,} points …\n"
            )
        cursor.execute(f"CREATE INDEX ON {_POINTS} USING gist (geom)")
        cursor.execute(f"ANALYZE {_POINTS}")
        steps.done("index")
        summary.assigned = points_assign(
            table=_POINTS,
            into=_UNITS,
            day=day,
            layer=layer,
            jurisdiction=jurisdiction,
            ambiguous=True,
        )
        steps.done("assign")
        _write(source, out, fmt, summary, progress)
        cursor.execute(f"DROP TABLE {_POINTS}, {_UNITS}")
        steps.done("write")
    return summary
