"""Idempotency keys scoped per client, expiring; receipt nonces; no unsalted
fingerprints.

Keys move from the global ``Report.idempotency_key`` column to
``IdempotencyKey(scope, key)``. Open311 keys were stored as
``open311-<api key id>-<SHA-256 of the partner's key>``: they get the scope
``open311:<id>`` and keep the digest as their key, which the new code (storing a
partner's key as sent) never matches again, so a partner's retry that spans the
upgrade makes a second report; the rows expire within a day like any other. Keys of
hotline reports are scoped to the staff user who entered them, every other key to
the citizen channel it came by.

Fingerprints already stored in ``submitted`` events are unsalted SHA-256 digests over
the report's content, contact included; anyone reading the event could test guesses
of the phone behind an anonymous report. They are removed (a replay of such a
report is then answered without the content check); new ones are HMACs with a
server key (``routing.intake.idempotency.submission_fingerprint``).

Going back restores the column empty: the keys are lost, which only matters for a
day.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

KEYS_COPY = r"""
INSERT INTO routing_idempotencykey (scope, key, report_id, created_at)
SELECT
    CASE
        WHEN r.idempotency_key ~ '^open311-[0-9]+-'
            THEN 'open311:' || split_part(r.idempotency_key, '-', 2)
        WHEN r.channel = 'hotline' AND submitted.actor_id IS NOT NULL
            THEN 'staff:' || submitted.actor_id
        ELSE 'citizen:' || r.channel
    END,
    CASE
        WHEN r.idempotency_key ~ '^open311-[0-9]+-'
            THEN substring(r.idempotency_key FROM '^open311-[0-9]+-(.*)$')
        ELSE r.idempotency_key
    END,
    r.id,
    r.created_at
FROM routing_report r
LEFT JOIN LATERAL (
    SELECT e.actor_id FROM routing_reportevent e
    WHERE e.report_id = r.id AND e.kind = 'submitted'
    ORDER BY e.id LIMIT 1
) submitted ON true
WHERE r.idempotency_key IS NOT NULL
"""

FINGERPRINTS_DROP = """
UPDATE routing_reportevent SET data = data - 'fingerprint'
WHERE kind = 'submitted' AND data ? 'fingerprint'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0008_publication_receipt_secrets"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("scope", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=80)),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="routing.report",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "key"), name="idempotency_key_unique_in_scope"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="report",
            name="receipt_nonce",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunSQL(KEYS_COPY, migrations.RunSQL.noop),
        migrations.RemoveField(model_name="report", name="idempotency_key"),
        migrations.RunSQL(FINGERPRINTS_DROP, migrations.RunSQL.noop),
    ]
