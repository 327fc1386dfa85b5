"""Citizens who follow a report they did not file: "me too" and callers added to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from routing.models.reports import Report


class ReportFollower(models.Model):
    """Someone else affected by the same problem.

    A verified citizen presses "me too" on a public report, or the operations
    centre's desk adds a caller to the open report they describe instead of filing
    a duplicate. Each follower counts as support for the report and hears of its
    updates like the reporter does: by SMS only when ``verified`` (the number was
    proven by a one-time code), never to an unproven number. One row per report and
    phone.
    """

    class Source(models.TextChoices):
        ME_TOO = "me_too", "Tôi cũng gặp (me too)"
        DESK = "desk", "Tổng đài thêm người gọi (added by the desk)"

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="followers"
    )
    phone = models.CharField(max_length=20, help_text="E.164")
    verified = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notify = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "phone"], name="report_follower_once_per_phone"
            ),
            models.CheckConstraint(
                condition=~Q(phone=""), name="report_follower_has_phone"
            ),
        ]
        indexes = [models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return f"{self.report_id} ← {self.source}"
