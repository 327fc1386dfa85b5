"""Staff read reports: the list (filters and pages, as GeoJSON) and one report with
its routing decision, events and photos, scoped by ``routing.reports.roles``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from api.access import staff_user
from api.errors import ApiError
from api.params import parse_bound, parse_bounded
from api.reports.codes import report_not_found
from api.reports.serializers import (
    ReportFeatureOutput,
    detail_json,
)
from api.routing.serializers import category_get
from geo.coords import parse_bbox
from routing.models import Department, Report
from routing.reports.access import personal_data_ids, sees_personal_data
from routing.reports.selectors import (
    report_visible_get,
    reports_select,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _codes(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


class ReportListApi(APIView):
    """The reports a staff user may see, as a paginated GeoJSON FeatureCollection."""

    @extend_schema(
        operation_id="reports_list",
        parameters=[
            OpenApiParameter(
                "bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat"
            ),
            OpenApiParameter(
                "category", OpenApiTypes.STR, description="Codes, comma-separated."
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="Comma-separated: " + ", ".join(Report.Status.values),
            ),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit GSO code."),
            OpenApiParameter(
                "department", OpenApiTypes.STR, description="Department code."
            ),
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="Reported on or after: dd/mm/yyyy, yyyy-mm-dd or ISO "
                "datetime.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="Reported on or before (a date includes the whole day).",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        params = request.query_params
        statuses = _codes(params.get("status"))
        unknown = [s for s in statuses if s not in Report.Status.values]
        if unknown:
            raise ApiError(
                "bad_status",
                f"Trạng thái không hợp lệ: {', '.join(unknown)[:80]}; dùng "
                f"{', '.join(Report.Status.values)}.",
                f"Unknown status: {', '.join(unknown)[:80]}; use "
                f"{', '.join(Report.Status.values)}.",
                field="status",
            )
        department_id = None
        if params.get("department"):
            code = params["department"].strip()
            department_id = (
                Department.objects.filter(code=code)
                .values_list("pk", flat=True)
                .first()
            )
            if department_id is None:
                raise ApiError(
                    "unknown_department",
                    f"Không có cơ quan xử lý với mã '{code[:60]}'.",
                    f"No department has the code '{code[:60]}'.",
                    field="department",
                )
        reports = reports_select(
            user=user,
            bbox=parse_bbox(params.get("bbox")),
            category_ids=[category_get(c).pk for c in _codes(params.get("category"))],
            statuses=statuses,
            unit_code=(params.get("unit") or "").strip() or None,
            department_id=department_id,
            reported_from=parse_bound(params.get("from"), "from", end=False),
            reported_before=parse_bound(params.get("to"), "to", end=True),
        )
        page = int(
            parse_bounded(params.get("page"), "page", low=1, high=1e6, default=1)
        )
        size = int(
            parse_bounded(
                params.get("page_size"),
                "page_size",
                low=1,
                high=MAX_PAGE_SIZE,
                default=DEFAULT_PAGE_SIZE,
            )
        )
        count = reports.count()
        last = max(1, -(-count // size))
        if page > last:
            raise ApiError(
                "page_out_of_range",
                f"Trang {page} không tồn tại (có {last} trang).",
                f"There is no page {page} (there are {last}).",
                field="page",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        items = list(reports[(page - 1) * size : page * size])
        personal = personal_data_ids(user=user, reports=items)
        features = ReportFeatureOutput(
            items, many=True, context={"personal_ids": personal}
        ).data["features"]
        url = request.build_absolute_uri()
        return Response(
            {
                "type": "FeatureCollection",
                "count": count,
                "page": page,
                "page_size": size,
                "next": replace_query_param(url, "page", page + 1)
                if page < last
                else None,
                "previous": replace_query_param(url, "page", page - 1)
                if page > 1
                else None,
                "features": features,
            }
        )


class ReportDetailApi(APIView):
    """One report for staff, with its routing decision, events and photos; 404 for
    a report outside the reader's scope."""

    @extend_schema(
        operation_id="reports_detail",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        user = staff_user(request)
        report = report_visible_get(user=user, code=code)
        if report is None:
            raise report_not_found(code)
        sees = sees_personal_data(user, report)
        return Response(detail_json(report, sees_personal=sees, request=request))
