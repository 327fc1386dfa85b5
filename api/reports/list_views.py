"""Staff read reports: the list (filters and pages, as GeoJSON) and one report with
its routing decision, events and photos, scoped by ``routing.reports.roles``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from api.access import staff_user
from api.errors import ApiError
from api.params import parse_bounded
from api.reports.codes import report_not_found
from api.reports.filters import ReportFilter
from api.reports.serializers import (
    ReportFeatureOutput,
    detail_json,
)
from api.schema import FilteredSchema
from routing.models import Report
from routing.reports.access import personal_data_ids, sees_personal_data
from routing.reports.selectors import (
    report_visible_get,
    reports_select,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class _Page:
    items: list[Report]
    number: int
    size: int
    count: int
    last: int


def _page(request: Request, reports: QuerySet[Report]) -> _Page:
    """The page asked for by ``page`` and ``page_size``; a page past the last is a
    bilingual 404."""
    params = request.query_params
    number = int(parse_bounded(params.get("page"), "page", low=1, high=1e6, default=1))
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
    if number > last:
        raise ApiError(
            "page_out_of_range",
            f"Trang {number} không tồn tại (có {last} trang).",
            f"There is no page {number} (there are {last}).",
            field="page",
            status_code=status.HTTP_404_NOT_FOUND,
        )
    items = list(reports[(number - 1) * size : number * size])
    return _Page(items, number, size, count, last)


class ReportListApi(GenericAPIView):
    """The reports a staff user may see, as a paginated GeoJSON FeatureCollection.

    The filters are ``ReportFilter``'s (applied by the filter backend, documented
    from it); ``page`` and ``page_size`` are not filters and are read here."""

    filterset_class = ReportFilter
    schema = FilteredSchema()
    # The model whose filters the schema documents; requests use ``reports_select``.
    queryset = Report.objects.none()

    @extend_schema(
        operation_id="reports_list",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        page = _page(request, self.filter_queryset(reports_select(user=user)))
        personal = personal_data_ids(user=user, reports=page.items)
        features = ReportFeatureOutput(
            page.items, many=True, context={"personal_ids": personal}
        ).data["features"]
        url = request.build_absolute_uri()
        return Response(
            {
                "type": "FeatureCollection",
                "count": page.count,
                "page": page.number,
                "page_size": page.size,
                "next": replace_query_param(url, "page", page.number + 1)
                if page.number < page.last
                else None,
                "previous": replace_query_param(url, "page", page.number - 1)
                if page.number > 1
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
