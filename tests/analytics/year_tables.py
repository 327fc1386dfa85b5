"""The year tables (cell × year, block × year) as kept, and as a GROUP BY over the
reports gives them, written independently of the migration (projected 200 m cell,
block of 8 × 8 cells, local year)."""

from __future__ import annotations

from django.db import connection

from analytics.models import BlockYear, CellYear

DIMS = "year, category_id, status, unit_id, department_id"

# Both tables as a GROUP BY over the reports gives them, written independently of
# the migration (projected 200 m cell, block of 8 × 8 cells, local year).
FRESH = f"""
    SELECT {{keys}}, {DIMS}, count(*)::int {{sums}}
    FROM (SELECT r.*,
                 floor(ST_X(ST_Transform(location, 32648)) / 200)::int AS cell_x,
                 floor(ST_Y(ST_Transform(location, 32648)) / 200)::int AS cell_y,
                 date_trunc('year', reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     AS year
          FROM routing_report r) r
    GROUP BY {{group}}, {DIMS} ORDER BY {{group}}, {DIMS}
"""
CELLS = FRESH.format(keys="cell_x, cell_y", sums="", group="cell_x, cell_y")
BLOCKS = FRESH.format(
    keys="floor(cell_x / 8.0)::int AS bx, floor(cell_y / 8.0)::int AS by",
    sums=", sum(cell_x)::bigint, sum(cell_y)::bigint",
    group="bx, by",
)


def fresh() -> tuple[list[tuple], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(CELLS)
        cells = cursor.fetchall()
        cursor.execute(BLOCKS)
        blocks = cursor.fetchall()
    return cells, blocks


def kept() -> tuple[list[tuple], list[tuple]]:
    dims = DIMS.split(", ")
    cells = list(
        CellYear.objects.order_by("cell_x", "cell_y", *dims).values_list(
            "cell_x", "cell_y", *dims, "n"
        )
    )
    blocks = list(
        BlockYear.objects.order_by("block_x", "block_y", *dims).values_list(
            "block_x", "block_y", *dims, "n", "sx", "sy"
        )
    )
    return cells, blocks
