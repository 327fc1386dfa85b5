"""A ``reopened`` count on ``analytics_outcomemonth`` (reports reopened at least once:
``reopen_count > 0``), for the public scorecards' reopen rate, and the triggers of
0006 rewritten to keep it.

The three trigger functions are those of 0006 with one more count: a report's
outcome row carries ``reopened`` = 1 when its ``reopen_count`` is above zero, and an
update moves the report's row when ``reopen_count`` changes too (a reopening sets
``resolved_at`` to NULL as well, which already moved it). The existing rows are
recounted from the reports in the same transaction. The reverse restores 0006's
functions before the column goes.
"""

import importlib

from django.db import migrations, models

cells = importlib.import_module("analytics.migrations.0004_cellmonth_triggers")
first = importlib.import_module("analytics.migrations.0002_cellday_triggers")
previous = importlib.import_module("analytics.migrations.0006_outcome_triggers")

OKEYS = previous.OKEYS
COUNTS = (*previous.COUNTS, "reopened")

# One report's outcome row, signed, from a transition table aliased t.
ROW = previous.ROW.replace(
    "AS dissatisfied\n    FROM {table} t",
    "AS dissatisfied,\n"
    "           {sign} * (t.reopen_count > 0)::integer AS reopened\n"
    "    FROM {table} t",
)
assert "AS reopened" in ROW

SUMS = ", ".join(f"sum({c})::integer AS {c}" for c in COUNTS)
GROUPED = f"SELECT {OKEYS}, {SUMS} FROM ({{rows}}) r GROUP BY {OKEYS}"

CHANGED = (
    "(o.reported_at, o.category_id, o.status, o.unit_id, o.department_id, "
    "o.resolved_at, o.due_at, o.rating, o.reopen_count > 0) IS DISTINCT FROM "
    "(w.reported_at, w.category_id, w.status, w.unit_id, w.department_id, "
    "w.resolved_at, w.due_at, w.rating, w.reopen_count > 0)"
)
_PAIRS = f"(SELECT {{side}}.* FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE {CHANGED})"

INSERT_DELTA = GROUPED.format(rows=ROW.format(sign=1, table="new_rows"))
DELETE_DELTA = GROUPED.format(rows=ROW.format(sign=-1, table="old_rows"))
UPDATE_DELTA = GROUPED.format(
    rows=ROW.format(sign=-1, table=_PAIRS.format(side="o"))
    + " UNION ALL "
    + ROW.format(sign=1, table=_PAIRS.format(side="w"))
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


FORWARD = (
    _function("analytics_report_inserted", first.INSERT_DELTA, INSERT_DELTA)
    + _function("analytics_report_updated", first.UPDATE_DELTA, UPDATE_DELTA)
    + _function("analytics_report_deleted", first.DELETE_DELTA, DELETE_DELTA)
    + f"""
TRUNCATE analytics_outcomemonth;
INSERT INTO analytics_outcomemonth ({OKEYS}, {", ".join(COUNTS)})
{GROUPED.format(rows=ROW.format(sign=1, table="routing_report"))};
"""
)

REVERSE = (
    previous._function(
        "analytics_report_inserted", first.INSERT_DELTA, previous.INSERT_DELTA
    )
    + previous._function(
        "analytics_report_updated", first.UPDATE_DELTA, previous.UPDATE_DELTA
    )
    + previous._function(
        "analytics_report_deleted", first.DELETE_DELTA, previous.DELETE_DELTA
    )
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0006_outcome_triggers"),
        ("routing", "0016_resolution_proof_reopen_count"),
    ]

    operations = [
        # A database default too: bulk loads that predate the column still insert.
        migrations.AddField(
            model_name="outcomemonth",
            name="reopened",
            field=models.IntegerField(default=0, db_default=0),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
