"""The pre-aggregated report counts that every map and dashboard reads."""

from __future__ import annotations

from django.db import models


class Counted(models.Model):
    """What every aggregate row counts by besides place and time: the report's
    current category, status, unit and department (plain ids, not foreign keys:
    derived data), and how many reports (``n``)."""

    category_id = models.BigIntegerField()
    status = models.CharField(max_length=12)
    unit_id = models.BigIntegerField()
    department_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        abstract = True


class CellDay(Counted):
    """How many reports fall in one grid cell on one local day, per category, status,
    unit and department.

    The grid is square, 200 m a side, in UTM zone 48N (EPSG:32648, metres): a report
    at projected (x, y) lies in cell ``(floor(x / 200), floor(y / 200))``. The day is
    the report's calendar day in Asia/Ho_Chi_Minh. Both are computed by the SQL
    functions ``analytics_cell(geometry)`` and ``analytics_day(timestamptz)`` that the
    migration creates, so the triggers, the rebuild and the queries that read raw rows
    beside the aggregates all cut the map and the calendar the same way. Changing the
    grid or the time zone is a new migration followed by ``manage.py
    analytics_rebuild``, never a setting.

    Rows are maintained by statement-level triggers on ``routing_report`` (see
    ``analytics/migrations/0002_cellday_triggers.py``): every path that writes reports
    (the intake, set-based re-routes, Open311, imports, a psql session) keeps the
    counts right without calling into this app, so routing never imports analytics.
    A row whose count falls to zero is deleted. The columns hold plain ids, not
    foreign keys: the table is derived data, and constraints would only slow the
    triggers down.

    Only counts live here, never anything about a reporter.
    """

    pk = models.CompositePrimaryKey(
        "cell_x", "cell_y", "day", "category_id", "status", "unit_id", "department_id"
    )
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="analytics_cellday_day")]

    def __str__(self) -> str:
        return f"({self.cell_x}, {self.cell_y}) {self.day}: {self.n}"


class CellMonth(Counted):
    """The same counts rolled up to blocks of ``BLOCK × BLOCK`` grid cells (8 × 8
    cells of 200 m: 1.6 km squares, aligned on the grid) and local calendar months.

    At ten years of a city the cell × day table holds about one row per report, so a
    view of the whole city (zoom ≤ 13, clusters ≥ 1.6 km) would read as many rows as
    there are reports. Here a block-month holds the reports of 64 cells and ~30 days.
    ``sx`` and ``sy`` are the sums of ``n × cell_x`` and ``n × cell_y`` over the
    block's cells, so a cluster made of blocks sits exactly where the same cluster
    made of cells would (count-weighted mean of cell centres) and both paths give the
    same answer. Kept by the same statement triggers as ``CellDay`` (migration 0003)
    and rebuilt with it by ``analytics_rebuild``."""

    pk = models.CompositePrimaryKey(
        "block_x",
        "block_y",
        "month",
        "category_id",
        "status",
        "unit_id",
        "department_id",
    )
    block_x = models.IntegerField()
    block_y = models.IntegerField()
    month = models.DateField()  # first day of the local month
    sx = models.BigIntegerField()
    sy = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="analytics_cellmonth_month")]

    def __str__(self) -> str:
        return f"block ({self.block_x}, {self.block_y}) {self.month:%Y-%m}: {self.n}"


class OutcomeMonth(Counted):
    """Outcomes of the reports of one local month, per category, status, unit,
    department and time-to-resolve bucket: what the dashboard's median and p90 time
    to resolve, late-resolution rate and satisfaction need, without reading reports.

    ``bucket`` is ``analytics_hours_bucket(reported_at, resolved_at)``: -1 when the
    report has no resolution time, 0 under one minute, else ``b`` for hours in
    ``[H0 · 2^((b-1)/4), H0 · 2^(b/4))`` with H0 one minute (``analytics.grid``):
    four buckets per doubling, so a percentile read at a bucket's geometric middle
    is within a factor 2^(1/8) (≤ 9.05 %) of the exact one. The counts are reports
    (``n``), those resolved after their deadline (``late``), those with both a
    resolution and a deadline (``with_due``), the three ratings and those reopened
    at least once (``reopened``, migration 0007). No spatial key:
    a selection with a box reads these from the reports (``analytics.stats``).
    Kept by the same statement triggers as ``CellDay`` (migration 0005)."""

    pk = models.CompositePrimaryKey(
        "month", "category_id", "status", "unit_id", "department_id", "bucket"
    )
    month = models.DateField()  # first day of the local month
    bucket = models.SmallIntegerField()
    late = models.IntegerField()
    with_due = models.IntegerField()
    satisfied = models.IntegerField()
    acceptable = models.IntegerField()
    dissatisfied = models.IntegerField()
    # Reports reopened at least once (``reopen_count > 0``; migration 0007).
    reopened = models.IntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} bucket {self.bucket}: {self.n}"


class CellYear(Counted):
    """The cell × day counts summed over local calendar years.

    A view of ten years reads ten rows per cell and dimension here instead of
    about one per report and day from ``CellDay`` (the zoom-16 view of a dense
    city centre: ~1.4M rows), and the frame of a zoom-13 view the same. Only the
    maps read it (clusters, heatmap, tiles: ``ReportFilter.cells_sql(years=True)``),
    for the whole years of their time range; the partial years come from
    ``CellDay``. Kept by the same statement triggers (migration 0009)."""

    pk = models.CompositePrimaryKey(
        "cell_x", "cell_y", "year", "category_id", "status", "unit_id", "department_id"
    )
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    year = models.DateField()  # 1 January of the local year

    def __str__(self) -> str:
        return f"({self.cell_x}, {self.cell_y}) {self.year:%Y}: {self.n}"


class BlockYear(Counted):
    """``CellMonth`` summed over local calendar years: a whole-city view of ten
    years (zoom ≤ 13) reads ten rows per block and dimension instead of 120. The
    maps read it for the whole years of their range (``coarse_sql(years=True)``);
    the dashboard, which counts by month, does not. Kept by the same statement
    triggers (migration 0009)."""

    pk = models.CompositePrimaryKey(
        "block_x",
        "block_y",
        "year",
        "category_id",
        "status",
        "unit_id",
        "department_id",
    )
    block_x = models.IntegerField()
    block_y = models.IntegerField()
    year = models.DateField()  # 1 January of the local year
    sx = models.BigIntegerField()
    sy = models.BigIntegerField()

    def __str__(self) -> str:
        return f"block ({self.block_x}, {self.block_y}) {self.year:%Y}: {self.n}"
