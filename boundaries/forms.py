"""Admin forms: the boundary-file upload and the unit form that validates outlines.

Labels are bilingual ("Vietnamese / English"), like the rest of the admin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from boundaries.geometry import to_shapely
from boundaries.importing import FieldMap, ParentSpec, SetSpec
from boundaries.importing.checks import Options
from boundaries.jurisdictions import jurisdiction_levels
from boundaries.layers import LAYER_MAX_LENGTH, validate_layer
from boundaries.levels import LABEL_MAX_LENGTH, Level
from boundaries.models import AdminUnit, BoundarySet
from geo.errors import BilingualError, GeoInputError
from geo.repair import repair_polygonal

UPLOAD_SUFFIXES = (".geojson", ".json", ".zip", ".gpkg")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

_LEVEL_CHOICES = [("", "—"), *Level.choices]


def bilingual(error: BilingualError) -> str:
    """One line for a page: the Vietnamese message, then the English one."""
    return f"{error.vi} / {error.en}"


class BoundarySetForm(forms.ModelForm):
    """The set form. ``status`` is shown but changed only by the activate and retire
    actions; it stays on the form (disabled) rather than read-only so that the model's
    no-overlap constraint, whose condition reads ``status``, is validated on save
    (Django cannot evaluate that condition when ``status`` is excluded)."""

    class Meta:
        model = BoundarySet
        fields = [
            "slug",
            "name",
            "jurisdiction_code",
            "layer",
            "priority",
            "valid_from",
            "valid_to",
            "status",
            "source",
            "licence",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "status" in self.fields:  # a reader's form has no fields at all
            self.fields["status"].disabled = True


class BoundaryImportForm(forms.Form):
    """What ``boundaries.importing.import_boundaries`` needs, as the admin asks for it.

    The target is either an existing set or a new one (slug, name, jurisdiction and
    dates); column names default to the importer's own defaults. Dry run unless
    ``commit`` is ticked.
    """

    file = forms.FileField(
        label="Tệp ranh giới / Boundary file",
        help_text="GeoJSON (.geojson, .json), Shapefile nén / zipped Shapefile (.zip), "
        "GeoPackage (.gpkg); tối đa / at most 50 MB.",
    )
    boundary_set = forms.ModelChoiceField(
        queryset=BoundarySet.objects.all(),
        required=False,
        label="Bộ địa giới có sẵn / Existing boundary set",
        help_text="Hoặc để trống và tạo bộ mới bên dưới / "
        "Or leave empty and create a new set below.",
    )
    new_slug = forms.SlugField(
        required=False, max_length=60, label="Mã bộ mới / New set slug"
    )
    new_name = forms.CharField(
        required=False, max_length=200, label="Tên bộ mới / New set name"
    )
    new_jurisdiction_code = forms.CharField(
        required=False,
        max_length=10,
        label="Mã tỉnh / Jurisdiction code",
        help_text="Mã GSO của tỉnh, ví dụ 44 / GSO province code, e.g. 44.",
    )
    new_layer = forms.CharField(
        required=False,
        max_length=LAYER_MAX_LENGTH,
        validators=[validate_layer],
        label="Lớp / Layer",
        help_text="Để trống = administrative; lớp khác, ví dụ council_district / "
        "Empty = administrative; another map, e.g. council_district.",
    )
    new_valid_from = forms.DateField(
        required=False,
        label="Hiệu lực từ / Valid from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    new_valid_to = forms.DateField(
        required=False,
        label="Hiệu lực đến / Valid to",
        help_text="Tính cả ngày này; để trống = chưa hết hạn / "
        "Inclusive; empty = still in force.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    code_field = forms.CharField(initial="code", label="Cột mã / Code column")
    name_field = forms.CharField(initial="name", label="Cột tên / Name column")
    name_ascii_field = forms.CharField(
        initial="name_ascii", label="Cột tên không dấu / ASCII name column"
    )
    level_field = forms.CharField(initial="level", label="Cột cấp / Level column")
    parent_field = forms.CharField(
        initial="parent_code", label="Cột mã cấp trên / Parent code column"
    )
    fixed_level = forms.CharField(
        required=False,
        max_length=LABEL_MAX_LENGTH,
        label="Cấp cố định / Fixed level",
        help_text="Một cấp cho mọi đối tượng của tệp: của Việt Nam ("
        + ", ".join(Level.values)
        + ") hoặc nhãn riêng của đơn vị quản lý (nhãn mới được thêm khi ghi) / "
        "One level for every feature: Vietnam's, or the jurisdiction's own label "
        "(a new one is added on commit).",
    )
    fixed_parent = forms.CharField(
        required=False,
        max_length=10,
        label="Mã cấp trên cố định / Fixed parent code",
    )
    source_crs = forms.CharField(
        required=False,
        max_length=60,
        label="Hệ tọa độ nguồn / Source CRS",
        help_text="Ví dụ / e.g. EPSG:9211; để trống = theo tệp / empty = from the file.",
        widget=forms.TextInput(attrs={"placeholder": "EPSG:9211"}),
    )
    layer = forms.CharField(required=False, max_length=200, label="Lớp / Layer")
    derive_parent_code = forms.CharField(
        required=False,
        max_length=10,
        label="Mã đơn vị cha dựng ra / Derived parent code",
    )
    derive_parent_level = forms.ChoiceField(
        choices=_LEVEL_CHOICES,
        required=False,
        label="Cấp đơn vị cha dựng ra / Derived parent level",
    )
    derive_parent_name = forms.CharField(
        required=False,
        max_length=200,
        label="Tên đơn vị cha dựng ra / Derived parent name",
        help_text="Dựng đơn vị cha bằng hợp các đơn vị của tệp / "
        "Build the parent as the union of the file's units.",
    )
    allow_mass_change = forms.BooleanField(
        required=False,
        label="Cho phép thay đổi hàng loạt / Allow mass change",
        help_text="Cho phép xóa hay đổi hình hơn nửa số đơn vị của bộ đang dùng / "
        "Allow deleting or re-shaping over half the units of an active set.",
    )
    on_duplicate = forms.ChoiceField(
        choices=[
            ("fail", "Từ chối / Refuse"),
            ("suffix", "Đổi mã thành MÃ-2, MÃ-3 / Recode as CODE-2, CODE-3"),
        ],
        initial="fail",
        required=False,
        label="Mã trùng, hình khác / Shared code, different units",
        help_text="Bản trùng y hệt luôn được gộp / Exact duplicates are always merged.",
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Bỏ qua dòng lỗi / Skip invalid rows",
        help_text="Dòng thiếu mã, tên hoặc hình học dùng được / Rows with no code, "
        "name or usable geometry.",
    )
    allow_overlaps = forms.BooleanField(
        required=False,
        label="Chấp nhận chồng lấn / Allow overlaps",
        help_text="Các đơn vị cùng cấp chồng lên nhau / Overlapping sibling units.",
    )
    commit = forms.BooleanField(
        required=False,
        label="Ghi vào cơ sở dữ liệu / Commit",
        help_text="Bỏ trống = chạy thử, không ghi gì / Unticked = dry run, nothing written.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                f"Định dạng '{suffix}' không được hỗ trợ / Unsupported format "
                f"'{suffix}': {', '.join(UPLOAD_SUFFIXES)}."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "Tệp lớn hơn 50 MB / The file is larger than 50 MB."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        existing, slug = data.get("boundary_set"), data.get("new_slug")
        if existing and slug:
            raise forms.ValidationError(
                "Chọn bộ có sẵn hoặc tạo bộ mới, không cả hai / "
                "Choose an existing set or create a new one, not both."
            )
        if not existing and not slug:
            raise forms.ValidationError(
                "Chọn bộ có sẵn hoặc nhập mã bộ mới / "
                "Choose an existing set or give a new set's slug."
            )
        if slug:
            self._clean_new_set(data, slug)
        derive = [data.get(f"derive_parent_{k}") for k in ("code", "level", "name")]
        if any(derive) and not all(derive):
            raise forms.ValidationError(
                "Đơn vị cha dựng ra cần đủ mã, cấp và tên / "
                "A derived parent needs its code, level and name."
            )
        return data

    def _clean_new_set(self, data: dict[str, Any], slug: str) -> None:
        if BoundarySet.objects.filter(slug=slug).exists():
            self.add_error(
                "new_slug",
                f"Đã có bộ '{slug}': hãy chọn nó ở trên / "
                f"Set '{slug}' exists: choose it above.",
            )
        for name in ("new_name", "new_jurisdiction_code", "new_valid_from"):
            if not data.get(name):
                self.add_error(name, "Cần cho bộ mới / Required for a new set.")
        start, end = data.get("new_valid_from"), data.get("new_valid_to")
        if start and end and end < start:
            self.add_error(
                "new_valid_to",
                "Ngày kết thúc trước ngày bắt đầu / Valid to is before valid from.",
            )

    def target(self) -> SetSpec:
        data = self.cleaned_data
        existing = data.get("boundary_set")
        if existing:
            return SetSpec(slug=existing.slug)
        return SetSpec(
            slug=data["new_slug"],
            name=data["new_name"],
            jurisdiction_code=data["new_jurisdiction_code"],
            valid_from=data["new_valid_from"],
            valid_to=data.get("new_valid_to"),
            layer=data.get("new_layer") or None,
        )

    def field_map(self) -> FieldMap:
        data = self.cleaned_data
        return FieldMap(
            code=data["code_field"],
            name=data["name_field"],
            name_ascii=data["name_ascii_field"],
            level=data["level_field"],
            parent=data["parent_field"],
            fixed_level=data.get("fixed_level") or None,
            fixed_parent=data.get("fixed_parent") or None,
        )

    def options(self) -> Options:
        data = self.cleaned_data
        return Options(
            on_duplicate=data.get("on_duplicate") or "fail",
            skip_invalid=bool(data.get("skip_invalid")),
            allow_overlaps=bool(data.get("allow_overlaps")),
        )

    def derive_parent(self) -> ParentSpec | None:
        data = self.cleaned_data
        if not data.get("derive_parent_code"):
            return None
        return ParentSpec(
            code=data["derive_parent_code"],
            level=data["derive_parent_level"],
            name=data["derive_parent_name"],
        )


class MultiPolygonFormField(gis_forms.MultiPolygonField):
    """A MultiPolygon field that also takes a single Polygon (as a map draws one)."""

    def to_python(self, value: Any) -> GEOSGeometry | None:
        geom = super().to_python(value)
        if geom is not None and geom.geom_type == "Polygon":
            geom = MultiPolygon(geom, srid=geom.srid)
        return geom


class AdminUnitForm(forms.ModelForm):
    """The unit form: the outline must be repairable and the parent in the same set.

    The repair itself happens on save (``boundaries.services.unit_geometry_update``);
    here an outline that cannot become a polygon is refused with a readable error.

    The level is one of the labels of the set's jurisdiction
    (``jurisdiction_levels``: its own, and Vietnam's for a Vietnamese one), not the
    model field's choices, which are Vietnam's only: a Toronto unit imported as a
    ``council_district`` opens and saves. A unit keeps the label it has.
    """

    level = forms.ChoiceField(label="Cấp / Level")

    class Meta:
        model = AdminUnit
        fields = [
            "boundary_set",
            "code",
            "name",
            "name_ascii",
            "level",
            "parent",
            "geom",
            "properties",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("level")
        if isinstance(field, forms.ChoiceField):  # a reader's form has no fields
            current = self.instance.level if self.instance.pk else ""
            choices = jurisdiction_levels(self._jurisdiction_code())
            if current and current not in dict(choices):
                choices.append((current, current))
            field.choices = choices

    def _jurisdiction_code(self) -> str | None:
        """The code of the unit's set, None while the set is still to be chosen."""
        boundary_set = getattr(self.instance, "boundary_set", None)
        return boundary_set.jurisdiction_code if boundary_set else None

    def clean_geom(self) -> GEOSGeometry | None:
        geom = self.cleaned_data.get("geom")
        if geom is None:
            return geom
        try:
            repair_polygonal(to_shapely(geom))
        except GeoInputError as exc:
            raise forms.ValidationError(bilingual(exc)) from exc
        return geom

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parent = data.get("parent")
        boundary_set = data.get("boundary_set") or getattr(
            self.instance, "boundary_set", None
        )
        if parent and boundary_set and parent.boundary_set_id != boundary_set.pk:
            self.add_error(
                "parent",
                "Đơn vị cấp trên phải thuộc cùng bộ địa giới / "
                "The parent must belong to the same boundary set.",
            )
        if parent and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error(
                "parent",
                "Đơn vị không thể là cấp trên của chính nó / "
                "A unit cannot be its own parent.",
            )
        level = data.get("level")
        if level and boundary_set and not self.instance.pk:
            self._check_new_units_level(level, boundary_set)
        return data

    def _check_new_units_level(self, level: str, boundary_set: BoundarySet) -> None:
        """A unit being added takes a label of its chosen set's jurisdiction."""
        code = boundary_set.jurisdiction_code
        labels = [label for label, _ in jurisdiction_levels(code)]
        if level not in labels:
            self.add_error(
                "level",
                f"Cấp '{level}' không thuộc đơn vị quản lý {code}; các cấp: "
                f"{', '.join(labels) or '—'} / Level '{level}' is not one of "
                f"jurisdiction {code}'s: {', '.join(labels) or '—'}.",
            )
