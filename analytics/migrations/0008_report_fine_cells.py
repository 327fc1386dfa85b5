"""Reports laid out by location in an index that answers the map's edge strips alone.

A map view is counted from the aggregates for its whole 200 m cells and from the
raw reports for the strips along its edges (``analytics.selection``). At ten years
of a city those strips hold hundreds of thousands of reports, scattered over the
whole table: read through the GiST index they cost one random heap page each
(1.6 s for a dense zoom-16 view at 10M reports). This index holds every report
sorted by its 25 m *fine cell* (``analytics_fine_x/y``: the 200 m grid cut 8 × 8,
so a fine cell lies in exactly one grid cell, ``floor(fine / 8)``), with every
column the strips need (id, location, time, category, status, unit, department):
the strips are read as a few ranges of it by an index-only scan, without
touching the table, and the report's grid cell comes from the index key instead
of a projection per row. Built ``CONCURRENTLY``: on a live database the reports stay
writable while it is made.

The fine key is ``floor(x / 25)`` of the same UTM 48N coordinate as the grid's
``floor(x / 200)``. Dividing by 25 is dividing by 200 and multiplying by 8, a power
of two, which binary floating point does exactly, so ``floor(fine / 8)`` is the
grid cell bit for bit — the strips and the triggers can never put a report in two
different cells.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION analytics_fine_m() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 25 $$;

CREATE FUNCTION analytics_fine_x(g geometry) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(ST_X(ST_Transform(g, 32648)) / 25)::integer
$$;

CREATE FUNCTION analytics_fine_y(g geometry) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(ST_Y(ST_Transform(g, 32648)) / 25)::integer
$$;
"""

# Statement by statement (a concurrent build runs outside any transaction); an
# index left invalid by an interrupted build is dropped and made again.
INDEX = [
    "DROP INDEX CONCURRENTLY IF EXISTS analytics_report_fine",
    """
    CREATE INDEX CONCURRENTLY analytics_report_fine ON routing_report
        (analytics_fine_x(location), analytics_fine_y(location))
        INCLUDE (id, location, reported_at, category_id, status, unit_id,
                 department_id)
    """,
]

REVERSE_INDEX = ["DROP INDEX CONCURRENTLY IF EXISTS analytics_report_fine"]
REVERSE_FUNCTIONS = """
DROP FUNCTION IF EXISTS analytics_fine_x(geometry);
DROP FUNCTION IF EXISTS analytics_fine_y(geometry);
DROP FUNCTION IF EXISTS analytics_fine_m();
"""


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("analytics", "0007_outcome_reopened"),
        ("routing", "0018_report_resolved_at_index"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, REVERSE_FUNCTIONS),
        migrations.RunSQL(INDEX, REVERSE_INDEX),
    ]
