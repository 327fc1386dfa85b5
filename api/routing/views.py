"""Routing API: explain a decision; list, edit, check and publish responsibility zones.

Reads are public; writes need a routing officer (``api.routing.permissions``). Views
parse input and call ``routing.engine.route`` and ``routing.zones.services``, which do
every write in one transaction and leave the zone history.
"""

from __future__ import annotations

import shapely
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.params import parse_moment
from api.routing.filters import AT_HELP, ZoneFilter
from api.routing.permissions import RoutingOfficerWrites
from api.routing.serializers import (
    DraftsInput,
    DraftStartInput,
    ExplainOutput,
    ZoneFeatureOutput,
    ZoneHistoryOutput,
    ZoneInput,
    category_param,
    input_errors,
    request_object,
    truthy,
    zone_fields,
)
from api.schema import FilteredSchema
from boundaries.lookup import NoBoundarySet
from geo.coords import parse_lon_lat
from geo.errors import GeoInputError
from geo.geojson import parse_polygonal
from geo.topology import area_m2
from routing.engine.route import route_decide
from routing.models import ResponsibilityZone
from routing.zones.services import (
    zone_draft_create,
    zone_draft_delete,
    zone_draft_start,
    zone_draft_update,
    zones_preview,
    zones_publish,
)

AT = OpenApiParameter("at", OpenApiTypes.STR, description=AT_HELP)


def _zone_get(pk: int) -> ResponsibilityZone:
    zone = (
        ResponsibilityZone.objects.select_related("department")
        .prefetch_related("categories")
        .filter(pk=pk)
        .first()
    )
    if zone is None:
        raise ApiError(
            "zone_not_found",
            f"Không có vùng trách nhiệm số {pk}.",
            f"There is no responsibility zone {pk}.",
            status_code=status.HTTP_404_NOT_FOUND,
        )
    return zone


def _zone_feature(zone: ResponsibilityZone, repairs: list[str] | None = None) -> dict:
    data = ZoneFeatureOutput(_zone_get(zone.pk)).data
    if repairs:
        data["properties"]["repairs"] = repairs
    return data


def _drafts(request: Request) -> list[ResponsibilityZone]:
    serializer = DraftsInput(data=request_object(request))
    if not serializer.is_valid():
        raise input_errors(serializer.errors)
    ids = list(dict.fromkeys(serializer.validated_data["drafts"]))
    zones = list(ResponsibilityZone.objects.filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {z.pk for z in zones})
    if missing:
        raise ApiError(
            "unknown_drafts",
            f"Không có bản nháp số {', '.join(map(str, missing))}.",
            f"There is no draft {', '.join(map(str, missing))}.",
            field="drafts",
            extra={"missing": missing},
        )
    published = [z.pk for z in zones if z.status != ResponsibilityZone.Status.DRAFT]
    if published:
        raise ApiError(
            "not_a_draft",
            f"Vùng số {', '.join(map(str, published))} đã ban hành, không phải bản nháp.",
            f"Zone(s) {', '.join(map(str, published))} are published, not drafts.",
            field="drafts",
            status_code=status.HTTP_409_CONFLICT,
            extra={"published": published},
        )
    return zones


class RoutingExplainApi(APIView):
    """Which department a report at a point, of a category, at a moment would go to,
    by which rule, and why."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter(
                "category", OpenApiTypes.STR, required=True, description="e.g. VSMT"
            ),
            AT,
        ],
        responses={200: ExplainOutput},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        point = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = category_param(params)
        at = parse_moment(params.get("at"))
        try:
            decision = route_decide(
                lon=point.lon, lat=point.lat, category=category, at=at
            )
        except NoBoundarySet as error:
            error.field = "at"  # the lookup calls it "date"; here the parameter is "at"
            raise
        context = {"point": point, "category": category, "at": at}
        return Response(ExplainOutput(decision, context=context).data)


class ZoneListApi(GenericAPIView):
    """Responsibility zones as a GeoJSON FeatureCollection; POST creates a draft."""

    # The docstring is the schema's description; the query parameters are
    # ZoneFilter's, applied by the filter backend and documented from it.
    permission_classes = [RoutingOfficerWrites]
    filterset_class = ZoneFilter
    schema = FilteredSchema()
    queryset = ResponsibilityZone.objects.select_related("department").prefetch_related(
        "categories"
    )

    @extend_schema(responses={200: ZoneFeatureOutput(many=True)})
    def get(self, request: Request) -> Response:
        zones = self.filter_queryset(self.get_queryset())
        return Response(ZoneFeatureOutput(zones, many=True).data)

    @extend_schema(
        request=ZoneInput,
        responses={201: ZoneFeatureOutput},
        description="A GeoJSON Feature (properties: name, department, categories, "
        "priority) or {name, department, categories, priority, geometry}. An invalid "
        "polygon is refused with the reason, its location and the repaired geometry; "
        "send repair=true to accept the repair.",
    )
    def post(self, request: Request) -> Response:
        serializer = ZoneInput(data=zone_fields(request))
        if not serializer.is_valid():
            raise input_errors(serializer.errors)
        data = serializer.validated_data
        zone = zone_draft_create(
            name=data["name"],
            department=data["department"],
            categories=data["categories"],
            geometry=data["geometry"],
            priority=data["priority"],
            actor=request.user,
        )
        return Response(
            _zone_feature(zone, data["repairs"]), status=status.HTTP_201_CREATED
        )


class ZoneDetailApi(APIView):
    """One zone as a GeoJSON Feature; PATCH edits a draft, DELETE removes a draft."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(responses={200: ZoneFeatureOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ZoneFeatureOutput(_zone_get(pk)).data)

    @extend_schema(request=ZoneInput, responses={200: ZoneFeatureOutput})
    def patch(self, request: Request, pk: int) -> Response:
        zone = _zone_get(pk)
        serializer = ZoneInput(data=zone_fields(request), partial=True)
        if not serializer.is_valid():
            raise input_errors(serializer.errors)
        changes = dict(serializer.validated_data)
        repairs = changes.pop("repairs", None)
        if not changes:
            raise ApiError(
                "nothing_to_change",
                "Không có gì để sửa: gửi name, department, categories, priority hoặc "
                "geometry.",
                "Nothing to change: send name, department, categories, priority or "
                "geometry.",
            )
        zone = zone_draft_update(zone=zone, actor=request.user, **changes)
        return Response(_zone_feature(zone, repairs))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        zone_draft_delete(zone=_zone_get(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ZoneDraftStartApi(APIView):
    """Start a draft from a published zone: it will replace the zone when published,
    or end it ({"retire": true})."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(request=DraftStartInput, responses={201: ZoneFeatureOutput})
    def post(self, request: Request, pk: int) -> Response:
        zone = _zone_get(pk)
        serializer = DraftStartInput(data=request_object(request))
        if not serializer.is_valid():
            raise input_errors(serializer.errors)
        draft = zone_draft_start(
            zone=zone, actor=request.user, retire=serializer.validated_data["retire"]
        )
        return Response(_zone_feature(draft), status=status.HTTP_201_CREATED)


class ZoneValidateApi(APIView):
    """Check one polygon without saving it: valid (with its area), or the reason,
    its location and the repair on offer."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        fields = zone_fields(request)
        if "geometry" not in fields:
            raise ApiError(
                "missing",
                "Thiếu trường «geometry».",
                "The field 'geometry' is required.",
                field="geometry",
            )
        try:
            polygonal = parse_polygonal(
                fields["geometry"], accept_repair=truthy(fields.get("repair"))
            )
        except GeoInputError as error:
            return Response(
                {
                    "valid": False,
                    "code": error.code,
                    "messages": {"vi": error.vi, "en": error.en},
                    **error.extra,
                }
            )
        geometry = polygonal.geometry
        return Response(
            {
                "valid": True,
                "repairs": polygonal.repairs,
                "area_m2": round(area_m2(geometry), 1),
                "polygons": len(geometry.geoms),
                # Corners: each ring's closing point repeats its first.
                "vertices": int(shapely.get_num_coordinates(geometry))
                - sum(1 + len(part.interiors) for part in geometry.geoms),
                "bbox": [round(v, 6) for v in geometry.bounds],
                "geometry": shapely.geometry.mapping(geometry),
            }
        )


class ZonesPreviewApi(APIView):
    """What publishing drafts now would do: topology (gaps, equal-priority overlaps,
    invalid zones) and impact (reports that would change department). Writes nothing."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(request=DraftsInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        drafts = _drafts(request)
        preview = zones_preview(drafts=drafts)
        return Response({"drafts": [d.pk for d in drafts], **preview})


class ZonesPublishApi(APIView):
    """Publish drafts at one instant and re-route the open reports they affect."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(request=DraftsInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        result = zones_publish(drafts=_drafts(request), actor=request.user)
        return Response(
            {
                "at": timezone.localtime(result.at).isoformat(),
                "published": result.published,
                "superseded": result.superseded,
                "retired": result.retired,
                "rerouted": result.rerouted.as_dict(),
                "topology": result.topology,
            }
        )


class ZoneHistoryApi(APIView):
    """A zone's changes, newest first: who, when, what, and the geometry before."""

    permission_classes = [RoutingOfficerWrites]

    @extend_schema(responses={200: ZoneHistoryOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        zone = _zone_get(pk)
        rows = zone.history.select_related("actor")
        return Response(
            ZoneHistoryOutput(rows, many=True, context={"request": request}).data
        )
