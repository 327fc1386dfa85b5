"""Two partial indexes on the reports, built concurrently (outside a transaction) so
a deploy does not block intake's writes to ``routing_report`` while they build:

- ``report_pending_review``: the reports awaiting publication review, newest first
  (the moderation queue and the count every staff page shows);
- ``report_resolved_at``: resolved reports, newest first (the portal's latest
  results, its Atom feed, the count resolved in the last 30 days; without it each
  sorts or scans every report: 500 ms at 200,000 reports). First written as
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
        # The moderation queue and the count every staff page shows
        # (routing.reports.moderation): only the reports awaiting review, newest first.
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(
                condition=models.Q(("publication", "pending")),
                fields=["-reported_at"],
                name="report_pending_review",
            ),
        ),
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", False)),
                fields=["-resolved_at", "-id"],
                name="report_resolved_at",
            ),
        ),
    ]
