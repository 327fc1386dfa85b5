"""Insert the generated rows, and the bulk-load helpers around the insert.

One ``INSERT … SELECT`` per table, so the analytics triggers aggregate the rows in
one statement too; with the foreign-key checks skipped (``unchecked``, which silences
the triggers), :data:`AGGREGATE` adds the aggregates itself; with ``reindex``, the
secondary indexes are dropped for the load and built again after it.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from analytics.rebuild import rollups_from


def run(cursor: CursorWrapper, sql: str, params: dict[str, Any] | None = None) -> float:
    """Execute ``sql``; its time in seconds."""
    start = time.perf_counter()
    cursor.execute(sql, params)
    return round(time.perf_counter() - start, 3)


def _defaults(
    model: type[Model], given: set[str], cursor: CursorWrapper
) -> dict[str, Any]:
    """Bound defaults for the NOT NULL columns of ``model``'s table that the
    statement leaves out (columns other apps may add later included)."""
    present = {
        c.name
        for c in connection.introspection.get_table_description(
            cursor, model._meta.db_table
        )
    }
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column in given or f.column not in present or f.null or f.primary_key:
            continue
        if f.has_default() or f.empty_strings_allowed:
            out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


def insert(
    cursor: CursorWrapper, model: type[Model], columns: dict[str, str], source: str
) -> float:
    defaults = _defaults(model, set(columns), cursor)
    names = [*columns, *defaults]
    values = [*columns.values(), *(f"%(d_{c})s" for c in defaults)]
    return run(
        cursor,
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {source}",
        {f"d_{c}": v for c, v in defaults.items()},
    )


# What the analytics insert trigger does, for the generated rows (unchecked runs):
# their cell × day counts, computed once, upserted into every aggregate table.
_AGGREGATE = """
    CREATE TEMP TABLE gen_cells AS
    SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at) AS day, r.category_id,
           r.status, r.unit_id, r.department_id, count(*)::integer AS n
    FROM routing_report r
    JOIN gen_route g ON g.id = r.id
    CROSS JOIN LATERAL analytics_cell(r.location) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO analytics_cellday AS a (cell_x, cell_y, day, category_id, status,
                                        unit_id, department_id, n)
    SELECT * FROM gen_cells ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (cell_x, cell_y, day, category_id, status, unit_id, department_id)
    DO UPDATE SET n = a.n + EXCLUDED.n;
    {rollups}
    DROP TABLE gen_cells;
    INSERT INTO analytics_outcomemonth AS o (month, category_id, status, unit_id,
        department_id, bucket, n, late, with_due, satisfied, acceptable, dissatisfied,
        reopened)
    SELECT date_trunc('month', analytics_day(r.reported_at))::date, r.category_id,
           r.status, r.unit_id, r.department_id,
           analytics_hours_bucket(r.reported_at, r.resolved_at), count(*),
           count(*) FILTER (WHERE r.resolved_at > r.due_at),
           count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.due_at IS NOT NULL),
           count(*) FILTER (WHERE r.rating = 'satisfied'),
           count(*) FILTER (WHERE r.rating = 'acceptable'),
           count(*) FILTER (WHERE r.rating = 'dissatisfied'),
           count(*) FILTER (WHERE r.reopen_count > 0)
    FROM routing_report r JOIN gen_route g ON g.id = r.id
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, category_id, status, unit_id, department_id, bucket)
    DO UPDATE SET n = o.n + EXCLUDED.n, late = o.late + EXCLUDED.late,
        with_due = o.with_due + EXCLUDED.with_due,
        satisfied = o.satisfied + EXCLUDED.satisfied,
        acceptable = o.acceptable + EXCLUDED.acceptable,
        dissatisfied = o.dissatisfied + EXCLUDED.dissatisfied,
        reopened = o.reopened + EXCLUDED.reopened
"""
# The roll-ups as the rebuild computes them, from the generated rows' cell × day
# counts, each upserted in key order.
AGGREGATE = _AGGREGATE.replace(
    "{rollups}",
    "\n".join(
        f"INSERT INTO {table} AS t ({keys}, {', '.join(counts)}) {select} "
        f"ORDER BY 1, 2, 3, 4, 5, 6, 7 ON CONFLICT ({keys}) DO UPDATE SET "
        + ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in counts)
        + ";"
        for table, keys, counts, select in rollups_from("gen_cells")
    ),
)

# Secondary indexes of the tables a bulk load fills (``reindex``): every index that
# backs no constraint (primary keys and unique constraints stay, so the load is
# still checked for duplicates).
_SECONDARY = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = ANY(ARRAY['routing_report'::regclass,
                                 'routing_assignment'::regclass])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname
"""


def indexes_drop(cursor: CursorWrapper) -> list[str]:
    """Drop the secondary indexes; return the statements that make them again."""
    cursor.execute(_SECONDARY)
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]
