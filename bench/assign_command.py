"""``manage.py points_assign`` end to end: a CSV file in, the file with units out.

What a user waits for: reading and parsing the rows, the COPY into PostGIS, the index,
the assignment, and writing every row back. The file is drawn with a seeded
generator in a temporary folder (not counted); the command runs once, in a fresh
database session with the default ``temp_buffers``, as it would from a shell.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection

from bench.sample import SEED, Extent


def write_points(path: Path, extent: Extent, rows: int) -> None:
    """``rows`` points uniform in ``extent``, with an id and a text column."""
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "note", "lon", "lat"])
        for i in range(rows):
            writer.writerow(
                [
                    i,
                    f"điểm {i}",
                    round(rng.uniform(extent.min_lon, extent.max_lon), 7),
                    round(rng.uniform(extent.min_lat, extent.max_lat), 7),
                ]
            )


def run(
    extent: Extent, *, rows: int, day: dt.date, fresh: bool = True
) -> dict[str, Any]:
    """Time one run of the command on ``rows`` rows; its own step timings too.
    ``fresh``: in a new database session (not inside a test's transaction)."""
    if fresh:
        connection.close()
    with tempfile.TemporaryDirectory(prefix="bench-points-") as folder:
        source, out = Path(folder) / "points.csv", Path(folder) / "units.csv"
        write_points(source, extent, rows)
        err = StringIO()
        start = time.perf_counter()
        call_command(
            "points_assign",
            str(source),
            "--lon-field",
            "lon",
            "--lat-field",
            "lat",
            "--date",
            day.isoformat(),
            "--out",
            str(out),
            stdout=StringIO(),
            stderr=err,
            verbosity=2,
        )
        seconds = time.perf_counter() - start
        with out.open(encoding="utf-8", newline="") as handle:
            written = sum(1 for _ in csv.reader(handle)) - 1
        size_mb = source.stat().st_size / 1e6
    report = err.getvalue().splitlines()
    return {
        "rows": rows,
        "written": written,
        "file_mb": round(size_mb, 1),
        "day": day.isoformat(),
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "steps": next((line for line in report if line.startswith("Seconds:")), ""),
        "assigned": next((line.strip() for line in report if "assigned" in line), ""),
    }
