"""The reports of one rectangle of fine cells, read from the location index alone.

A view's edge ring (``analytics.selection``) is a few rectangles of 25 m fine cells,
read one fine column at a time from ``analytics_report_fine``. Written inline in
the view's statement, the planner has to guess how many reports a list of
thousands of fine columns holds (zoom 10: ~8,000 columns), guesses hundreds of
thousands, and intersects the time and category indexes over the whole table
instead (0.65 s for an empty ring). This function runs the same read as its own
statement that may not scan the table or build bitmaps, so it reads the fine
columns it is given and nothing else, whatever the guess (or, for a ring its
statistics know to be empty, the location's GiST index). The columns are listed
in the function (one descent of the index each), from their first and last, so a
wide ring costs no long array in the view's statement. Filters left NULL select
everything; the box test is exact (``ST_Intersects``, edges included). Rows are
the grid cell (the fine key divided by 8), the local day and the dimensions, as
the day table counts them.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION analytics_ring_reports(
    x0 integer, x1 integer, y0 integer, y1 integer, box geometry,
    since timestamptz, until timestamptz, categories bigint[], statuses text[],
    units bigint[], departments bigint[])
RETURNS TABLE (cell_x integer, cell_y integer, day date, category_id bigint,
               status varchar, unit_id bigint, department_id bigint)
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $$
    SELECT floor(analytics_fine_x(r.location)::float8 / 8)::integer,
           floor(analytics_fine_y(r.location)::float8 / 8)::integer,
           analytics_day(r.reported_at), r.category_id, r.status, r.unit_id,
           r.department_id
    FROM routing_report r
    WHERE analytics_fine_x(r.location) = ANY(ARRAY(SELECT generate_series(x0, x1)))
      AND analytics_fine_y(r.location) BETWEEN y0 AND y1
      AND ST_Intersects(r.location, box)
      AND (since IS NULL OR r.reported_at >= since)
      AND (until IS NULL OR r.reported_at < until)
      AND (categories IS NULL OR r.category_id = ANY(categories))
      AND (statuses IS NULL OR r.status = ANY(statuses))
      AND (units IS NULL OR r.unit_id = ANY(units))
      AND (departments IS NULL OR r.department_id = ANY(departments))
$$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS analytics_ring_reports(integer, integer, integer, integer,
    geometry, timestamptz, timestamptz, bigint[], text[], bigint[], bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("analytics", "0010_years_triggers")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
