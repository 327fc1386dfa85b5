"""Analytics API for planners: clusters, heatmap, hot spots, statistics, exports and
vector tiles. Views parse the query (``api.analytics.params``) and call the
selectors in ``analytics``; none of them returns personal data."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.clusters import clusters_select, heatmap_select
from analytics.export import (
    export_count,
    export_csv,
    export_geojson,
    export_gpkg,
    export_max_rows,
)
from analytics.hotspots import (
    DEFAULT_RESOLUTION,
    MAX_PERMUTATIONS,
    HotspotError,
    hotspots_compute,
)
from analytics.stats import stats_select
from analytics.tiles import tile_render
from api.analytics.params import (
    FILTER_PARAMETERS,
    ZOOM,
    parse_filter,
    parse_int,
    parse_zoom,
)
from api.analytics.permissions import AnalyticsReader
from api.errors import ApiError
from api.params import parse_bounded
from geo.grid import valid_tile

MVT = "application/vnd.mapbox-vector-tile"


class _AnalyticsApi(APIView):
    permission_classes = [AnalyticsReader]


class ClusterListApi(_AnalyticsApi):
    @extend_schema(
        parameters=[*FILTER_PARAMETERS, ZOOM],
        responses={200: OpenApiTypes.OBJECT},
        summary="Clusters (or single reports when zoomed in) as GeoJSON",
    )
    def get(self, request: Request) -> Response:
        selection = parse_filter(request.query_params)
        zoom = parse_zoom(request.query_params, default=12)
        assert zoom is not None
        return Response(clusters_select(selection=selection, zoom=zoom))


class HeatmapApi(_AnalyticsApi):
    @extend_schema(
        parameters=[*FILTER_PARAMETERS, ZOOM],
        responses={200: OpenApiTypes.OBJECT},
        summary="[[lat, lng, weight], …] for Leaflet.heat",
    )
    def get(self, request: Request) -> Response:
        selection = parse_filter(request.query_params)
        zoom = parse_zoom(request.query_params)
        return Response(heatmap_select(selection=selection, zoom=zoom))


class HotspotListApi(_AnalyticsApi):
    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "resolution", OpenApiTypes.INT, description="H3 5–9, default 8"
            ),
            OpenApiParameter(
                "alpha", OpenApiTypes.NUMBER, description="FDR level, default 0.05"
            ),
            OpenApiParameter("level", OpenApiTypes.STR, enum=["h3", "unit"]),
            OpenApiParameter("normalise", OpenApiTypes.STR, enum=["area"]),
            OpenApiParameter(
                "permutations", OpenApiTypes.INT, description="0 = analytical"
            ),
            OpenApiParameter("compare_from", OpenApiTypes.DATE),
            OpenApiParameter("compare_to", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Getis-Ord Gi* hot and cold spots, FDR-corrected; emerging hot spots",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        selection = parse_filter(query)
        compare = None
        if query.get("compare_from") or query.get("compare_to"):
            compare = parse_filter(query, prefix="compare_")
        level = query.get("level") or "h3"
        if level not in {"h3", "unit"}:
            raise ApiError(
                "bad_level",
                "'level' phải là h3 hoặc unit.",
                "'level' must be h3 or unit.",
                field="level",
            )
        normalise = query.get("normalise") or ""
        if normalise not in {"", "area", "none"}:
            raise ApiError(
                "bad_normalise",
                "'normalise' phải là area hoặc none.",
                "'normalise' must be area or none.",
                field="normalise",
            )
        alpha = parse_bounded(
            query.get("alpha"), "alpha", low=0.001, high=0.2, default=0.05
        )
        assert alpha is not None
        try:
            body = hotspots_compute(
                selection=selection,
                resolution=parse_int(
                    query, "resolution", low=5, high=9, default=DEFAULT_RESOLUTION
                ),
                alpha=alpha,
                level=level,
                normalise=normalise == "area",
                permutations=parse_int(
                    query, "permutations", low=0, high=MAX_PERMUTATIONS, default=0
                ),
                compare=compare,
            )
        except HotspotError as error:
            raise ApiError(
                "hotspots_unavailable",
                f"Không tính được điểm nóng: {error}",
                f"Hot spots cannot be computed: {error}",
            ) from error
        return Response(body)


class StatsApi(_AnalyticsApi):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        summary="Counts, resolution times, overdue rates and satisfaction",
        description=(
            "Counts: `total`, `by_unit`, `by_category`, `by_status`, `by_month` "
            "(`yyyy-mm`) and `by_month_category` (`[{month, category, count}]`, "
            "category by code; sums to `by_month` and `by_category`). Each "
            "`by_unit` row also has the unit's deadline figures, as in `overdue` "
            "(`open`, `open_overdue`, `open_overdue_rate`, "
            "`resolved_with_deadline`, `resolved_late`, `resolved_late_rate`), "
            "whose counts sum to the selection's. Rates are null without a "
            "denominator; `open_overdue` is read at the time of the request. "
            "`resolution_hours` gives the median and p90 within "
            "`max_relative_error`."
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(stats_select(selection=parse_filter(request.query_params)))


class ExportApi(_AnalyticsApi):
    """CSV, GeoJSON or GeoPackage of the selected reports, no personal data."""

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiTypes.BINARY},
        summary="Export the selected reports (no personal data)",
    )
    def get(self, request: Request, fmt: str) -> HttpResponseBase:
        selection = parse_filter(request.query_params)
        limit = export_max_rows()
        count = export_count(selection=selection)
        if count > limit:
            raise ApiError(
                "too_many_rows",
                f"Có {count} phản ánh được chọn, vượt giới hạn xuất {limit}: hãy thu "
                "hẹp bộ lọc.",
                f"{count} reports are selected, over the export limit of {limit}: "
                "narrow the filters.",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        name = f"reports.{fmt}"
        if fmt == "gpkg":
            return FileResponse(
                export_gpkg(selection=selection),
                as_attachment=True,
                filename=name,
                content_type="application/geopackage+sqlite3",
            )
        stream, content_type = (
            (export_csv(selection=selection), "text/csv; charset=utf-8")
            if fmt == "csv"
            else (export_geojson(selection=selection), "application/geo+json")
        )
        response = StreamingHttpResponse(stream, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReportTileApi(_AnalyticsApi):
    """A Mapbox Vector Tile of reports (layer ``reports``), with the filters."""

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, MVT): OpenApiTypes.BINARY},
        summary="Vector tile of report clusters or reports",
    )
    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        if not valid_tile(z, x, y):
            raise ApiError(
                "bad_tile",
                f"Ô bản đồ {z}/{x}/{y} không tồn tại.",
                f"There is no tile {z}/{x}/{y}.",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        body = tile_render(z=z, x=x, y=y, selection=parse_filter(request.query_params))
        response = HttpResponse(body, content_type=MVT)
        response["Cache-Control"] = "private, max-age=60"
        return response
