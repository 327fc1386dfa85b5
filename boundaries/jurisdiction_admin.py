"""Admin for jurisdictions: who a boundary set belongs to, where and in which time zone.

Registered by ``boundaries.admin``. A jurisdiction is found by the ``code`` that its
boundary sets carry as a string (``BoundarySet.jurisdiction_code``), so the code is
fixed once the record exists, and a jurisdiction whose code some set carries is not
deleted (its sets would silently be taken for Vietnamese ones). Its expected extent
is drawn and edited on the same Leaflet map as a unit's outline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdminMixin

from boundaries.jurisdictions import Jurisdiction
from boundaries.levels import LABEL_MAX_LENGTH
from boundaries.models import BoundarySet


class _SetsOf(TypedDict):
    set_count: int
    layer_names: list[str] | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A jurisdiction as its admin lists it, with its sets counted and their layers.
    CountedJurisdiction: TypeAlias = WithAnnotations[Jurisdiction, _SetsOf]


class JurisdictionForm(forms.ModelForm):
    """The model's validators (IANA time zone, ISO country) apply as they are; the
    country is upper-cased first, and level labels must be short strings."""

    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "country", "time_zone", "level_labels", "extent"]

    def clean_country(self) -> str:
        return str(self.cleaned_data.get("country") or "").strip().upper()

    def clean_level_labels(self) -> list[str]:
        labels = self.cleaned_data.get("level_labels") or []
        if not isinstance(labels, list) or not all(
            isinstance(label, str) and 0 < len(label) <= LABEL_MAX_LENGTH
            for label in labels
        ):
            raise forms.ValidationError(
                f"Cần một danh sách nhãn, mỗi nhãn 1–{LABEL_MAX_LENGTH} ký tự, ví "
                f'dụ ["ward", "commune"] / A list of labels of 1–{LABEL_MAX_LENGTH} '
                'characters each, e.g. ["ward", "commune"].'
            )
        return labels


def _of_sets(aggregate: Any, output_field: Any = None) -> Subquery:
    """``aggregate`` over the boundary sets carrying the jurisdiction's code."""
    sets = (
        BoundarySet.objects.filter(jurisdiction_code=OuterRef("code"))
        .order_by()
        .values("jurisdiction_code")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(sets, output_field=output_field)


class JurisdictionAdmin(LeafletGeoAdminMixin, admin.ModelAdmin):
    form = JurisdictionForm
    list_display = ("code", "name", "country", "time_zone", "set_count", "layers")
    list_filter = ("country",)
    search_fields = ("code", "name")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Jurisdiction]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                set_count=Coalesce(
                    _of_sets(Count("pk"), IntegerField()),
                    0,
                    output_field=IntegerField(),
                ),
                layer_names=_of_sets(
                    ArrayAgg("layer", distinct=True, order_by="layer")
                ),
            )
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Jurisdiction | None = None
    ) -> tuple[str, ...]:
        # Its sets carry the code as a string: it is fixed once the record exists.
        return ("code", "created_at") if obj else ("created_at",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Deleted one by one, each checked for sets carrying its code.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(
        self, request: HttpRequest, obj: Jurisdiction | None = None
    ) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return not BoundarySet.objects.filter(jurisdiction_code=obj.code).exists()

    @admin.display(description="Số bộ địa giới / Boundary sets", ordering="set_count")
    def set_count(self, obj: CountedJurisdiction) -> int:
        return obj.set_count

    @admin.display(description="Lớp / Layers")
    def layers(self, obj: CountedJurisdiction) -> str:
        return ", ".join(obj.layer_names or []) or "—"
