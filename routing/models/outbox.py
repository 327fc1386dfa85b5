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

    class DeliveryStatus(models.TextChoices):
        """What the SMS gateway's delivery receipts said last (blank: none yet).
        ``delivered`` and ``undelivered`` are final; a later receipt does not
        change them (``routing.notifications.sms_receipts``)."""

        ENROUTE = "enroute", "Đang chuyển (en route)"
        DELIVERED = "delivered", "Đã đến máy (delivered)"
        UNDELIVERED = "undelivered", "Không đến được (undelivered)"

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
    # The SMS gateway's id of the message (from its answer to the send), by which
    # its delivery receipts find the row; blank for other channels.
    provider_id = models.CharField(max_length=100, blank=True)
    delivery_status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, blank=True
    )
    # The gateway's own word for the status ("DELIVRD", "EXPIRED", …), as received.
    delivery_detail = models.CharField(max_length=64, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(
                fields=["provider_id"],
                condition=~models.Q(provider_id=""),
                name="notification_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} [{self.status}]"
