"""Which reports an analytics request is about, as SQL over aggregates and raw rows.

Every endpoint (clusters, tiles, heatmap, hotspots, stats, export) takes the same
filters, and they must give the same totals. The filters other than the box map
one-to-one onto aggregate columns (the local day, category, status, unit and
department). The box does not: it cuts through grid cells. So a box is split
(``geo.grid.box_split``) into the block of cells lying wholly inside it, counted from
``analytics_cellday``, and thin strips along its edges, where the raw reports are
read through their GiST index and counted one by one if their cell is not in the
block. The sum is exact — the same count as ``ST_Intersects(location, box)`` on the
raw table (a point on the box's edge is inside) — at the cost of reading only the
reports near the edges.

Values are always bound as parameters, never interpolated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from analytics.grid import CELL_M, SRID, local_midnight
from geo.grid import Box, BoxSplit, box_split

# Fewer whole cells than this (41 km², a zoom-14 screen; zoom 16 is ~5 km²) and the
# box is read from raw rows alone: for small boxes the reports' GiST index beats the
# aggregates, whose primary key is ordered by cell_x and so reads a whole north-south
# stripe of cells (1M reports, a zoom-16 view: 188 ms raw against 293 ms; see
# bench/analytics.py).
RAW_BELOW_CELLS = 1024
KEYS = ("cell_x", "cell_y", "day", "category_id", "status", "unit_id", "department_id")


@dataclass(frozen=True)
class ReportFilter:
    """A selection of reports; ``None`` leaves a field unfiltered, filters combine
    with AND. ``bbox`` is (min_lon, min_lat, max_lon, max_lat), edges included;
    ``day_from`` and ``day_to`` are local calendar days, both inclusive; the id
    tuples hold the reports' current category, unit and department."""

    bbox: Box | None = None
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    category_ids: tuple[int, ...] | None = None
    statuses: tuple[str, ...] | None = None
    unit_ids: tuple[int, ...] | None = None
    department_ids: tuple[int, ...] | None = None

    _LISTS = (
        ("category_ids", "category_id"),
        ("statuses", "status"),
        ("unit_ids", "unit_id"),
        ("department_ids", "department_id"),
    )

    def but(self, **changes: Any) -> ReportFilter:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @cached_property
    def split(self) -> BoxSplit | None:
        """The box cut into inner cells and edge strips (computed once). A box of
        fewer than ``RAW_BELOW_CELLS`` whole cells is read from the raw reports
        alone."""
        if self.bbox is None:
            return None
        split = box_split(self.bbox, CELL_M, SRID)
        if split.inner is not None and split.inner.cells < RAW_BELOW_CELLS:
            return BoxSplit(None, (self.bbox,))
        return split

    # -- predicates -----------------------------------------------------------------

    def _lists(self, alias: str) -> list[str]:
        return [
            f"{alias}.{column} = ANY(%(f_{name})s)"
            for name, column in self._LISTS
            if getattr(self, name) is not None
        ]

    def aggregate_where(self, alias: str = "a") -> str:
        """Predicates on ``analytics_cellday`` (no box)."""
        parts = self._lists(alias)
        if self.day_from is not None:
            parts.append(f"{alias}.day >= %(f_day_from)s")
        if self.day_to is not None:
            parts.append(f"{alias}.day <= %(f_day_to)s")
        return " AND ".join(parts) or "true"

    def raw_where(self, alias: str = "r", *, box: bool = True) -> str:
        """Predicates on ``routing_report``, the box included unless ``box`` is
        False (the exact test, boundary inclusive)."""
        parts = self._lists(alias)
        if self.day_from is not None:
            parts.append(f"{alias}.reported_at >= %(f_since)s")
        if self.day_to is not None:
            parts.append(f"{alias}.reported_at < %(f_until)s")
        if box and self.bbox is not None:
            parts.append(f"ST_Intersects({alias}.location, {_BOX})")
        return " AND ".join(parts) or "true"

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, _ in self._LISTS:
            value = getattr(self, name)
            if value is not None:
                params[f"f_{name}"] = list(value)
        if self.day_from is not None:
            params["f_day_from"] = self.day_from
            params["f_since"] = local_midnight(self.day_from)
        if self.day_to is not None:
            params["f_day_to"] = self.day_to
            params["f_until"] = local_midnight(self.day_to + dt.timedelta(days=1))
        if self.bbox is not None:
            params.update(zip(("f_x0", "f_y0", "f_x1", "f_y1"), self.bbox, strict=True))
            split = self.split
            assert split is not None
            if split.inner is not None:
                inner = split.inner
                params.update(
                    f_ix0=inner.x0, f_iy0=inner.y0, f_ix1=inner.x1, f_iy1=inner.y1
                )
            for i, strip in enumerate(split.strips):
                params.update(
                    zip(
                        (f"f_s{i}x0", f"f_s{i}y0", f"f_s{i}x1", f"f_s{i}y1"),
                        strip,
                        strict=True,
                    )
                )
        return params

    # -- the union of aggregates and edge reports -----------------------------------

    def cells_sql(self) -> str:
        """Rows (cell_x, cell_y, day, category_id, status, unit_id, department_id, n)
        whose sum over any grouping counts the selected reports exactly."""
        columns = ", ".join(f"a.{key}" for key in KEYS)
        split = self.split
        if split is None:
            return f"SELECT {columns}, a.n FROM analytics_cellday a WHERE {self.aggregate_where()}"
        parts = []
        if split.inner is not None:
            parts.append(
                f"SELECT {columns}, a.n FROM analytics_cellday a "
                f"WHERE {self.aggregate_where()} AND {_INNER.format(x='a.cell_x', y='a.cell_y')}"
            )
        strips = " OR ".join(
            f"r.location && ST_MakeEnvelope(%(f_s{i}x0)s, %(f_s{i}y0)s, "
            f"%(f_s{i}x1)s, %(f_s{i}y1)s, 4326)"
            for i in range(len(split.strips))
        )
        outside = (
            f" AND NOT {_INNER.format(x='c.cell_x', y='c.cell_y')}"
            if split.inner is not None
            else ""
        )
        parts.append(
            "SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, "
            "r.category_id, r.status, r.unit_id, r.department_id, 1 AS n "
            "FROM routing_report r CROSS JOIN LATERAL analytics_cell(r.location) c "
            f"WHERE ({strips}) AND {self.raw_where()}{outside}"
        )
        return " UNION ALL ".join(parts)


_BOX = "ST_MakeEnvelope(%(f_x0)s, %(f_y0)s, %(f_x1)s, %(f_y1)s, 4326)"
_INNER = "({x} BETWEEN %(f_ix0)s AND %(f_ix1)s AND {y} BETWEEN %(f_iy0)s AND %(f_iy1)s)"
