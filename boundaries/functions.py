"""Database functions for boundary geometry.

Tolerances in metres are applied in the UTM zone of each geometry's own centre
(``utm_srid``, the SQL twin of ``geo.projections.utm_for``), never in a fixed zone:
Vietnam's zone (48N) stretches the metres of a city far from it (by a quarter at
Sydney), and a tolerance there would not be the one asked for.
"""

from django.contrib.gis.db.models import MultiPolygonField
from django.db.models import (
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor, Least
from django.db.models.lookups import GreaterThanOrEqual

from geo.projections import WGS84


def utm_srid(geometry: Expression | F) -> ExpressionWrapper:
    """SQL for the EPSG code of the WGS 84 UTM zone holding ``geometry``'s
    centroid, by ``geo.projections.utm_for``'s rule: 326zz north of the equator,
    327zz south, zone 60 for longitude 180 (a test holds the two equal)."""
    centre = Func(geometry, function="ST_Centroid")
    lon = Func(centre, function="ST_X", output_field=FloatField())
    lat = Func(centre, function="ST_Y", output_field=FloatField())
    zone = Least(
        Cast(Floor((lon + Value(180.0)) / Value(6.0)), IntegerField()) + Value(1),
        Value(60),
    )
    hemisphere = Case(
        When(GreaterThanOrEqual(lat, Value(0.0)), then=Value(32600)),
        default=Value(32700),
    )
    return ExpressionWrapper(hemisphere + zone, output_field=IntegerField())


def utm_srid_sql(point: str) -> str:
    """Raw SQL for ``utm_srid`` of a point expression (a column or an alias of a
    LATERAL: it is written twice)."""
    return (
        f"(CASE WHEN ST_Y({point}) >= 0 THEN 32600 ELSE 32700 END"
        f" + LEAST(floor((ST_X({point}) + 180.0) / 6.0)::integer + 1, 60))"
    )


def simplified_in_metres(field: str, tolerance_m: float) -> Func:
    """``field`` simplified with a tolerance in metres, in the UTM zone of its own
    centroid (``utm_srid``), keeping each polygon valid; back in EPSG:4326."""
    # The SRID of the metric shapes varies by row; their output field only types them.
    metric = Func(
        F(field),
        utm_srid(F(field)),
        function="ST_Transform",
        output_field=MultiPolygonField(),
    )
    simplified = Func(
        metric,
        Value(tolerance_m, output_field=FloatField()),
        function="ST_SimplifyPreserveTopology",
        output_field=MultiPolygonField(),
    )
    return Func(
        simplified,
        Value(WGS84),
        function="ST_Transform",
        output_field=MultiPolygonField(srid=WGS84),
    )
