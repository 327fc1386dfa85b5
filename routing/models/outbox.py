"""The outbox: notifications written with the change that causes them.

A notification row is created in the same transaction as the status change or
assignment, so it exists exactly when the change does. Celery workers deliver it with
retries and backoff; when Redis or the workers are down the row waits in PostgreSQL
and the periodic sweep sends it once they are back. Nothing is lost, and a row is
marked sent only after the delivery succeeded (at-least-once; webhook receivers get
a stable ``id`` to de-duplicate).
"""

from __future__ import annotations

from django.db import models

from routing.models.reports import Report


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi (pending)"
        SENT = "sent", "Đã gửi (sent)"
        FAILED = "failed", "Lỗi, sẽ thử lại (failed, will retry)"
        DEAD = "dead", "Bỏ (gave up)"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The department a webhook goes to, for its signing secret (None: the citizen's
    # rows, e-mail and SMS; a webhook row without one is undeliverable, as there is
    # no shared secret).
    department = models.ForeignKey(
        "routing.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} [{self.status}]"
