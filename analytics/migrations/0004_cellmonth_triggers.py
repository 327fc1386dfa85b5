"""The triggers of 0002, now keeping the block × month roll-up too.

Each trigger computes the statement's net change per cell × day key once (as in
0002), applies it to ``analytics_cellday``, then groups the same change by block
(``BLOCK`` × ``BLOCK`` cells: ``floor(cell / BLOCK)``) and local month and applies
that to ``analytics_cellmonth`` — all in one statement, so the two tables commit or
roll back together and can never disagree. A move inside one block and month changes
no count but does change ``sx``/``sy`` (the count-weighted cell sums), so such rows
are applied too. Keys are upserted in sorted order in both tables (no deadlocks
between large statements); rows whose count falls to zero are deleted by TID.

``analytics_block()`` is the block size in cells, written here and in
``analytics.grid.BLOCK`` only (a test checks they agree).
"""

import importlib

from django.db import migrations

previous = importlib.import_module("analytics.migrations.0002_cellday_triggers")

KEYS = "cell_x, cell_y, day, category_id, status, unit_id, department_id"
MKEYS = "block_x, block_y, month, category_id, status, unit_id, department_id"

APPLY = f"""
    WITH delta AS ({{delta}}),
    up AS (
        INSERT INTO analytics_cellday AS a ({KEYS}, n)
        SELECT {KEYS}, n FROM delta WHERE n <> 0 ORDER BY {KEYS}
        ON CONFLICT ({KEYS}) DO UPDATE SET n = a.n + EXCLUDED.n
        RETURNING a.ctid AS tid, a.n
    ),
    coarse AS (
        SELECT floor(cell_x / 8.0)::integer AS block_x,
               floor(cell_y / 8.0)::integer AS block_y,
               date_trunc('month', day)::date AS month,
               category_id, status, unit_id, department_id,
               sum(n)::integer AS n, sum(n::bigint * cell_x) AS sx,
               sum(n::bigint * cell_y) AS sy
        FROM delta GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    upm AS (
        INSERT INTO analytics_cellmonth AS m ({MKEYS}, n, sx, sy)
        SELECT {MKEYS}, n, sx, sy FROM coarse
        WHERE n <> 0 OR sx <> 0 OR sy <> 0 ORDER BY {MKEYS}
        ON CONFLICT ({MKEYS}) DO UPDATE
            SET n = m.n + EXCLUDED.n, sx = m.sx + EXCLUDED.sx, sy = m.sy + EXCLUDED.sy
        RETURNING m.ctid AS tid, m.n
    )
    SELECT (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM up),
           (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM upm)
    INTO zero, zero_m;
    IF zero IS NOT NULL THEN
        DELETE FROM analytics_cellday WHERE ctid = ANY(zero) AND n = 0;
    END IF;
    IF zero_m IS NOT NULL THEN
        DELETE FROM analytics_cellmonth WHERE ctid = ANY(zero_m) AND n = 0;
    END IF;
"""


def _function(name: str, delta: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    zero tid[];
    zero_m tid[];
BEGIN
    {APPLY.format(delta=delta)}
    RETURN NULL;
END
$fn$;
"""


FORWARD = (
    """
CREATE FUNCTION analytics_block() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 8 $$;
"""
    + _function("analytics_report_inserted", previous.INSERT_DELTA)
    + _function("analytics_report_updated", previous.UPDATE_DELTA)
    + _function("analytics_report_deleted", previous.DELETE_DELTA)
    + """
CREATE OR REPLACE FUNCTION analytics_report_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE analytics_cellday, analytics_cellmonth;
    RETURN NULL;
END
$fn$;

-- The roll-up of the counts already kept.
INSERT INTO analytics_cellmonth (block_x, block_y, month, category_id, status,
                                 unit_id, department_id, n, sx, sy)
SELECT floor(cell_x / 8.0)::integer, floor(cell_y / 8.0)::integer,
       date_trunc('month', day)::date, category_id, status, unit_id, department_id,
       sum(n)::integer, sum(n::bigint * cell_x), sum(n::bigint * cell_y)
FROM analytics_cellday GROUP BY 1, 2, 3, 4, 5, 6, 7;
"""
)

# Back to 0002's functions (which know nothing of the roll-up).
REVERSE = (
    previous._function("analytics_report_inserted", previous.INSERT_DELTA)
    + previous._function("analytics_report_updated", previous.UPDATE_DELTA)
    + previous._function("analytics_report_deleted", previous.DELETE_DELTA)
    + """
CREATE OR REPLACE FUNCTION analytics_report_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE analytics_cellday;
    RETURN NULL;
END
$fn$;
DROP FUNCTION IF EXISTS analytics_block();
TRUNCATE analytics_cellmonth;
"""
).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_cellmonth")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
