"""Output shapes of the boundaries API."""

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import AdminUnit, BoundarySet, UnitSuccession


class BoundarySetOutput(serializers.ModelSerializer):
    units = serializers.IntegerField(source="unit_count", read_only=True)

    class Meta:
        model = BoundarySet
        fields = [
            "slug",
            "name",
            "jurisdiction_code",
            "valid_from",
            "valid_to",
            "status",
            "source",
            "licence",
            "units",
        ]


class UnitFeatureOutput(GeoFeatureModelSerializer):
    """A unit as a GeoJSON Feature; ``display_geom`` is simplified when asked."""

    geometry = GeometryField(source="display_geom", precision=6, read_only=True)
    boundary_set: serializers.SlugRelatedField[BoundarySet] = (
        serializers.SlugRelatedField(slug_field="slug", read_only=True)
    )
    parent_code = serializers.CharField(
        source="parent.code", default=None, read_only=True
    )
    parent_name = serializers.CharField(
        source="parent.name", default=None, read_only=True
    )
    area_km2 = serializers.SerializerMethodField()

    class Meta:
        model = AdminUnit
        geo_field = "geometry"
        id_field = False
        fields = [
            "code",
            "name",
            "name_ascii",
            "level",
            "parent_code",
            "parent_name",
            "boundary_set",
            "area_km2",
        ]

    def get_area_km2(self, unit: AdminUnit) -> float:
        return round(unit.area_m2 / 1e6, 3)


class SuccessionOutput(serializers.ModelSerializer):
    to_code = serializers.CharField(source="to_unit.code")
    to_name = serializers.CharField(source="to_unit.name")
    to_set = serializers.CharField(source="to_unit.boundary_set.slug")
    from_set = serializers.CharField(source="from_set.slug")

    class Meta:
        model = UnitSuccession
        fields = [
            "from_set",
            "from_code",
            "from_name",
            "to_set",
            "to_code",
            "to_name",
            "kind",
        ]
