"""Idempotency keys: which report a client's retry key made, for a day."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from routing.models.reports import Report


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the report it made.

    A client that lost the answer to its POST sends it again with the same key and
    gets the same report back (``routing.intake.idempotency``). A key means
    something only to the client that chose it, so it is unique within a
    ``scope``, never globally: ``open311:<api key id>`` for a partner,
    ``staff:<user id>`` for the hotline desk, ``citizen:<channel>`` for the public
    web form and app. Two partners choosing the same key make two reports, and
    no client can learn what another's key made.

    A key holds for ``IDEMPOTENCY_TTL_HOURS`` (24 h, the IETF draft's advice):
    lookups ignore older rows, a new submission with an expired key takes the row
    over, and a periodic task deletes what has expired.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="idempotency_key_unique_in_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
