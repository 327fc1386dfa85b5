"""A partial index on the reports' resolution time, newest first, for the public
portal's figures that follow the latest resolutions: its latest results, its Atom
feed (the 50 latest, per unit and category) and the count of reports resolved in
the last 30 days. Without it each of them sorts or scans every report (500 ms at
200,000 reports).

Built concurrently (outside a transaction), so a deploy does not block intake's
writes to ``routing_report`` while it builds. It was first written as
analytics/0008 (a plain CREATE INDEX, removed the same day, never deployed).
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("routing", "0017_pending_review_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", False)),
                fields=["-resolved_at", "-id"],
                name="report_resolved_at",
            ),
        ),
    ]
