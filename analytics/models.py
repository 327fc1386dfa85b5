"""The pre-aggregated report counts that every map and dashboard reads."""

from __future__ import annotations

from django.db import models


class CellDay(models.Model):
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
    category_id = models.BigIntegerField()
    status = models.CharField(max_length=12)
    unit_id = models.BigIntegerField()
    department_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="analytics_cellday_day")]

    def __str__(self) -> str:
        return f"({self.cell_x}, {self.cell_y}) {self.day}: {self.n}"
