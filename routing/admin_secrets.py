"""The departments' webhook secrets in the admin: masked, never in lists, rotated
by an action that shows each new secret once.

The secret is a credential shared with the receiving department, so the change page
shows only its first characters; the rotate action
(``routing.notifications.webhook_secrets``) answers with a page, not a message
(messages may travel in a cookie), that lists the new secrets once and is not cached.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from routing.models import Department
from routing.notifications.webhook_secrets import (
    department_webhook_secret_rotate,
    webhook_grace_ends,
)

VISIBLE = 4  # characters of a secret shown in the admin


def secret_masked(secret: str) -> str:
    if not secret:
        return "—"
    return f"{secret[:VISIBLE]}… ({len(secret)} ký tự / characters)"


class WebhookSecretAdminMixin:
    """For DepartmentAdmin: the secret's read-only fields and the rotate action."""

    admin_site: AdminSite  # set by the ModelAdmin it is mixed into
    webhook_fields = ("webhook_secret_masked", "webhook_secret_rotated_at")
    webhook_readonly = ("webhook_secret_masked", "webhook_secret_rotated_at")

    @admin.display(description="Khóa ký webhook (webhook secret)")
    def webhook_secret_masked(self, department: Department) -> str:
        text = secret_masked(department.webhook_secret)
        ends = webhook_grace_ends(department)
        if ends is not None and timezone.now() < ends:
            until = timezone.localtime(ends).strftime("%d/%m/%Y %H:%M")
            text += (
                f"; khóa cũ còn hiệu lực đến {until} "
                f"(the previous secret still signs until {until})"
            )
        return text

    @admin.action(description="Đổi khóa ký webhook (rotate webhook secrets)")
    def rotate_webhook_secret(
        self, request: HttpRequest, queryset: QuerySet[Department]
    ) -> TemplateResponse:
        now = timezone.now()
        rotated = [
            department_webhook_secret_rotate(department=department, now=now)
            for department in queryset.order_by("code")
        ]
        response = TemplateResponse(
            request,
            "admin/routing/department/webhook_secrets_rotated.html",
            {
                **self.admin_site.each_context(request),
                "title": "Khóa ký webhook mới / New webhook secrets",
                "rotated": rotated,
                "grace_ends": webhook_grace_ends(rotated[0]) if rotated else None,
                "opts": Department._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response
