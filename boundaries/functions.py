"""Database functions for boundary geometry."""

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import Transform
from django.db.models import F, FloatField, Func, Value

from geo.projections import UTM_48N, WGS84


def simplified_in_metres(field: str, tolerance_m: float) -> Func:
    """``field`` simplified with a tolerance in metres (in UTM 48N, not in degrees),
    keeping each polygon valid; back in EPSG:4326."""
    metric = Transform(F(field), UTM_48N)
    simplified = Func(
        metric,
        Value(tolerance_m, output_field=FloatField()),
        function="ST_SimplifyPreserveTopology",
        output_field=MultiPolygonField(srid=UTM_48N),
    )
    return Transform(simplified, WGS84)
