"""Input and output shapes of the routing API: explain, zones, zone history.

Request parsing lives here too: the moment ``at``, the zone fields of a body that may
be a GeoJSON Feature, and the bilingual form of serializer errors.

Input serializers only check shape and resolve codes; geometry goes through
``geo.geojson.parse_polygonal`` so every polygon is refused for the same reasons,
with the place of the fault, wherever it comes from. Their errors are raised as the
API's bilingual errors (``input_errors``), never DRF's bare field lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from api.errors import ApiError
from geo.geojson import Polygonal, parse_polygonal
from routing.categories import category_by_code
from routing.engine.decision import Decision
from routing.models import Category, Department, ResponsibilityZone, ZoneHistory
from routing.reports.actors import actor_label
from routing.zones import limits

PRECISION = 6
MAX_DRAFTS = 200


def input_errors(errors: dict[str, Any]) -> ApiError:
    """The first field error of a serializer, in both languages; all errors attached."""
    field, problems = next(iter(errors.items()))
    while isinstance(problems, dict):  # a list item or nested field: look inside
        key, problems = next(iter(problems.items()))
        field = f"{field}[{key}]" if isinstance(key, int) else key
    first = problems[0] if isinstance(problems, list) and problems else problems
    code = getattr(first, "code", "invalid")
    if code in {"required", "null", "blank", "empty"}:
        return ApiError(
            "missing",
            f"Thiếu trường «{field}».",
            f"The field '{field}' is required.",
            field=field,
            extra={"errors": errors},
        )
    return ApiError(
        "invalid_input",
        f"Trường «{field}» không hợp lệ: {first}",
        f"The field '{field}' is invalid: {first}",
        field=field,
        extra={"errors": errors},
    )


# A '+' left unencoded in a query string arrives as a space: "…T09:30 07:00".


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value is True


def input_valid(
    serializer_class: type[serializers.Serializer], data: Any
) -> dict[str, Any]:
    """``data`` checked by ``serializer_class``: its validated data, or the first
    error as a bilingual 400."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise input_errors(serializer.errors)
    return serializer.validated_data


def request_object(request: Request) -> dict[str, Any]:
    """The request body as a dict, or a bilingual 400 when it is not a JSON object."""
    data: Any  # whatever the parser made of the body: a QueryDict, a list…
    try:
        data = request.data
    except ParseError:
        data = None
    if hasattr(data, "dict"):  # a form: one value per key
        data = data.dict()
    if not isinstance(data, dict):
        raise ApiError(
            "bad_body",
            "Nội dung yêu cầu phải là một đối tượng JSON hợp lệ.",
            "The request body must be a valid JSON object.",
        )
    return data


def zone_fields(request: Request) -> dict[str, Any]:
    """The request body as zone fields. A GeoJSON Feature is unpacked: its
    ``properties`` become fields and the whole Feature the geometry, so that a
    ``crs`` member is checked; a bare geometry is the geometry. ``repair`` may also
    come in the query string."""
    data = request_object(request)
    if data.get("type") in {"Polygon", "MultiPolygon"}:
        fields: dict[str, Any] = {"geometry": data}
    elif data.get("type") == "Feature":
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        fields = {**props, "geometry": data}
        if "repair" in data:
            fields["repair"] = data["repair"]
    else:
        fields = dict(data)
    if truthy(request.query_params.get("repair")):
        fields["repair"] = True
    return fields


def department_by_code(code: str) -> Department:
    """The department with this code (as given; active or not), or a bilingual 400."""
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ApiError(
            "unknown_department",
            f"Không có cơ quan xử lý với mã '{code[:60]}'.",
            f"No department has the code '{code[:60]}'.",
            field="department",
        )
    return department


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None or not department.active:
        raise ApiError(
            "unknown_department",
            f"Không có cơ quan xử lý đang hoạt động với mã '{code[:60]}'.",
            f"No active department has the code '{code[:60]}'.",
            field="department",
        )
    return department


def category_get(code: str, *, field: str = "category") -> Category:
    """The active category with ``code`` (case-insensitive), or a bilingual 400."""
    category = category_by_code(code)
    if category is None:
        raise ApiError(
            "unknown_category",
            f"Không có lĩnh vực phản ánh với mã '{code[:20]}'.",
            f"There is no report category with the code '{code[:20]}'.",
            field=field,
        )
    if not category.active:
        raise ApiError(
            "inactive_category",
            f"Lĩnh vực «{category.name_vi}» ({category.code}) không còn được nhận.",
            f"The category '{category.name_en}' ({category.code}) is no longer in use.",
            field=field,
        )
    return category


def category_param(query: Mapping[str, Any]) -> Category:
    """The required ``category`` query parameter as an active category."""
    code = (query.get("category") or "").strip()
    if not code:
        raise ApiError(
            "missing",
            "Thiếu lĩnh vực phản ánh (category), ví dụ VSMT.",
            "The parameter 'category' is required, e.g. VSMT.",
            field="category",
        )
    return category_get(code)


class ZoneInput(serializers.Serializer):
    """A draft zone, as fields or (unpacked by the view) a GeoJSON Feature."""

    name = serializers.CharField(max_length=limits.NAME_MAX_LENGTH)
    department = serializers.CharField(max_length=60)
    categories = serializers.ListField(
        child=serializers.CharField(max_length=20), allow_empty=False, max_length=50
    )
    priority = serializers.IntegerField(
        min_value=limits.PRIORITY_MIN, max_value=limits.PRIORITY_MAX, default=0
    )
    geometry = serializers.JSONField()
    repair = serializers.BooleanField(default=False)

    def validate_department(self, code: str) -> Department:
        return _department(code)

    def validate_categories(self, codes: list[str]) -> list[Category]:
        return [category_get(code, field="categories") for code in dict.fromkeys(codes)]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        repair = attrs.pop("repair", False)
        if "geometry" in attrs:
            polygonal: Polygonal = parse_polygonal(
                attrs["geometry"], accept_repair=repair
            )
            attrs["geometry"] = polygonal.geometry
            attrs["repairs"] = polygonal.repairs
        return attrs


class DraftStartInput(serializers.Serializer):
    retire = serializers.BooleanField(default=False)


class DraftsInput(serializers.Serializer):
    drafts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=MAX_DRAFTS,
    )


class ZoneFeatureOutput(GeoFeatureModelSerializer):
    """A zone as a GeoJSON Feature (coordinates to 6 decimals, about 0.1 m)."""

    geom = GeometryField(precision=PRECISION, read_only=True)
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    department_name_vi = serializers.CharField(source="department.name_vi")
    department_name_en = serializers.CharField(source="department.name_en")
    categories: serializers.Field = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = ResponsibilityZone
        geo_field = "geom"  # a model field, so the OpenAPI schema can describe it
        fields = [
            "id",
            "name",
            "department",
            "department_name_vi",
            "department_name_en",
            "categories",
            "priority",
            "area_m2",
            "status",
            "valid_from",
            "valid_to",
            "replaces",
            "retires",
            "jurisdiction_code",
            "created_at",
            "updated_at",
        ]


class ZoneHistoryOutput(serializers.ModelSerializer):
    """One change: who, when, what changed and the geometry before it (GeoJSON)."""

    actor = serializers.SerializerMethodField(
        help_text="The role that made the change; the user name only for admins."
    )
    old_geometry = GeometryField(
        source="old_geom", precision=PRECISION, read_only=True, allow_null=True
    )

    class Meta:
        model = ZoneHistory
        fields = ["id", "zone_name", "action", "actor", "at", "changes", "old_geometry"]

    def get_actor(self, row: ZoneHistory) -> str:
        request = self.context.get("request")
        return actor_label(row.actor, viewer=request.user if request else None)


class DepartmentRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class UnitRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    boundary_set = serializers.CharField(source="boundary_set_slug")
    chain = serializers.ListField(child=serializers.CharField())


class ZoneRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    priority = serializers.IntegerField()
    area_m2 = serializers.FloatField()


class CandidateOutput(serializers.Serializer):
    zone = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    priority = serializers.IntegerField()
    area_m2 = serializers.FloatField()
    edge_distance_m = serializers.FloatField()
    chosen = serializers.BooleanField()


class PointOutput(serializers.Serializer):
    lon = serializers.FloatField()
    lat = serializers.FloatField()


class CategoryRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class ExplainOutput(serializers.Serializer):
    """A routing decision with its reasons (a ``routing.engine.decision.Decision``), and
    the question it answers (from the context: ``point``, ``category``, ``at``).
    ``reason`` is the reason in the request's language."""

    point = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    at = serializers.SerializerMethodField()
    unit = UnitRefOutput()
    department = DepartmentRefOutput()
    zone = ZoneRefOutput(allow_null=True)
    rule = serializers.CharField()
    near_edge = serializers.BooleanField()
    edge_distance_m = serializers.FloatField()
    matched = serializers.CharField(source="unit.matched")
    outside_m = serializers.FloatField(source="unit.outside_m")
    candidates = CandidateOutput(source="candidates_json", many=True)
    reason_vi = serializers.CharField()
    reason_en = serializers.CharField()
    reason = serializers.SerializerMethodField()

    @extend_schema_field(PointOutput)
    def get_point(self, decision: Decision) -> dict[str, float]:
        point = self.context["point"]
        return {"lon": point.lon, "lat": point.lat}

    @extend_schema_field(CategoryRefOutput)
    def get_category(self, decision: Decision) -> dict[str, str]:
        return CategoryRefOutput(self.context["category"]).data

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_at(self, decision: Decision) -> str:
        return timezone.localtime(self.context["at"]).isoformat()

    def get_reason(self, decision: Decision) -> str:
        english = (get_language() or "vi").startswith("en")
        return decision.reason_en if english else decision.reason_vi
