"""Admin for the Open311 API: issue and revoke keys, edit service attributes.

A new key is shown once, in the message after saving; only its digest is kept, so a
lost key is revoked and a new one issued. Answers given with requests are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import ApiKey, RequestAttributeValue, ServiceAttribute
from api.open311.keys import api_key_revoke, key_material


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "active",
        "rate_limit_per_hour",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["active"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_fields(
        self, request: HttpRequest, obj: ApiKey | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ("name", "rate_limit_per_hour")
        return (
            "name",
            "prefix",
            "active",
            "rate_limit_per_hour",
            "created_at",
            "last_used_at",
            "revoked_at",
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiKey | None = None
    ) -> list[str]:
        if obj is None:
            return []
        # A revoked key stays revoked: issue a new one instead.
        frozen = ["active"] if obj.revoked_at else []
        return ["prefix", "created_at", "last_used_at", "revoked_at", *frozen]

    def save_model(
        self, request: HttpRequest, obj: ApiKey, form: Any, change: bool
    ) -> None:
        if change:
            if not obj.active and obj.revoked_at is None:
                api_key_revoke(key=obj)
            super().save_model(request, obj, form, change)
            return
        clear, obj.prefix, obj.key_hash = key_material()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"Khóa API mới cho «{obj.name}» (chỉ hiện một lần, hãy chép ngay): {clear} — "
            "New API key, shown only this once: copy it now.",
            messages.WARNING,
        )

    @admin.action(description="Thu hồi các khóa đã chọn (revoke)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key)
            count += 1
        self.message_user(request, f"Đã thu hồi {count} khóa (revoked {count} keys).")


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "order", "code", "datatype", "required", "variable"]
    list_filter = ["category", "datatype", "required"]
    search_fields = ["code", "description", "description_en"]
    list_select_related = ["category"]
    ordering = ["category__code", "order"]


@admin.register(RequestAttributeValue)
class RequestAttributeValueAdmin(admin.ModelAdmin):
    list_display = ["report", "attribute", "value"]
    list_filter = ["attribute__category", "attribute"]
    search_fields = ["report__tracking_code", "value"]
    list_select_related = ["report", "attribute"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: RequestAttributeValue | None = None
    ) -> bool:
        return False
