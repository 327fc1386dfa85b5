"""The analysis grid and calendar, as Python sees them.

The same numbers are written in SQL by the migration ``0002_cellday_triggers``
(``analytics_cell_m()``, ``analytics_grid_srid()``, ``analytics_day()``); a test checks
that both agree. They define the aggregate table, so they are constants, not settings.
"""

from __future__ import annotations

# The grid's calendar is the service's local days (geo.days).
from geo.days import LOCAL as LOCAL
from geo.days import TIME_ZONE as TIME_ZONE
from geo.days import local_midnight as local_midnight

CELL_M = 200
SRID = 32648  # UTM zone 48N
# Where boxes are cut on the grid (lon/lat): within 9° of the zone's central
# meridian, 105° E — all of Vietnam, its islands included — the projection keeps a
# box's edges outside its inside, so the cells a box touches are known from its
# edges. A box reaching beyond is read from raw reports by their coordinates.
EXTENT = (96.0, -80.0, 114.0, 84.0)


def on_grid(box: tuple[float, float, float, float]) -> bool:
    """Whether a lon/lat box lies within ``EXTENT``."""
    return (
        box[0] >= EXTENT[0]
        and box[1] >= EXTENT[1]
        and box[2] <= EXTENT[2]
        and box[3] <= EXTENT[3]
    )


# The fine grid of the reports' location index (``analytics_report_fine``, SQL:
# ``analytics_fine_m()``): each 200 m cell cut FINE × FINE, so a fine key divided by
# FINE (rounding down) is the grid cell's key, exactly.
FINE = 8
FINE_M = CELL_M // FINE

# The roll-up (``analytics_cellmonth``) counts blocks of BLOCK × BLOCK cells (1.6 km)
# per local month; SQL's ``analytics_block()`` says the same.
BLOCK = 8

# Time-to-resolve buckets of ``analytics_outcomemonth`` (SQL:
# ``analytics_hours_bucket``): bucket 0 is under H0_HOURS, bucket b ≥ 1 covers
# [H0_HOURS · 2^((b-1)/PER_DOUBLING), H0_HOURS · 2^(b/PER_DOUBLING)) hours.
H0_HOURS = 1 / 60
PER_DOUBLING = 4


def bucket_middle(bucket: int) -> float:
    """The geometric middle of a time-to-resolve bucket, in hours: within a factor
    2^(1/(2·PER_DOUBLING)) of every time in it (bucket 0: half a minute)."""
    if bucket <= 0:
        return H0_HOURS / 2
    return H0_HOURS * 2 ** ((bucket - 0.5) / PER_DOUBLING)


# The most a percentile read from the buckets can differ from the exact one, as a
# share of the exact one (for times of a minute or more).
BUCKET_ERROR = 2 ** (1 / (2 * PER_DOUBLING)) - 1
