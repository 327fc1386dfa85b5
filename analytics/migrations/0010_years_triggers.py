"""The triggers of 0007, now keeping the year tables of 0009 too.

The statement's net change per cell × day key is computed once (0002) and applied,
as before, to ``analytics_cellday`` and, by block and month, to
``analytics_cellmonth``; the same change summed by cell and local year goes to
``analytics_cellyear``, and the block × month change summed by year to
``analytics_blockyear`` — one statement, so the five tables (with the outcomes of
0007) commit or roll back together. Keys are upserted in sorted order in every
table and rows whose count falls to zero are deleted by TID, as in 0004. The
existing counts are rolled up from ``analytics_cellday`` and
``analytics_cellmonth`` in the same transaction.
"""

import importlib

from django.db import migrations

first = importlib.import_module("analytics.migrations.0002_cellday_triggers")
cells = importlib.import_module("analytics.migrations.0004_cellmonth_triggers")
outcomes = importlib.import_module("analytics.migrations.0007_outcome_reopened")

KEYS = cells.KEYS
MKEYS = cells.MKEYS
YKEYS = "cell_x, cell_y, year, category_id, status, unit_id, department_id"
BKEYS = "block_x, block_y, year, category_id, status, unit_id, department_id"

# 0004's statement with two more upserts; the year rows are sums of the cell × day
# change (``delta``) and of its block × month roll-up (``coarse``).
YEARS = f"""
    ,
    yearly AS (
        SELECT cell_x, cell_y, date_trunc('year', day)::date AS year, category_id,
               status, unit_id, department_id, sum(n)::integer AS n
        FROM delta GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    upy AS (
        INSERT INTO analytics_cellyear AS y ({YKEYS}, n)
        SELECT {YKEYS}, n FROM yearly WHERE n <> 0 ORDER BY {YKEYS}
        ON CONFLICT ({YKEYS}) DO UPDATE SET n = y.n + EXCLUDED.n
        RETURNING y.ctid AS tid, y.n
    ),
    blocks AS (
        SELECT block_x, block_y, date_trunc('year', month)::date AS year,
               category_id, status, unit_id, department_id, sum(n)::integer AS n,
               sum(sx)::bigint AS sx, sum(sy)::bigint AS sy
        FROM coarse GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    upb AS (
        INSERT INTO analytics_blockyear AS b ({BKEYS}, n, sx, sy)
        SELECT {BKEYS}, n, sx, sy FROM blocks
        WHERE n <> 0 OR sx <> 0 OR sy <> 0 ORDER BY {BKEYS}
        ON CONFLICT ({BKEYS}) DO UPDATE
            SET n = b.n + EXCLUDED.n, sx = b.sx + EXCLUDED.sx, sy = b.sy + EXCLUDED.sy
        RETURNING b.ctid AS tid, b.n
    )
    SELECT (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM up),
           (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM upm),
           (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM upy),
           (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM upb)
    INTO zero, zero_m, zero_y, zero_b;
    IF zero_y IS NOT NULL THEN
        DELETE FROM analytics_cellyear WHERE ctid = ANY(zero_y) AND n = 0;
    END IF;
    IF zero_b IS NOT NULL THEN
        DELETE FROM analytics_blockyear WHERE ctid = ANY(zero_b) AND n = 0;
    END IF;"""

_TAIL = """
    SELECT (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM up),
           (SELECT array_agg(tid) FILTER (WHERE n = 0) FROM upm)
    INTO zero, zero_m;"""
assert _TAIL in cells.APPLY
APPLY = cells.APPLY.replace(_TAIL, YEARS)


def _function(name: str, cell_delta: str, outcome_delta: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    zero tid[];
    zero_m tid[];
    zero_y tid[];
    zero_b tid[];
    zero_o tid[];
BEGIN
    {APPLY.format(delta=cell_delta)}
    {outcomes.OUTCOME_APPLY.format(delta=outcome_delta)}
    RETURN NULL;
END
$fn$;
"""


def _truncated(tables: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION analytics_report_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE {tables};
    RETURN NULL;
END
$fn$;
"""


BEFORE = "analytics_cellday, analytics_cellmonth, analytics_outcomemonth"

FORWARD = (
    _function("analytics_report_inserted", first.INSERT_DELTA, outcomes.INSERT_DELTA)
    + _function("analytics_report_updated", first.UPDATE_DELTA, outcomes.UPDATE_DELTA)
    + _function("analytics_report_deleted", first.DELETE_DELTA, outcomes.DELETE_DELTA)
    + _truncated(f"{BEFORE}, analytics_cellyear, analytics_blockyear")
    + f"""
INSERT INTO analytics_cellyear ({YKEYS}, n)
SELECT cell_x, cell_y, date_trunc('year', day)::date, category_id, status, unit_id,
       department_id, sum(n)::integer
FROM analytics_cellday GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO analytics_blockyear ({BKEYS}, n, sx, sy)
SELECT block_x, block_y, date_trunc('year', month)::date, category_id, status,
       unit_id, department_id, sum(n)::integer, sum(sx)::bigint, sum(sy)::bigint
FROM analytics_cellmonth GROUP BY 1, 2, 3, 4, 5, 6, 7;
"""
)

REVERSE = (
    outcomes.FORWARD.split("TRUNCATE analytics_outcomemonth;")[0]
    + _truncated(BEFORE)
    + "TRUNCATE analytics_cellyear, analytics_blockyear;"
)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0009_years")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
