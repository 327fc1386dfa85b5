"""The grid, the local day and the triggers that keep ``analytics_cellday`` right.

Why triggers. Reports are written by many paths: the citizen intake (one row at a
time), the workflow (status changes), set-based re-routes after a zone publish
(``routing.zones.bulk.reports_reroute``: one UPDATE of up to millions of rows),
Open311, bulk imports and the occasional psql fix. Calling analytics from each of them
would make routing import analytics (the flow of imports goes the other way: analytics
reads routing) and every new write path would have to remember the call. A trigger on
``routing_report`` sees every write, in the writer's transaction, so the aggregates
commit or roll back with the reports.

Why statement-level triggers with transition tables. A row-level trigger would run an
upsert per report: a million-row re-route would become a million upserts. Statement
triggers see all the rows a statement changed (``REFERENCING OLD TABLE / NEW TABLE``)
and apply the net change per aggregate key with one ``INSERT … ON CONFLICT`` — a
re-route of a million reports updates the aggregates set-based, in one statement. The
UPDATE trigger cannot name columns (PostgreSQL forbids a column list with transition
tables), so it first keeps the rows whose location, day, category, status, unit or
department changed; an UPDATE of other columns (``updated_at``, a rating) costs a join
of the two transition tables and nothing else.

Keys are upserted in sorted order, so two large statements lock aggregate rows in the
same order and do not deadlock each other; concurrent single-report inserts into the
same key wait for each other through ``ON CONFLICT``. Rows whose count reaches zero
are deleted by their TIDs, taken from the upsert's RETURNING (the rows stay locked by
this transaction in between). A TRUNCATE of reports truncates the aggregates.

The grid (200 m squares of EPSG:32648) and the day (Asia/Ho_Chi_Minh) are written here
as SQL functions and nowhere else in SQL; ``analytics.grid`` holds the same numbers
for Python and a test checks that they agree. They are the table's definition, not
settings: a change is a new migration plus ``manage.py analytics_rebuild``.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION analytics_cell_m() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 200 $$;

CREATE FUNCTION analytics_grid_srid() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 32648 $$;

-- The cell of a point, as integer keys. RETURNS TABLE so that PostgreSQL inlines it
-- into the caller's FROM (one ST_Transform per row, no function-call overhead).
CREATE FUNCTION analytics_cell(g geometry)
    RETURNS TABLE (cell_x integer, cell_y integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(ST_X(p) / 200)::integer, floor(ST_Y(p) / 200)::integer
    FROM (SELECT ST_Transform(g, 32648) AS p) t
$$;

CREATE FUNCTION analytics_day(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;
"""

KEYS = "cell_x, cell_y, day, category_id, status, unit_id, department_id"

# The net change, as rows (keys…, n), applied with one upsert; rows whose count falls
# to zero are deleted by TID. ``{delta}`` is a SELECT yielding (keys…, n).
APPLY = f"""
    WITH delta AS ({{delta}}),
    up AS (
        INSERT INTO analytics_cellday AS a ({KEYS}, n)
        SELECT {KEYS}, n FROM delta WHERE n <> 0 ORDER BY {KEYS}
        ON CONFLICT ({KEYS}) DO UPDATE SET n = a.n + EXCLUDED.n
        RETURNING a.ctid AS tid, a.n
    )
    SELECT array_agg(tid) FILTER (WHERE n = 0) INTO zero FROM up;
    IF zero IS NOT NULL THEN
        DELETE FROM analytics_cellday WHERE ctid = ANY(zero) AND n = 0;
    END IF;
"""

# One row's keys and sign, from a transition table aliased t.
ROW_KEYS = """
    SELECT c.cell_x, c.cell_y, analytics_day(t.reported_at) AS day, t.category_id,
           t.status, t.unit_id, t.department_id, {sign} AS n
    FROM {table} t CROSS JOIN LATERAL analytics_cell(t.location) c
"""

GROUPED = f"SELECT {KEYS}, sum(n)::integer AS n FROM ({{rows}}) r GROUP BY {KEYS}"

INSERT_DELTA = GROUPED.format(rows=ROW_KEYS.format(sign=1, table="new_rows"))
DELETE_DELTA = GROUPED.format(rows=ROW_KEYS.format(sign=-1, table="old_rows"))
V_KEYS = ", ".join(f"v.{key}" for key in KEYS.split(", "))
# Updates: only the rows whose keys may have changed; their old keys leave (-1) and
# their new keys arrive (+1). The new cell is projected only when the point moved.
UPDATE_DELTA = f"""
    SELECT {V_KEYS}, sum(v.n)::integer AS n
    FROM old_rows o
    JOIN new_rows w ON w.id = o.id
    CROSS JOIN LATERAL analytics_cell(o.location) co
    CROSS JOIN LATERAL analytics_cell(
        CASE WHEN w.location = o.location THEN NULL ELSE w.location END) cw
    CROSS JOIN LATERAL (VALUES
        (co.cell_x, co.cell_y, analytics_day(o.reported_at), o.category_id,
         o.status, o.unit_id, o.department_id, -1),
        (coalesce(cw.cell_x, co.cell_x), coalesce(cw.cell_y, co.cell_y),
         analytics_day(w.reported_at), w.category_id, w.status, w.unit_id,
         w.department_id, 1)
    ) v ({KEYS}, n)
    WHERE (o.location, o.reported_at, o.category_id, o.status, o.unit_id,
           o.department_id)
          IS DISTINCT FROM
          (w.location, w.reported_at, w.category_id, w.status, w.unit_id,
           w.department_id)
    GROUP BY {V_KEYS}
"""


def _function(name: str, delta: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    zero tid[];
BEGIN
    {APPLY.format(delta=delta)}
    RETURN NULL;
END
$fn$;
"""


TRIGGERS = (
    FUNCTIONS
    + _function("analytics_report_inserted", INSERT_DELTA)
    + _function("analytics_report_updated", UPDATE_DELTA)
    + _function("analytics_report_deleted", DELETE_DELTA)
    + """
CREATE FUNCTION analytics_report_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE analytics_cellday;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER analytics_report_inserted AFTER INSERT ON routing_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_report_inserted();
CREATE TRIGGER analytics_report_updated AFTER UPDATE ON routing_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_report_updated();
CREATE TRIGGER analytics_report_deleted AFTER DELETE ON routing_report
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_report_deleted();
CREATE TRIGGER analytics_report_truncated AFTER TRUNCATE ON routing_report
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_report_truncated();

-- Reports already in the table when the app is installed.
INSERT INTO analytics_cellday (cell_x, cell_y, day, category_id, status, unit_id,
                               department_id, n)
SELECT c.cell_x, c.cell_y, analytics_day(r.reported_at), r.category_id, r.status,
       r.unit_id, r.department_id, count(*)
FROM routing_report r CROSS JOIN LATERAL analytics_cell(r.location) c
GROUP BY 1, 2, 3, 4, 5, 6, 7;
"""
)

REVERSE = """
DROP TRIGGER IF EXISTS analytics_report_inserted ON routing_report;
DROP TRIGGER IF EXISTS analytics_report_updated ON routing_report;
DROP TRIGGER IF EXISTS analytics_report_deleted ON routing_report;
DROP TRIGGER IF EXISTS analytics_report_truncated ON routing_report;
DROP FUNCTION IF EXISTS analytics_report_inserted();
DROP FUNCTION IF EXISTS analytics_report_updated();
DROP FUNCTION IF EXISTS analytics_report_deleted();
DROP FUNCTION IF EXISTS analytics_report_truncated();
DROP FUNCTION IF EXISTS analytics_cell(geometry);
DROP FUNCTION IF EXISTS analytics_day(timestamptz);
DROP FUNCTION IF EXISTS analytics_cell_m();
DROP FUNCTION IF EXISTS analytics_grid_srid();
TRUNCATE analytics_cellday;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_cellday"),
        ("routing", "0003_reports_lifecycle"),
    ]

    operations = [migrations.RunSQL(TRIGGERS, REVERSE)]
