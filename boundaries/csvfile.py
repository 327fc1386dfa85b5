"""A user's CSV file of points: read as a spreadsheet exports it, written back whole.

Files come from Excel, LibreOffice or a GIS: UTF-8 with or without a byte-order mark,
comma, semicolon, tab or bar between fields, and, where the delimiter is not a comma,
decimal commas ("17,4689"). The file is read row by row (never held whole), so it
can be read twice, and its output, the same rows with columns added, is written to
a temporary file beside the one asked for and renamed only when complete: a failure
never leaves half a file under that name. ``boundaries.assign_csv`` uses it for
``manage.py points_assign``.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from geo.errors import InvalidInput

# Delimiters a spreadsheet exports, in the order a tie prefers them.
DELIMITERS = (",", ";", "\t", "|")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvFormat:
    """What the first line of the file says about it."""

    encoding: str  # utf-8-sig when it starts with a BOM (written back the same)
    delimiter: str
    newline: str
    header: list[str]
    lon: int  # column indexes
    lat: int


def _not_utf8(path: Path) -> InvalidInput:
    line = _first_bad_line(path)
    return InvalidInput(
        "not_utf8",
        f"Tệp {path.name} không phải UTF-8 (dòng {line}). Hãy lưu lại dưới dạng CSV "
        "UTF-8.",
        f"{path.name} is not UTF-8 (line {line}). Save it as CSV UTF-8.",
        "file",
    )


def _first_bad_line(path: Path) -> int:
    """The first line that is not UTF-8 (text is decoded in blocks, so the error
    itself does not say), read again line by line."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _column(header: list[str], name: str) -> int | None:
    """The index of column ``name``: exact, else the only one equal up to case and
    surrounding spaces."""
    if name in header:
        return header.index(name)
    folded = [
        i
        for i, h in enumerate(header)
        if h.strip().casefold() == name.strip().casefold()
    ]
    return folded[0] if len(folded) == 1 else None


def read_format(
    path: Path,
    *,
    lon_field: str,
    lat_field: str,
    delimiter: str | None = None,
    added: Sequence[str] = (),
) -> CsvFormat:
    """The file's encoding, delimiter, line ending, header and coordinate columns;
    refused when a coordinate column is missing or the columns to be ``added`` are
    there already.

    Without ``delimiter``, the one that splits the header into columns holding both
    fields wins (then the most frequent in the header): a sniffer guessing from the
    rows takes the decimal commas of "106,6155;17,4689" for the delimiter."""
    with path.open("rb") as raw:
        encoding = "utf-8-sig" if raw.read(3) == _BOM else "utf-8"
    try:
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError as exc:
        raise _not_utf8(path) from exc
    if not first.strip():
        raise InvalidInput(
            "empty_file",
            f"Tệp {path.name} trống hoặc dòng đầu (tên cột) trống.",
            f"{path.name} is empty, or its first line (the column names) is.",
            "file",
        )
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    candidates = (
        [delimiter] if delimiter else sorted(DELIMITERS, key=lambda d: -first.count(d))
    )
    parsed = {
        d: next(csv.reader([first.rstrip("\r\n")], delimiter=d)) for d in candidates
    }
    chosen = next(
        (
            d
            for d in candidates
            if _column(parsed[d], lon_field) is not None
            and _column(parsed[d], lat_field) is not None
        ),
        candidates[0],
    )
    header = parsed[chosen]
    lon, lat = _column(header, lon_field), _column(header, lat_field)
    if lon is None or lat is None:
        missing = [f for f, i in ((lon_field, lon), (lat_field, lat)) if i is None]
        names = ", ".join(f"'{m}'" for m in missing)
        columns = ", ".join(f"'{h}'" for h in header)
        raise InvalidInput(
            "missing_column",
            f"Tệp {path.name} không có cột {names}. Các cột của tệp: {columns}.",
            f"{path.name} has no column {names}. Its columns: {columns}.",
            "lon_field" if lon is None else "lat_field",
        )
    clash = [name for name in added if name in header]
    if clash:
        raise InvalidInput(
            "column_exists",
            f"Tệp {path.name} đã có cột {', '.join(clash)}: hãy đổi tên cột đó.",
            f"{path.name} already has a column {', '.join(clash)}: rename it first.",
            "file",
        )
    return CsvFormat(encoding, chosen, newline, header, lon, lat)


def data_rows(path: Path, fmt: CsvFormat) -> Iterator[tuple[int, int, list[str]]]:
    """(number from 1, line in the file, fields) of each row after the header; blank
    lines are not rows. Both readings of the file number rows alike."""
    try:
        with path.open(encoding=fmt.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=fmt.delimiter)
            next(reader, None)
            number = 0
            for row in reader:
                if row:
                    number += 1
                    yield number, reader.line_num, row
    except UnicodeDecodeError as exc:
        raise _not_utf8(path) from exc


def coordinate(text: str, low: float, high: float) -> float | str:
    """The number in ``text`` within [low, high], or why it is not one. A decimal
    comma ("17,4689") is read as a point."""
    try:
        value = float(text)
    except ValueError:
        text = text.strip()
        if not text:
            return "missing"
        if text.count(",") != 1 or "." in text:
            return "not a number"
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return "not a number"
    if low <= value <= high:
        return value
    return "out of range" if math.isfinite(value) else "not a number"


@contextmanager
def replacing(out: Path, encoding: str) -> Iterator[TextIO]:
    """A text file that becomes ``out`` when the block ends without an error, and
    is removed otherwise (written beside it, so the rename is atomic)."""
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)  # as a plain open() would (mkstemp: 0600)
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def check_paths(source: Path, out: Path) -> None:
    """The input exists; the output is another file, in a folder we can write to."""
    if not source.is_file():
        raise InvalidInput(
            "no_file",
            f"Không có tệp {source}.",
            f"There is no file {source}.",
            "file",
        )
    same = out.resolve() == source.resolve() or (
        out.exists() and os.path.samefile(out, source)
    )
    if same:
        raise InvalidInput(
            "out_is_input",
            "--out không được trùng tệp đầu vào (tệp đó sẽ bị ghi đè).",
            "--out must not be the input file (it would be overwritten).",
            "out",
        )
    if out.is_dir() or not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
        raise InvalidInput(
            "bad_out",
            f"Không ghi được {out}: thư mục không tồn tại, không ghi được, hoặc đó là "
            "một thư mục.",
            f"Cannot write {out}: its folder does not exist or cannot be written, or "
            "it is a folder.",
            "out",
        )
