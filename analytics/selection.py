"""Which reports an analytics request is about, as SQL over aggregates and raw rows.

Every endpoint (clusters, tiles, heatmap, hotspots, stats, export) takes the same
filters, and they must give the same totals. The filters other than the box map
one-to-one onto aggregate columns (the local day, category, status, unit and
department). The box does not: it cuts through grid cells. So a box is split
(``geo.grid.box_split``) into the block of cells lying wholly inside it, counted from
``analytics_cellday``, and a thin ring of 25 m fine cells along its edges, whose
raw reports are read from the index that lays them out by fine cell
(``analytics_report_fine``, index-only: no table page is read) and counted one by
one. The fine cells tile the grid cells, so no report is counted twice. The sum is
exact — the same count as ``ST_Intersects(location, box)`` on the raw table (a
point on the box's edge is inside) — at the cost of reading only the reports near
the edges.

The same selection can also be read at a coarser grain (``coarse_sql``): blocks of
``BLOCK × BLOCK`` cells (1.6 km) per local month, for views whose clusters are whole
blocks (zoom ≤ 13) and for the dashboard's counts. Whole blocks × whole months come
from the roll-up ``analytics_cellmonth``; the partial months at either end of the
time range come from ``analytics_cellday`` for the same blocks; the cells of the
inner block that belong to no whole block, and the edge strips, are read as before.
Callers that group by neither day nor month (the maps, hotspots, counts) ask for
``years``: the whole years of the range then come from the year tables
(``analytics_cellyear``, ``analytics_blockyear``), ten rows for ten years where the
day table holds thousands. Each report of the selection is counted by exactly one
part, so the totals are the same as ``cells_sql``'s (and the raw table's), only
fewer rows are read.

Values are always bound as parameters, never interpolated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from analytics.grid import BLOCK, CELL_M, FINE, SRID, local_midnight, on_grid
from analytics.periods import Span, whole_months, whole_years
from geo.grid import Box, BoxSplit, CellRange, box_split, cell_range_minus, refined

# Fewer whole cells than this and the box is read from raw rows alone. The inner
# cells are read from ``analytics_cellday`` by listed columns and rows (``= ANY`` on
# both keys: one descent of the primary key per cell, bounded by the day range), so
# even a zoom-16 view (~100 cells) is cheaper from the aggregates than from the
# reports, whose rows near each other lie on pages all over the table (10M reports,
# a city-centre zoom-16 view: ~2.5 s against 7 s; see bench/analytics/).
RAW_BELOW_CELLS = 16
KEYS = ("cell_x", "cell_y", "day", "category_id", "status", "unit_id", "department_id")
# The columns of ``coarse_sql``: block keys, the month's first day, the dimensions,
# the count and the count-weighted sums of cell centres (in cell units).
COARSE = (
    "block_x",
    "block_y",
    "month",
    "category_id",
    "status",
    "unit_id",
    "department_id",
    "n",
    "sx",
    "sy",
)


def blocks_within(cells: CellRange) -> CellRange | None:
    """The whole blocks (in block keys) inside a range of cells, or None."""
    blocks = CellRange(
        -(-cells.x0 // BLOCK),
        -(-cells.y0 // BLOCK),
        (cells.x1 + 1) // BLOCK - 1,
        (cells.y1 + 1) // BLOCK - 1,
    )
    if blocks.x0 > blocks.x1 or blocks.y0 > blocks.y1:
        return None
    return blocks


def block_cells(blocks: CellRange) -> CellRange:
    """The cells of a range of blocks."""
    return refined(blocks, BLOCK)


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

    # (field, column, SQL type of its array)
    _LISTS = (
        ("category_ids", "category_id", "bigint"),
        ("statuses", "status", "text"),
        ("unit_ids", "unit_id", "bigint"),
        ("department_ids", "department_id", "bigint"),
    )

    def but(self, **changes: Any) -> ReportFilter:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @cached_property
    def split(self) -> BoxSplit | None:
        """The box cut into inner cells and the ring of fine cells around them
        (computed once). A box of fewer than ``RAW_BELOW_CELLS`` whole cells is
        read from the raw reports alone, through the ring; a box reaching beyond
        the grid's extent (``on_grid``), through the reports' GiST index."""
        if self.bbox is None:
            return None
        if not on_grid(self.bbox):
            return BoxSplit(None, None)
        return box_split(self.bbox, CELL_M, SRID, FINE, RAW_BELOW_CELLS)

    @cached_property
    def years(self) -> Span | None:
        """The whole local years of the day range (None: there are none)."""
        return whole_years(self.day_from, self.day_to)

    # -- predicates -----------------------------------------------------------------

    def list_where(self, alias: str) -> list[str]:
        """Predicates of the id and status lists on a table aliased ``alias`` that
        has the report's columns (raw rows and every aggregate table)."""
        return [
            f"{alias}.{column} = ANY(%(f_{name})s)"
            for name, column, _ in self._LISTS
            if getattr(self, name) is not None
        ]

    def aggregate_where(self, alias: str = "a") -> str:
        """Predicates on ``analytics_cellday`` (no box)."""
        parts = self.list_where(alias)
        if self.day_from is not None:
            parts.append(f"{alias}.day >= %(f_day_from)s")
        if self.day_to is not None:
            parts.append(f"{alias}.day <= %(f_day_to)s")
        return " AND ".join(parts) or "true"

    def raw_where(self, alias: str = "r", *, box: bool = True) -> str:
        """Predicates on ``routing_report``, the box included unless ``box`` is
        False (the exact test, boundary inclusive)."""
        parts = self.list_where(alias)
        if self.day_from is not None:
            parts.append(f"{alias}.reported_at >= %(f_since)s")
        if self.day_to is not None:
            parts.append(f"{alias}.reported_at < %(f_until)s")
        if box and self.bbox is not None:
            parts.append(f"ST_Intersects({alias}.location, {_BOX})")
        return " AND ".join(parts) or "true"

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, _, _ in self._LISTS:
            value = getattr(self, name)
            if value is not None:
                params[f"f_{name}"] = list(value)
        if self.day_from is not None:
            params["f_day_from"] = self.day_from
            params["f_since"] = local_midnight(self.day_from)
        if self.day_to is not None:
            params["f_day_to"] = self.day_to
            params["f_until"] = local_midnight(self.day_to + dt.timedelta(days=1))
        if self.years is not None:
            params.update(f_y_first=self.years.first, f_y_after=self.years.after)
        if self.bbox is not None:
            params.update(zip(("f_x0", "f_y0", "f_x1", "f_y1"), self.bbox, strict=True))
            split = self.split
            assert split is not None
            if split.inner is not None:
                inner = split.inner
                params["f_ixs"] = list(range(inner.x0, inner.x1 + 1))
                params["f_iys"] = list(range(inner.y0, inner.y1 + 1))
            for i, part in enumerate(split.ring or ()):
                params.update({f"f_s{i}x0": part.x0, f"f_s{i}x1": part.x1})
                params.update({f"f_s{i}y0": part.y0, f"f_s{i}y1": part.y1})
        return params

    # -- the union of aggregates and edge reports -----------------------------------

    def cells_sql(self, *, years: bool = False) -> str:
        """Rows (cell_x, cell_y, day, category_id, status, unit_id, department_id, n)
        whose sum over any grouping counts the selected reports exactly. With
        ``years``, the whole years of the range come one row per cell and year
        (``day`` is 1 January) from ``analytics_cellyear``: for callers that never
        group by day (maps, hotspots, counts)."""
        split = self.split
        parts = []
        if split is None:
            parts.extend(self._cell_rows("true", years))
        else:
            if split.inner is not None:
                parts.extend(self._cell_rows(_INNER_COLUMNS, years))
            parts.append(self._strips_sql())
        return " UNION ALL ".join(parts)

    def _cell_rows(self, region: str, years: bool) -> list[str]:
        """Cell rows of the aggregates in ``region`` (predicates on cell_x and
        cell_y of a table aliased ``{t}``): whole years from the year table when
        ``years`` (and the range has some), every other day from the day table."""
        span = self.years if years else None
        day_rows = (
            f"SELECT {', '.join(f'a.{key}' for key in KEYS)}, a.n "
            f"FROM analytics_cellday a WHERE {region.format(t='a')} "
            f"AND {self.aggregate_where()}"
        )
        if span is None:
            return [day_rows]
        inside = [
            region.format(t="y"),
            *self.list_where("y"),
            *span.within("y.year", "f_y"),
        ]
        parts = [
            "SELECT y.cell_x, y.cell_y, y.year AS day, y.category_id, y.status, "
            "y.unit_id, y.department_id, y.n FROM analytics_cellyear y "
            f"WHERE {' AND '.join(inside)}"
        ]
        outside = span.outside("a.day", "f_y")
        if outside is not None:
            parts.append(f"{day_rows} AND {outside}")
        return parts

    # -- the same, by block and month -------------------------------------------------

    def coarse_sql(
        self, cells: CellRange | None = None, *, years: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """Rows (``COARSE``) whose sums over any grouping of blocks, months and
        dimensions count the selected reports exactly, with the parameters to
        add to ``params()``. ``cells`` (only without a box) limits the region to a
        range of cells aligned on whole blocks, as a map tile does. With
        ``years``, whole years come one row per block (or cell) and year
        (``month`` is 1 January) from the year tables: for callers that never
        group by month (maps, counts)."""
        extra: dict[str, Any] = {}
        months = whole_months(self.day_from, self.day_to)
        if months is not None:
            extra.update(f_m_first=months.first, f_m_after=months.after)
        region = self._coarse_region(cells)
        if region is None:
            return self._coarse_cells(self.cells_sql(years=years)), extra
        blocks, rest = region
        parts = self._blocks_sql(blocks, months, extra, years)
        parts.extend(self._frame_sql(rest, extra, years))
        if self.split is not None:
            parts.append(self._coarse_cells(self._strips_sql()))
        return " UNION ALL ".join(parts), extra

    def _coarse_region(
        self, cells: CellRange | None
    ) -> tuple[CellRange | None, list[CellRange]] | None:
        """The whole blocks to read by block (None: no box, every block) and the
        frame of inner cells around them; None when the box holds no whole block,
        so that its cells are read as ``cells_sql`` reads them."""
        split = self.split
        if cells is not None:
            blocks = blocks_within(cells)
            if split is not None or blocks is None or block_cells(blocks) != cells:
                raise ValueError("A cell range replaces the box and is whole blocks.")
            return blocks, []
        if split is None:
            return None, []
        if split.inner is None:
            return None
        blocks = blocks_within(split.inner)
        if blocks is None:
            return None
        return blocks, cell_range_minus(split.inner, block_cells(blocks))

    def _blocks_sql(
        self,
        blocks: CellRange | None,
        months: Span | None,
        extra: dict[str, Any],
        years: bool,
    ) -> list[str]:
        """The whole blocks (all of them if ``blocks`` is None): whole years from
        ``analytics_blockyear`` (with ``years``), the other whole months from
        ``analytics_cellmonth``, the partial months at the range's ends from
        ``analytics_cellday``. Adds its parameters to ``extra``."""
        parts: list[str] = []
        region_b = region_d = "true"
        if blocks is not None:
            extra.update(f_bx0=blocks.x0, f_by0=blocks.y0, f_bx1=blocks.x1)
            extra.update(f_by1=blocks.y1)
            own = block_cells(blocks)
            extra.update(f_cx0=own.x0, f_cy0=own.y0, f_cx1=own.x1, f_cy1=own.y1)
            region_b = (
                "b.block_x BETWEEN %(f_bx0)s AND %(f_bx1)s "
                "AND b.block_y BETWEEN %(f_by0)s AND %(f_by1)s"
            )
            region_d = (
                "a.cell_x BETWEEN %(f_cx0)s AND %(f_cx1)s "
                "AND a.cell_y BETWEEN %(f_cy0)s AND %(f_cy1)s"
            )
        days: str | None = "true"
        span = self.years if years else None
        if span is not None:
            parts.append(
                self._block_rows(
                    "analytics_blockyear",
                    "year",
                    region_b,
                    span.within("b.year", "f_y"),
                )
            )
        if months is not None:
            # The whole months outside the whole years, if any are.
            outside = span.outside("b.month", "f_y") if span is not None else None
            if span is None or outside is not None:
                in_months = months.within("b.month", "f_m")
                parts.append(
                    self._block_rows(
                        "analytics_cellmonth",
                        "month",
                        region_b,
                        [*in_months, outside] if outside else in_months,
                    )
                )
            days = months.outside("a.day", "f_m")
        if days is not None:
            parts.append(
                self._coarse_cells(
                    "SELECT a.cell_x, a.cell_y, a.day, a.category_id, a.status, "
                    "a.unit_id, a.department_id, a.n FROM analytics_cellday a "
                    f"WHERE {region_d} AND {days} AND {self.aggregate_where()}"
                )
            )
        return parts

    def _block_rows(self, table: str, period: str, region: str, span: list[str]) -> str:
        """Coarse rows of ``table`` (a block roll-up aliased ``b``: period column
        ``period``, returned as ``month``) in ``region`` and ``span``. Its sums are
        of integer cell keys: half a cell per report makes them sums of centres."""
        return (
            f"SELECT b.block_x, b.block_y, b.{period} AS month, b.category_id, "
            "b.status, b.unit_id, b.department_id, b.n, "
            "b.sx + 0.5::float8 * b.n AS sx, b.sy + 0.5::float8 * b.n AS sy "
            f"FROM {table} b "
            f"WHERE {' AND '.join([region, *self.list_where('b'), *span])}"
        )

    def _frame_sql(
        self, rest: list[CellRange], extra: dict[str, Any], years: bool
    ) -> list[str]:
        """The frame between the inner cells and the whole blocks: its columns are
        listed (``= ANY``), so the primary key (cell_x, cell_y, …) is descended
        once per column and read only over the frame's few rows of cells, not
        over every row of every column it spans. (Listed rows too made the planner
        read a wide view's frame through the day index instead: 0.2 s at zoom 10.)
        Adds its parameters to ``extra``."""
        parts: list[str] = []
        for i, r in enumerate(rest):
            extra[f"f_r{i}xs"] = list(range(r.x0, r.x1 + 1))
            extra.update({f"f_r{i}y0": r.y0, f"f_r{i}y1": r.y1})
            region = (
                f"{{t}}.cell_x = ANY(%(f_r{i}xs)s::integer[]) "
                f"AND {{t}}.cell_y BETWEEN %(f_r{i}y0)s AND %(f_r{i}y1)s"
            )
            parts.extend(
                self._coarse_cells(rows) for rows in self._cell_rows(region, years)
            )
        return parts

    def _strips_sql(self) -> str:
        """Cell rows of the reports in the box whose cell is not inner (every
        report of the box when no cell is): the fine cells of the ring, one range
        of the location index per fine column, read by an index-only scan
        (``analytics_ring_reports``: the grid cell is the fine key divided by
        ``FINE``), then the exact box test. A box off the grid's projection is
        read through the GiST index."""
        split = self.split
        assert split is not None
        if split.ring is None:
            return (
                "SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, "
                "r.category_id, r.status, r.unit_id, r.department_id, 1 AS n "
                "FROM routing_report r CROSS JOIN LATERAL analytics_cell(r.location) c "
                f"WHERE {self.raw_where()}"
            )
        filters = self._ring_filters()
        return " UNION ALL ".join(
            "SELECT f.cell_x, f.cell_y, f.day, f.category_id, f.status, f.unit_id, "
            f"f.department_id, 1 AS n FROM analytics_ring_reports("
            f"%(f_s{i}x0)s, %(f_s{i}x1)s, %(f_s{i}y0)s, %(f_s{i}y1)s, {_BOX}, "
            f"{filters}) f"
            for i in range(len(split.ring))
        )

    def _ring_filters(self) -> str:
        """The filters as ``analytics_ring_reports``'s arguments (NULL: none)."""
        since = "%(f_since)s" if self.day_from is not None else "NULL"
        until = "%(f_until)s" if self.day_to is not None else "NULL"
        lists = [
            f"%(f_{name})s::{kind}[]" if getattr(self, name) is not None else "NULL"
            for name, _, kind in self._LISTS
        ]
        return ", ".join([f"{since}::timestamptz", f"{until}::timestamptz", *lists])

    @staticmethod
    def _coarse_cells(cells: str) -> str:
        """Cell rows (``KEYS``, n) as coarse rows (``COARSE``), one for one."""
        return (
            f"SELECT floor(c.cell_x / {BLOCK}::float8)::integer AS block_x, "
            f"floor(c.cell_y / {BLOCK}::float8)::integer AS block_y, "
            "date_trunc('month', c.day)::date AS month, c.category_id, c.status, "
            "c.unit_id, c.department_id, c.n, c.n * (c.cell_x + 0.5::float8) AS sx, "
            f"c.n * (c.cell_y + 0.5::float8) AS sy FROM ({cells}) c"
        )


_BOX = "ST_MakeEnvelope(%(f_x0)s, %(f_y0)s, %(f_x1)s, %(f_y1)s, 4326)"
# The inner cells on a cell table (alias ``{t}``) by listed columns and rows: the
# primary key (cell_x, cell_y, day or year, …) is descended once per cell and read
# over the range's days only, not over the whole north-south stripe of every column
# the box spans.
_INNER_COLUMNS = (
    "{t}.cell_x = ANY(%(f_ixs)s::integer[]) AND {t}.cell_y = ANY(%(f_iys)s::integer[])"
)
