"""The analysis grid and calendar, as Python sees them.

The same numbers are written in SQL by the migration ``0002_cellday_triggers``
(``analytics_cell_m()``, ``analytics_grid_srid()``, ``analytics_day()``); a test checks
that both agree. They define the aggregate table, so they are constants, not settings.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CELL_M = 200
SRID = 32648  # UTM zone 48N
TIME_ZONE = "Asia/Ho_Chi_Minh"
LOCAL = ZoneInfo(TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the grid's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL)
