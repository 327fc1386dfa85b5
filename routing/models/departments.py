"""Departments that handle reports, the categories citizens choose, and unit defaults."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models

from boundaries.models import AdminUnit


class Department(models.Model):
    """A body that handles reports: a ward's People's Committee, a utility, the police…

    Not only state agencies: in Huế and Đà Nẵng environment and water companies take
    reports directly. The operations centre's triage desk is a department too (kind
    ``triage``); it receives what no zone or unit default claims.
    """

    class Kind(models.TextChoices):
        UNIT_COMMITTEE = (
            "unit_committee",
            "UBND phường/xã (ward/commune People's Committee)",
        )
        URBAN_MANAGEMENT = "urban_management", "Quản lý đô thị (urban management)"
        ENVIRONMENT = "environment", "Công ty môi trường (environment company)"
        WATER = "water", "Công ty cấp thoát nước (water company)"
        POWER = "power", "Điện lực (power company)"
        POLICE = "police", "Công an (police)"
        PROVINCIAL = "provincial", "Sở, ngành tỉnh (provincial department)"
        TELECOM = "telecom", "Doanh nghiệp viễn thông (telecom operator)"
        TRIAGE = "triage", "Bộ phận tiếp nhận IOC (operations-centre triage)"

    code = models.SlugField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    jurisdiction_code = models.CharField(max_length=10, default="44")
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(blank=True)
    # The key of the HMAC on this department's webhooks (routing.notifications.signing):
    # generated, one per receiver, rotatable; the previous one stays valid for a grace
    # period after a rotation so the receiver can switch without losing deliveries.
    webhook_secret = models.CharField(
        max_length=128,
        blank=True,
        help_text="Khóa ký webhook riêng của cơ quan, sinh tự động "
        "(the department's own webhook signing secret, generated).",
    )
    webhook_secret_previous = models.CharField(max_length=128, blank=True)
    webhook_secret_rotated_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A department never exists without its own webhook secret: one is drawn
        when none is set (creation, fixtures, the admin), like a field default that
        the database does not have to know. Rotation is
        ``routing.notifications.webhook_secrets``."""
        if not self.webhook_secret:
            self.webhook_secret = webhook_secret_new()
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "webhook_secret"}
        super().save(*args, **kwargs)


def webhook_secret_new() -> str:
    """A fresh webhook secret: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Category(models.Model):
    """What a report is about, with its deadline (SLA) in Vietnamese working time."""

    class SlaUnit(models.TextChoices):
        HOURS = "hours", "giờ làm việc (working hours)"
        DAYS = "days", "ngày làm việc (working days)"

    code = models.SlugField(max_length=20, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_vi = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    group = models.CharField(max_length=60, blank=True)
    icon = models.CharField(max_length=40, blank=True)
    sla_value = models.PositiveSmallIntegerField(default=5)
    sla_unit = models.CharField(
        max_length=5, choices=SlaUnit.choices, default=SlaUnit.DAYS
    )
    urgent_sla_value = models.PositiveSmallIntegerField(default=4)
    urgent_sla_unit = models.CharField(
        max_length=5, choices=SlaUnit.choices, default=SlaUnit.HOURS
    )
    duplicate_radius_m = models.PositiveIntegerField(
        default=150, help_text="Open reports this close may be the same problem."
    )
    duplicate_window_days = models.PositiveSmallIntegerField(default=30)
    sensitive = models.BooleanField(
        default=False,
        help_text="Không bao giờ công khai (an ninh trật tự…) "
        "(never shown publicly: public security…).",
    )
    requires_after_photo = models.BooleanField(
        default=False,
        help_text="Phải có ảnh sau khi xử lý để được đánh dấu đã xử lý "
        "(resolving needs an “after” photo).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"


class DefaultDepartment(models.Model):
    """The department that handles a unit's reports when no zone claims them: its
    People's Committee. Kept here, not on AdminUnit, because boundaries know nothing of
    departments."""

    unit = models.OneToOneField(AdminUnit, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.department_id}"
