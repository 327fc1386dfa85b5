"""Public reads by tracking code or place: tracking, the nearby check before sending,
and a report's photos. No personal data; the citizen's words and photos only as
``routing.reports.publication`` allows; throttled per client address
(``api.reports.citizen.CitizenThrottle``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.reports.citizen import CitizenThrottle
from api.reports.codes import CODE_HELP, public_report_get
from api.reports.serializers import (
    DuplicateOutput,
    PhotoOutput,
    PhotoStaffOutput,
)
from api.routing.serializers import category_param
from geo.coords import parse_lon_lat
from routing.intake.duplicates import duplicates_near
from routing.reports.access import report_in_scope, sees_personal_data
from routing.reports.public import report_public_json
from routing.reports.publication import photos_public


def _tracked(request: Request, code: str) -> dict:
    """The public view of the report with this tracking code, or a 404."""
    report = public_report_get(code)
    return report_public_json(report, absolute=request.build_absolute_uri)


class ReportTrackApi(APIView):
    """Public tracking by code: status, category, unit, department, deadline, public
    events and photos. Never who reported it."""

    throttle_classes = [CitizenThrottle]

    @extend_schema(
        operation_id="reports_track",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=CODE_HELP
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_tracked(request, code))


class ReportTrackQueryApi(APIView):
    """Public tracking with the code in the query string (?code=…), for forms."""

    throttle_classes = [CitizenThrottle]

    @extend_schema(
        operation_id="reports_track_query",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, required=True, description=CODE_HELP
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("code") or ""
        if not code.strip():
            raise ApiError(
                "missing",
                "Thiếu mã theo dõi (code), ví dụ HT-7K3Q-X9MB.",
                "The parameter 'code' is required, e.g. HT-7K3Q-X9MB.",
                field="code",
            )
        return Response(_tracked(request, code))


class ReportsNearbyApi(APIView):
    """Open reports of a category near a point that may be the same problem, for
    the citizen to check before sending (no personal data)."""

    throttle_classes = [CitizenThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter(
                "category", OpenApiTypes.STR, required=True, description="e.g. VSMT"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        point = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = category_param(params)
        found = duplicates_near(lon=point.lon, lat=point.lat, category=category)
        return Response(
            {
                "point": {"lon": point.lon, "lat": point.lat},
                "category": category.code,
                "radius_m": category.duplicate_radius_m,
                "window_days": category.duplicate_window_days,
                "duplicates": DuplicateOutput(found, many=True).data,
            }
        )


class ReportPhotosApi(APIView):
    """A report's photos by tracking code: EXIF-free copies and thumbnails of the
    photos the public may see (``routing.reports.publication``) for anyone; staff
    who may see the report get every photo, with sizes and digests, and GPS tags
    where they may see its personal data."""

    throttle_classes = [CitizenThrottle]

    @extend_schema(
        operation_id="reports_photos",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description=CODE_HELP
            )
        ],
        responses={200: PhotoStaffOutput(many=True)},
    )
    def get(self, request: Request, code: str) -> Response:
        report = public_report_get(code)
        output: type[PhotoOutput]
        if report_in_scope(request.user, report):
            output, shown = PhotoStaffOutput, list(report.photos.all())
        else:
            output, shown = PhotoOutput, photos_public(report)
        context = {
            "request": request,
            "personal": sees_personal_data(request.user, report),
        }
        photos = output(shown, many=True, context=context)
        return Response({"tracking_code": report.tracking_code, "photos": photos.data})
