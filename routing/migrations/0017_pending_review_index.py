"""The moderation queue's partial index, and result notes for reports resolved
before 0016 added the column.

``report_pending_review`` holds only the reports awaiting the operations centre's
publication review (few), newest first: the queue and the count every staff page
shows (``routing.reports.moderation``) read it instead of scanning the table.

``BACKFILL_RESULT_NOTE`` gives a resolved or closed report without a result note
the note of its last public step into ``resolved`` (at most 2000 characters). SQL
cannot mask it: it is copied as written, and masked whenever it is shown
(``routing.reports.publication.result_note_public`` → ``note_public``).
"""

from django.db import migrations, models

BACKFILL_RESULT_NOTE = """
UPDATE routing_report AS r
SET result_note = left(e.note, 2000)
FROM (
    SELECT DISTINCT ON (report_id) report_id, note
    FROM routing_reportevent
    WHERE kind = 'status' AND to_status = 'resolved' AND public AND note <> ''
    ORDER BY report_id, at DESC, id DESC
) AS e
WHERE r.id = e.report_id
  AND r.status IN ('resolved', 'closed')
  AND r.result_note = ''
"""


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0016_resolution_proof_reopen_count"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("publication", "pending")),
                fields=["-reported_at"],
                name="report_pending_review",
            ),
        ),
        migrations.RunSQL(BACKFILL_RESULT_NOTE, migrations.RunSQL.noop),
    ]
