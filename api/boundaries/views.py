"""Boundaries API: point lookup, sets, units as GeoJSON."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.boundaries.filters import DATE_HELP, SET_HELP, UnitFilter
from api.boundaries.scope import JURISDICTION, LAYER, parse_scope
from api.boundaries.serializers import (
    BoundarySetOutput,
    SuccessionOutput,
    UnitFeatureOutput,
)
from api.lean import LeanGetApi
from api.params import parse_bounded, parse_day
from api.schema import FilteredSchema
from boundaries.jurisdictions import today_for
from boundaries.lookup import Lookup, UnitRef, point_lookup
from boundaries.models import AdminUnit, BoundarySet
from boundaries.selectors import (
    boundary_sets_select,
    unit_get,
    unit_successions,
    units_drawn,
)
from geo.coords import parse_lon_lat
from geo.tiles import metres_per_pixel

DATE = OpenApiParameter("date", OpenApiTypes.STR, description=DATE_HELP)
SET = OpenApiParameter("set", OpenApiTypes.STR, description=SET_HELP)


def _unit_json(unit: UnitRef) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "name_ascii": unit.name_ascii,
        "level": unit.level,
    }


def lookup_json(result: Lookup, lon: float, lat: float) -> dict:
    codes = {
        u.level if u.level in ("province", "district") else "commune": u.code
        for u in result.chain
    }
    s = result.boundary_set
    return {
        "point": {"lon": lon, "lat": lat},
        "boundary_set": {
            "slug": s.slug,
            "name": s.name,
            "valid_from": s.valid_from.isoformat(),
            "valid_to": s.valid_to.isoformat() if s.valid_to else None,
            "jurisdiction": s.jurisdiction_code,
            "layer": s.layer,
        },
        "unit": _unit_json(result.unit),
        "chain": [_unit_json(u) for u in result.chain],
        "codes": codes,
        "matched": result.matched,
        "distance_m": result.distance_m,
        # Several units of the winning depth cover the point (a shared edge, an
        # overlap): the rule chose the first of the candidates.
        "ambiguous": result.ambiguous,
        "candidates": [_unit_json(u) for u in result.candidates],
    }


class BoundaryLookupApi(LeanGetApi):
    """Which ward or commune (then district, province) covers a point on a date.

    One layer is searched (administrative unless ``layer`` names another), of every
    jurisdiction or of ``jurisdiction``. Among several units of one depth covering
    the point (a shared edge, overlapping units) the set of higher priority wins,
    then the smaller unit, then the lower code (numeric-aware); the answer then says
    ``ambiguous`` and lists the ``candidates``, winner first.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
            DATE,
            LAYER,
            JURISDICTION,
            OpenApiParameter(
                "nearest_within_m",
                OpenApiTypes.NUMBER,
                description="Match the nearest unit when the point lies outside every unit "
                "by at most this many metres (0–50000; default 0).",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:  # here for its schema
        return super().get(request)

    def answer(self, query: QueryDict) -> dict:
        """The lookup's JSON for the query's parameters (checked, bilingual 400s)."""
        point = parse_lon_lat(query.get("lon"), query.get("lat"))
        within = parse_bounded(
            query.get("nearest_within_m"),
            "nearest_within_m",
            low=0,
            high=50_000,
            default=0.0,
        )
        scope = parse_scope(query.get("layer"), query.get("jurisdiction"))
        raw_day = query.get("date")
        # Without a date: today where the jurisdiction asked about is.
        day = (
            parse_day(raw_day)
            if (raw_day or "").strip()
            else today_for(scope.jurisdiction)
        )
        result = point_lookup(
            lon=point.lon,
            lat=point.lat,
            day=day,
            nearest_within_m=within,
            layer=scope.layer,
            jurisdiction=scope.jurisdiction,
        )
        return lookup_json(result, point.lon, point.lat) | {"date": day.isoformat()}


class BoundarySetListApi(APIView):
    """Every boundary set, oldest first, with its validity and status."""

    @extend_schema(responses=BoundarySetOutput(many=True))
    def get(self, request: Request) -> Response:
        sets = BoundarySet.objects.annotate(unit_count=Count("units"))
        return Response(BoundarySetOutput(sets, many=True).data)


def _sets(request: Request) -> list[BoundarySet]:
    return boundary_sets_select(
        slug=request.query_params.get("set"),
        day=parse_day(request.query_params.get("date")),
    )


class UnitListApi(GenericAPIView):
    """Units as a GeoJSON FeatureCollection, optionally simplified for a map zoom."""

    # The docstring is the schema's description; the query parameters are
    # UnitFilter's, documented from it.
    queryset = AdminUnit.objects.all()
    filterset_class = UnitFilter
    schema = FilteredSchema()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        filters = UnitFilter(request.query_params, queryset=self.get_queryset())
        units = filters.qs  # checks every parameter first
        bbox, zoom = (
            filters.form.cleaned_data["bbox"],
            filters.form.cleaned_data["simplify"],
        )
        lat = (
            (bbox.min_lat + bbox.max_lat) / 2
            if bbox
            else settings.LEAFLET_CONFIG["DEFAULT_CENTER"][0]
        )
        drawn = units_drawn(
            units=units,
            simplify_m=metres_per_pixel(zoom, lat) if zoom is not None else None,
        )
        return Response(UnitFeatureOutput(drawn, many=True).data)


class UnitDetailApi(APIView):
    """One unit as a GeoJSON Feature, with its children and its crosswalk rows."""

    @extend_schema(
        operation_id="boundaries_unit_detail",
        parameters=[SET, DATE],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        unit = unit_get(code=code, boundary_sets=_sets(request))
        # Drawn whole: the attribute units_drawn annotates on lists, set by hand.
        unit.display_geom = unit.geom  # type: ignore[attr-defined]
        data = UnitFeatureOutput(unit).data
        data["properties"]["children"] = list(
            unit.children.order_by("code").values("code", "name", "level")
        )
        data["properties"]["source_properties"] = unit.properties
        links = unit_successions(unit=unit)
        data["properties"]["successors"] = SuccessionOutput(
            links["successors"], many=True
        ).data
        data["properties"]["predecessors"] = SuccessionOutput(
            links["predecessors"], many=True
        ).data
        return Response(data)
