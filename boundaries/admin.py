"""Admin for boundary sets, units, the crosswalk, import records and jurisdictions.

Sets are activated and retired through ``boundaries.services`` (never by editing
``status``); units are edited on a Leaflet map and their outlines repaired on save; a
boundary file is imported through the same ``boundaries.importing`` module as the
``boundaries_import`` command.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from tempfile import NamedTemporaryFile
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Field, QuerySet
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from leaflet.admin import LeafletGeoAdminMixin

from boundaries.forms import (
    AdminUnitForm,
    BoundaryImportForm,
    BoundarySetForm,
    MultiPolygonFormField,
    bilingual,
)
from boundaries.importing import ImportRefused, ImportReport, import_boundaries
from boundaries.jurisdiction_admin import JurisdictionAdmin
from boundaries.jurisdictions import Jurisdiction
from boundaries.models import (
    AdminUnit,
    BoundaryImport,
    BoundarySet,
    UnitSuccession,
)
from boundaries.services import (
    BoundarySetError,
    boundary_set_activate,
    boundary_set_retire,
    unit_geometry_update,
    unit_parts_rebuild,
)
from geo.errors import BilingualError


class _UnitCount(TypedDict):
    unit_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A set as the set admin lists it, with its units counted.
    CountedSet: TypeAlias = WithAnnotations[BoundarySet, _UnitCount]


IMPORT_PERMISSION = "boundaries.add_adminunit"
_REPORT_FIELDS = {f.name for f in dataclasses.fields(ImportReport)}
# Views that list units: their rows never need the outline or the source attributes.
_LIST_VIEWS = {"boundaries_adminunit_changelist", "autocomplete"}


def report_as_text(report: dict[str, Any]) -> str:
    """The stored ``BoundaryImport.report`` (``ImportReport.as_dict()``) as text."""
    if not report:
        return "—"
    values = {k: v for k, v in report.items() if k in _REPORT_FIELDS}
    defaults = {"source": "", "sha256": "", "boundary_set": "", "commit": True}
    return ImportReport(**{**defaults, **values}).as_text(limit=50)


class ReadOnlyAdminMixin:
    """Records written by code only: listed and shown, never added, edited or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BoundaryImportInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BoundaryImport
    fields = ("created_at", "source_name", "created_by", "report_text")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[BoundaryImport]:
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description="Báo cáo / Report")
    def report_text(self, obj: BoundaryImport) -> str:
        return format_html("<pre>{}</pre>", report_as_text(obj.report))


@admin.register(BoundarySet)
class BoundarySetAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "name",
        "jurisdiction_code",
        "layer",
        "valid_from",
        "valid_to",
        "status",
        "unit_count",
    )
    list_filter = ("status", "jurisdiction_code", "layer")
    search_fields = ("slug", "name")
    form = BoundarySetForm
    readonly_fields = ("created_at", "activated_at")
    actions = ("activate", "retire")
    inlines = (BoundaryImportInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BoundarySet]:
        return super().get_queryset(request).annotate(unit_count=Count("units"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Sets are retired, not deleted: reports point at their units.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(
        self, request: HttpRequest, obj: BoundarySet | None = None
    ) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == BoundarySet.Status.DRAFT)

    @admin.display(description="Số đơn vị / Units", ordering="unit_count")
    def unit_count(self, obj: CountedSet) -> int:
        return obj.unit_count

    @admin.action(description="Đưa vào sử dụng / Activate", permissions=("change",))
    def activate(self, request: HttpRequest, queryset: QuerySet[BoundarySet]) -> None:
        for boundary_set in queryset:
            try:
                boundary_set_activate(boundary_set=boundary_set)
            except BoundarySetError as exc:
                self.message_user(request, bilingual(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Bộ '{boundary_set.slug}' đang được dùng / "
                    f"Set '{boundary_set.slug}' is active.",
                    messages.SUCCESS,
                )

    @admin.action(description="Ngừng sử dụng / Retire", permissions=("change",))
    def retire(self, request: HttpRequest, queryset: QuerySet[BoundarySet]) -> None:
        for boundary_set in queryset:
            try:
                boundary_set_retire(boundary_set=boundary_set)
            except BilingualError as exc:
                self.message_user(request, bilingual(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Bộ '{boundary_set.slug}' đã ngừng dùng / "
                    f"Set '{boundary_set.slug}' is retired.",
                    messages.SUCCESS,
                )

    # The "Import units" page.

    def get_urls(self) -> list[URLPattern]:
        page = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="boundaries_boundaryset_import",
        )
        return [page, *super().get_urls()]

    def has_import_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (
            user.is_superuser or user.has_perm(IMPORT_PERMISSION)
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a boundary file; dry run unless "commit" is ticked."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = BoundaryImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = self._run_import(request, form)
        else:
            form = BoundaryImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Nhập đơn vị / Import units",
            "form": form,
            "report": report,
            "report_text": report.as_text(limit=50) if report else "",
        }
        return TemplateResponse(
            request, "admin/boundaries/boundaryset/import.html", context
        )

    def _run_import(
        self, request: HttpRequest, form: BoundaryImportForm
    ) -> ImportReport | None:
        upload = form.cleaned_data["file"]
        data = form.cleaned_data
        # The reader needs a path with the right suffix (GDAL picks the driver by it).
        with NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                report = import_boundaries(
                    path=Path(handle.name),
                    target=form.target(),
                    fields=form.field_map(),
                    commit=data["commit"],
                    allow_mass_change=data["allow_mass_change"],
                    derive_parent=form.derive_parent(),
                    source_crs=data["source_crs"] or None,
                    layer=data["layer"] or None,
                    user=request.user,
                    source_name=upload.name,
                    options=form.options(),
                )
            except ImportRefused as exc:
                self.message_user(request, bilingual(exc), messages.ERROR)
                return exc.report
            except BilingualError as exc:
                form.add_error("file", bilingual(exc))
                return None
        if report.commit:
            self.message_user(
                request,
                f"Đã ghi {len(report.created)} đơn vị mới, cập nhật "
                f"{len(report.updated)} / Wrote {len(report.created)} new and "
                f"updated {len(report.updated)} units.",
                messages.SUCCESS,
            )
        return report


@admin.register(AdminUnit)
class AdminUnitAdmin(LeafletGeoAdminMixin, admin.ModelAdmin):
    form = AdminUnitForm
    list_display = ("code", "name", "level", "set_slug", "parent")
    # By the labels units hold: the model field's choices are Vietnam's only.
    list_filter = ("boundary_set", ("level", admin.AllValuesFieldListFilter))
    search_fields = ("code", "name", "name_ascii")
    list_select_related = ("boundary_set", "parent")
    raw_id_fields = ("parent",)
    fields = (
        "boundary_set",
        "code",
        "name",
        "name_ascii",
        "level",
        "parent",
        "geom",
        "area_m2",
        "properties",
    )

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name == "geom":
            kwargs["form_class"] = MultiPolygonFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdminUnit]:
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name in _LIST_VIEWS:
            # A unit's outline is tens of KB: a page of 100 rows would read megabytes.
            queryset = queryset.defer(
                "geom", "properties", "parent__geom", "parent__properties"
            )
        return queryset

    def get_readonly_fields(
        self, request: HttpRequest, obj: AdminUnit | None = None
    ) -> tuple[str, ...]:
        # A unit belongs to one set for good; its area is measured from the outline.
        return ("boundary_set", "area_m2") if obj else ("area_m2",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(
        self, request: HttpRequest, obj: AdminUnit | None = None
    ) -> bool:
        allowed = super().has_delete_permission(request, obj)
        draft = BoundarySet.Status.DRAFT
        return allowed and (obj is None or obj.boundary_set.status == draft)

    @admin.display(description="Bộ / Set", ordering="boundary_set__slug")
    def set_slug(self, obj: AdminUnit) -> str:
        return obj.boundary_set.slug

    def save_model(
        self, request: HttpRequest, obj: AdminUnit, form: AdminUnitForm, change: bool
    ) -> None:
        if not change or "geom" in form.changed_data:
            repairs = unit_geometry_update(unit=obj, geometry=obj.geom)
            if repairs:
                self.message_user(
                    request,
                    f"Đã sửa hình học / Geometry repaired: {'; '.join(repairs)}",
                    messages.WARNING,
                )
            return
        super().save_model(request, obj, form, change)
        if {"code", "level"} & set(form.changed_data):
            # The lookup pieces carry the unit's code and depth.
            unit_parts_rebuild(boundary_set=obj.boundary_set, unit_ids=[obj.pk])


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("from_set", "from_code", "from_name", "to_unit", "kind", "source")
    list_filter = ("from_set", "kind")
    search_fields = ("from_code", "from_name", "to_unit__code", "to_unit__name")
    list_select_related = ("from_set", "to_unit")

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitSuccession]:
        return (
            super().get_queryset(request).defer("to_unit__geom", "to_unit__properties")
        )


@admin.register(BoundaryImport)
class BoundaryImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "boundary_set", "source_name", "created_by")
    list_filter = ("boundary_set",)
    search_fields = ("source_name", "sha256")
    list_select_related = ("boundary_set", "created_by")
    fields = (
        "boundary_set",
        "source_name",
        "sha256",
        "created_at",
        "created_by",
        "report_text",
    )
    readonly_fields = fields

    @admin.display(description="Báo cáo / Report")
    def report_text(self, obj: BoundaryImport) -> str:
        return format_html("<pre>{}</pre>", report_as_text(obj.report))


admin.site.register(Jurisdiction, JurisdictionAdmin)
