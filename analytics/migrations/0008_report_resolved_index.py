"""A partial index on the reports' resolution time, for the public portal's figures
that follow the latest resolutions: its latest results, its Atom feed (the 50 latest,
per unit and category) and the count of reports resolved in the last 30 days.

Without it each of them sorts or scans every report (500 ms at 200,000 reports,
growing with the table); with it they read the newest entries of the index. Like
0006's deadline index it lives here, beside the other read paths of the reports
that the analytics serve, so that routing's models stay free of them.

On merge: it follows the latest analytics migration (0007 if another branch made
one); the index itself depends on nothing but ``routing_report``.
"""

from django.db import migrations

FORWARD = """
    CREATE INDEX IF NOT EXISTS report_resolved_at
    ON routing_report (resolved_at DESC, id DESC)
    WHERE resolved_at IS NOT NULL;
"""
REVERSE = "DROP INDEX IF EXISTS report_resolved_at;"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_outcome_reopened"),
        ("routing", "0016_resolution_proof_reopen_count"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
