"""Admin for departments, categories, zones and reports.

Zones are edited as drafts through the zone editor and the API (topology check,
impact preview, publish); here they are shown on a map, read-only, with their
history. Reports and their routing decisions are read-only records.

Who may open which of these pages is the access policy's
(``routing.reports.access.admin_model_rights``, asked through
``routing.admin_site``): administrators everything, the operations centre reports
and reference data read-only, nobody else anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.gis.db.models import GeometryField
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from routing.admin_secrets import WebhookSecretAdminMixin
from routing.models import (
    Assignment,
    Category,
    DefaultDepartment,
    Department,
    Report,
    ResponsibilityZone,
    ZoneHistory,
)


@admin.register(Department)
class DepartmentAdmin(WebhookSecretAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_vi", "kind", "jurisdiction_code", "email", "active"]
    list_filter = ["kind", "active", "jurisdiction_code"]
    search_fields = ["code", "name_vi", "name_en"]
    fields = [
        "code",
        ("name_vi", "name_en"),
        ("kind", "jurisdiction_code", "active"),
        "email",
        "webhook_url",
        WebhookSecretAdminMixin.webhook_fields,
    ]
    readonly_fields = WebhookSecretAdminMixin.webhook_readonly
    actions = ["rotate_webhook_secret"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_vi",
        "group",
        "sla_value",
        "sla_unit",
        "requires_after_photo",
        "active",
    ]
    list_filter = ["group", "active", "requires_after_photo"]
    # Resolving a report of a category with requires_after_photo needs a photo of
    # the fix (routing.workflow.resolution).
    list_editable = ["requires_after_photo"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(DefaultDepartment)
class DefaultDepartmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "department"]
    list_select_related = ["unit__boundary_set", "department"]
    autocomplete_fields = ["department"]
    raw_id_fields = ["unit"]
    search_fields = ["unit__code", "unit__name", "department__name_vi"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DefaultDepartment]:
        return super().get_queryset(request).defer("unit__geom")


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_HISTORY_FIELDS = ("at", "action", "actor", "changes")


class ZoneHistoryInline(ReadOnlyMixin, admin.TabularInline):
    model = ZoneHistory
    fields = _HISTORY_FIELDS
    readonly_fields = _HISTORY_FIELDS
    extra = 0


class MapViewMixin(ReadOnlyMixin):
    """Read-only, but the change page opens (GET only) so the map can be drawn:
    for those the access policy lets view the model."""

    model: type[Model]  # set by the ModelAdmin it is mixed into
    modifiable = False  # django-leaflet: show the geometry, no editing tools

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        opts = self.model._meta
        view = f"{opts.app_label}.{get_permission_codename('view', opts)}"
        return request.method in {"GET", "HEAD"} and request.user.has_perm(view)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = self.model._meta.fields
        return [f.name for f in fields if not isinstance(f, GeometryField)] + [
            f.name for f in self.model._meta.many_to_many
        ]


@admin.register(ResponsibilityZone)
class ResponsibilityZoneAdmin(MapViewMixin, LeafletGeoAdmin):
    list_display = [
        "name",
        "department",
        "priority",
        "status",
        "valid_from",
        "valid_to",
        "area_km2",
    ]
    list_filter = ["status", "department__kind", "categories"]
    list_select_related = ["department"]
    search_fields = ["name", "department__name_vi"]
    inlines = [ZoneHistoryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ResponsibilityZone]:
        queryset = super().get_queryset(request)
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name and url_name.endswith("changelist"):
            queryset = queryset.defer("geom")
        return queryset

    @admin.display(description="km²", ordering="area_m2")
    def area_km2(self, zone: ResponsibilityZone) -> str:
        return f"{zone.area_m2 / 1e6:,.2f}"


_ASSIGNMENT_FIELDS = (
    "is_current",
    "decided_at",
    "cause",
    "rule",
    "department",
    "zone",
    "unit",
    "near_edge",
    "edge_distance_m",
    "outside_unit_m",
    "reason_vi",
    "reason_en",
    "candidates",
    "decided_by",
    "note",
)


class AssignmentInline(ReadOnlyMixin, admin.StackedInline):
    model = Assignment
    fields = _ASSIGNMENT_FIELDS
    readonly_fields = _ASSIGNMENT_FIELDS
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return (
            super()
            .get_queryset(request)
            .select_related("department", "zone", "unit", "decided_by")
            .defer("zone__geom", "unit__geom")
        )


@admin.register(Report)
class ReportAdmin(MapViewMixin, LeafletGeoAdmin):
    list_display = ["tracking_code", "category", "status", "department", "reported_at"]
    list_filter = ["status", "category", "department__kind"]
    list_select_related = ["category", "department"]
    search_fields = ["tracking_code"]
    date_hierarchy = "reported_at"
    inlines = [AssignmentInline]
