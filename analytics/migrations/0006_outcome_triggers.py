"""The triggers of 0004, now also keeping ``analytics_outcomemonth`` (the dashboard's
time-to-resolve histogram, late resolutions and ratings per month × category ×
status × unit × department), and a partial index for the one dashboard figure that
depends on the clock (open reports past their deadline).

The outcome change is computed from the same transition tables, in a second
statement of the same trigger function: inserts add +1 rows, deletes −1 rows, and
updates −1 for the old and +1 for the new version of each report whose month,
category, status, unit, department, resolution time, deadline or rating changed.
Keys are upserted in sorted order; rows whose count falls to zero are deleted.

``analytics_hours_bucket`` is the bucket rule, written here and in
``analytics.grid`` (H0_HOURS, PER_DOUBLING) only; a test checks they agree.
"""

import importlib

from django.db import migrations

cells = importlib.import_module("analytics.migrations.0004_cellmonth_triggers")
first = importlib.import_module("analytics.migrations.0002_cellday_triggers")

OKEYS = "month, category_id, status, unit_id, department_id, bucket"
COUNTS = ("n", "late", "with_due", "satisfied", "acceptable", "dissatisfied")

# One report's outcome row, signed, from a transition table aliased t.
ROW = """
    SELECT date_trunc('month', analytics_day(t.reported_at))::date AS month,
           t.category_id, t.status, t.unit_id, t.department_id,
           analytics_hours_bucket(t.reported_at, t.resolved_at) AS bucket,
           {sign} AS n,
           {sign} * coalesce((t.resolved_at > t.due_at)::integer, 0) AS late,
           {sign} * (t.resolved_at IS NOT NULL AND t.due_at IS NOT NULL)::integer
               AS with_due,
           {sign} * (t.rating = 'satisfied')::integer AS satisfied,
           {sign} * (t.rating = 'acceptable')::integer AS acceptable,
           {sign} * (t.rating = 'dissatisfied')::integer AS dissatisfied
    FROM {table} t
"""

SUMS = ", ".join(f"sum({c})::integer AS {c}" for c in COUNTS)
GROUPED = f"SELECT {OKEYS}, {SUMS} FROM ({{rows}}) r GROUP BY {OKEYS}"

INSERT_DELTA = GROUPED.format(rows=ROW.format(sign=1, table="new_rows"))
DELETE_DELTA = GROUPED.format(rows=ROW.format(sign=-1, table="old_rows"))
UPDATE_DELTA = GROUPED.format(
    rows=ROW.format(
        sign=-1,
        table="(SELECT o.* FROM old_rows o JOIN new_rows w ON w.id = o.id "
        "WHERE {changed})",
    )
    + " UNION ALL "
    + ROW.format(
        sign=1,
        table="(SELECT w.* FROM old_rows o JOIN new_rows w ON w.id = o.id "
        "WHERE {changed})",
    )
).replace(
    "{changed}",
    "(o.reported_at, o.category_id, o.status, o.unit_id, o.department_id, "
    "o.resolved_at, o.due_at, o.rating) IS DISTINCT FROM (w.reported_at, "
    "w.category_id, w.status, w.unit_id, w.department_id, w.resolved_at, w.due_at, "
    "w.rating)",
)

NONZERO = " OR ".join(f"{c} <> 0" for c in COUNTS)
ADD = ", ".join(f"{c} = o.{c} + EXCLUDED.{c}" for c in COUNTS)

OUTCOME_APPLY = f"""
    WITH delta AS ({{delta}}),
    up AS (
        INSERT INTO analytics_outcomemonth AS o ({OKEYS}, {", ".join(COUNTS)})
        SELECT {OKEYS}, {", ".join(COUNTS)} FROM delta WHERE {NONZERO}
        ORDER BY {OKEYS}
        ON CONFLICT ({OKEYS}) DO UPDATE SET {ADD}
        RETURNING o.ctid AS tid, o.n
    )
    SELECT array_agg(tid) FILTER (WHERE n = 0) INTO zero_o FROM up;
    IF zero_o IS NOT NULL THEN
        DELETE FROM analytics_outcomemonth WHERE ctid = ANY(zero_o) AND n = 0;
    END IF;
"""


def _function(name: str, cell_delta: str, outcome_delta: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    zero tid[];
    zero_m tid[];
    zero_o tid[];
BEGIN
    {cells.APPLY.format(delta=cell_delta)}
    {OUTCOME_APPLY.format(delta=outcome_delta)}
    RETURN NULL;
END
$fn$;
"""


OPEN = "('received', 'assigned', 'in_progress', 'reopened')"  # Report.OPEN_STATUSES

FORWARD = (
    """
-- -1: no resolution time; 0: under a minute; b: [1 min · 2^((b-1)/4), · 2^(b/4)).
CREATE FUNCTION analytics_hours_bucket(reported timestamptz, resolved timestamptz)
    RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN resolved IS NULL THEN -1
        WHEN resolved - reported < interval '1 minute' THEN 0
        ELSE floor(4 * ln(extract(epoch FROM resolved - reported) / 60.0) / ln(2))
             + 1
    END::smallint
$$;
"""
    + _function("analytics_report_inserted", first.INSERT_DELTA, INSERT_DELTA)
    + _function("analytics_report_updated", first.UPDATE_DELTA, UPDATE_DELTA)
    + _function("analytics_report_deleted", first.DELETE_DELTA, DELETE_DELTA)
    + f"""
CREATE OR REPLACE FUNCTION analytics_report_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE analytics_cellday, analytics_cellmonth, analytics_outcomemonth;
    RETURN NULL;
END
$fn$;

-- Open reports by deadline: the dashboard's overdue count reads only these.
CREATE INDEX analytics_report_open_due ON routing_report (due_at)
    WHERE status IN {OPEN};

INSERT INTO analytics_outcomemonth ({OKEYS}, {", ".join(COUNTS)})
{GROUPED.format(rows=ROW.format(sign=1, table="routing_report"))};
"""
)

REVERSE = (
    cells.FORWARD.split("-- The roll-up of the counts already kept.")[0].replace(
        "CREATE FUNCTION analytics_block()",
        "CREATE OR REPLACE FUNCTION analytics_block()",
    )
    + """
DROP INDEX IF EXISTS analytics_report_open_due;
DROP FUNCTION IF EXISTS analytics_hours_bucket(timestamptz, timestamptz);
TRUNCATE analytics_outcomemonth;
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_outcomemonth"),
        ("routing", "0003_reports_lifecycle"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
