"""Result notes for reports resolved before 0016 added the column (the moderation
queue's partial index, first written here, is built concurrently by 0018).

``BACKFILL_RESULT_NOTE`` gives a resolved or closed report without a result note
the note of its last public step into ``resolved`` (at most 2000 characters). SQL
cannot mask it: it is copied as written, and masked whenever it is shown
(``routing.reports.publication.result_note_public`` → ``note_public``).
"""

from django.db import migrations

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
        migrations.RunSQL(BACKFILL_RESULT_NOTE, migrations.RunSQL.noop),
    ]
